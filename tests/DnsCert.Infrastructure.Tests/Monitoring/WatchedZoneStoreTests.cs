using DnsCert.Core;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Monitoring.Changes;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Monitoring;

/// <summary>Watched zones, four-eyes baseline approval and change records on a real PostgreSQL.</summary>
public sealed class WatchedZoneStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid s_alice = Guid.NewGuid();
    private static readonly Guid s_bob = Guid.NewGuid();
    private NpgsqlDataSource _db = null!;
    private WatchedZoneStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = await MigratedDatabase.CreateAsync();
        _store = new WatchedZoneStore(_db, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static DelegationSnapshot Snapshot(params string[] ns) => new()
    {
        Zone = "example.test.",
        NameServers = ns,
        Ds = ["12345 13 2 ABCD"],
        Glue = new Dictionary<string, IReadOnlyList<string>> { [ns[0]] = ["192.0.2.1", "2001:db8::1"] },
    };

    [Fact]
    public async Task A_baseline_needs_a_second_person_to_take_effect()
    {
        Assert.True(await _store.AddAsync("Example.TEST", 60, default));
        Assert.False(await _store.AddAsync("example.test.", 60, default));
        var first = Snapshot("ns1.example.test.", "ns2.example.test.");
        await _store.ProposeBaselineAsync(first, s_alice, default);

        var self = await Assert.ThrowsAsync<ValidationException>(() => _store.ApproveBaselineAsync("example.test.", s_alice, default));
        Assert.Equal("baseline", self.Field);
        var pending = (await _store.GetAsync("example.test.", default))!;
        Assert.Null(pending.Baseline);
        Assert.True(ChangeRecord.SameDelegation(first, pending.Proposed!));

        await _store.ApproveBaselineAsync("example.test.", s_bob, default);
        var approved = (await _store.GetAsync("example.test.", default))!;
        Assert.True(ChangeRecord.SameDelegation(first, approved.Baseline!));
        Assert.Equal(["192.0.2.1", "2001:db8::1"], approved.Baseline!.Glue["ns1.example.test."]);
        Assert.Equal(s_bob, approved.BaselineApprovedBy);
        Assert.Null(approved.Proposed);

        // A later proposal leaves the approved baseline in force until approved; nothing left to approve twice.
        await _store.ProposeBaselineAsync(Snapshot("ns1.example.test.", "ns9.example.test."), s_bob, default);
        Assert.True(ChangeRecord.SameDelegation(first, (await _store.GetAsync("example.test.", default))!.Baseline!));
        await _store.ApproveBaselineAsync("example.test.", s_alice, default);
        await Assert.ThrowsAsync<ValidationException>(() => _store.ApproveBaselineAsync("example.test.", s_bob, default));
        await Assert.ThrowsAsync<ValidationException>(() => _store.ProposeBaselineAsync(Snapshot("ns1.other.test.") with { Zone = "other.test." }, s_alice, default));
    }

    [Fact]
    public async Task Change_records_cover_an_announced_change_once_approved_by_someone_else()
    {
        await _store.AddAsync("example.test.", 60, default);
        var expected = Snapshot("ns1.example.test.", "ns3.example.test.");
        var id = await _store.AddChangeRecordAsync("CR-2026-11", expected, s_now, s_now.AddHours(6), s_alice, default);

        var unapproved = Assert.Single(await _store.ChangeRecordsAsync("example.test.", s_now.AddHours(1), default));
        Assert.False(unapproved.Covers(expected, s_now.AddHours(1)));
        await Assert.ThrowsAsync<ValidationException>(() => _store.ApproveChangeRecordAsync(id, s_alice, default));

        await _store.ApproveChangeRecordAsync(id, s_bob, default);
        var record = Assert.Single(await _store.ChangeRecordsAsync("example.test.", s_now.AddHours(1), default));
        Assert.Equal(("CR-2026-11", id), (record.Reference, record.Id));
        Assert.True(record.Covers(Snapshot("ns1.example.test.", "ns3.example.test."), s_now.AddHours(1)));
        Assert.False(record.Covers(Snapshot("ns1.example.test.", "ns.attacker.test."), s_now.AddHours(1)));
        Assert.Empty(await _store.ChangeRecordsAsync("example.test.", s_now.AddHours(6), default));

        await Assert.ThrowsAsync<ValidationException>(() => _store.AddChangeRecordAsync("CR", expected with { Zone = "unwatched.test." }, s_now, s_now.AddHours(1), s_alice, default));
        await Assert.ThrowsAsync<ValidationException>(() => _store.AddChangeRecordAsync("CR", expected, s_now, s_now, s_alice, default));
    }
}
