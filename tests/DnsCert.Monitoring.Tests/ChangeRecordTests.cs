using DnsCert.Monitoring.Changes;

namespace DnsCert.Monitoring.Tests;

/// <summary>Which observed delegations an announced change record covers.</summary>
public sealed class ChangeRecordTests
{
    private static readonly DateTimeOffset s_from = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private static DelegationSnapshot Snapshot(string[] ns, string[] ds, params (string Name, string[] Addresses)[] glue) => new()
    {
        Zone = "example.test.",
        NameServers = ns,
        Ds = ds,
        Glue = glue.ToDictionary(g => g.Name, g => (IReadOnlyList<string>)g.Addresses),
    };

    private static readonly DelegationSnapshot s_expected = Snapshot(
        ["ns1.example.test.", "ns3.example.test."], ["12345 13 2 ABCD"], ("ns1.example.test.", ["192.0.2.1", "2001:db8::1"]), ("ns3.example.test.", ["192.0.2.3"]));

    private static ChangeRecord Record(bool approved = true) => new(Guid.NewGuid(), "example.test.", "CR-1", s_expected, s_from, s_from.AddHours(4), approved);

    [Fact]
    public void An_approved_record_covers_exactly_the_expected_delegation_inside_its_window()
    {
        // Same sets in another order: covered.
        var observed = Snapshot(["ns3.example.test.", "ns1.example.test."], ["12345 13 2 ABCD"],
            ("ns3.example.test.", ["192.0.2.3"]), ("ns1.example.test.", ["2001:db8::1", "192.0.2.1"]));
        Assert.True(Record().Covers(observed, s_from));
        Assert.True(Record().Covers(observed, s_from.AddHours(4).AddTicks(-1)));
        Assert.False(Record().Covers(observed, s_from.AddHours(4)));
        Assert.False(Record().Covers(observed, s_from.AddTicks(-1)));
        Assert.False(Record(approved: false).Covers(observed, s_from.AddHours(1)));
    }

    [Fact]
    public void A_partial_match_covers_nothing()
    {
        var extraNs = Snapshot(["ns1.example.test.", "ns3.example.test.", "ns.attacker.test."], ["12345 13 2 ABCD"],
            ("ns1.example.test.", ["192.0.2.1", "2001:db8::1"]), ("ns3.example.test.", ["192.0.2.3"]));
        var otherGlue = Snapshot(["ns1.example.test.", "ns3.example.test."], ["12345 13 2 ABCD"],
            ("ns1.example.test.", ["192.0.2.1", "2001:db8::1"]), ("ns3.example.test.", ["203.0.113.3"]));
        var noDs = Snapshot(["ns1.example.test.", "ns3.example.test."], [],
            ("ns1.example.test.", ["192.0.2.1", "2001:db8::1"]), ("ns3.example.test.", ["192.0.2.3"]));
        var missingGlue = Snapshot(["ns1.example.test.", "ns3.example.test."], ["12345 13 2 ABCD"], ("ns1.example.test.", ["192.0.2.1", "2001:db8::1"]));
        foreach (var observed in new[] { extraNs, otherGlue, noDs, missingGlue })
        {
            Assert.False(Record().Covers(observed, s_from.AddHours(1)));
        }

        Assert.False(Record().Covers(s_expected with { Zone = "other.test." }, s_from.AddHours(1)));
    }
}
