using System.Net;
using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Monitoring.Changes;
using DnsCert.Monitoring.Checks;
using DnsCert.Monitoring.Model;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Monitoring.Tests;

/// <summary>The pure check functions on crafted responses.</summary>
public sealed class CheckUnitTests
{
    private static readonly DnsName s_zone = DnsName.Parse("example.test.");
    private static readonly DateTimeOffset s_now = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    private static ResourceRecord Rr(string owner, RecordData data) => new(DnsName.Parse(owner), DnsClass.IN, 3600, data);

    private static SoaRecord Soa(uint serial) => new(DnsName.Parse("ns1.example.test."), DnsName.Parse("hostmaster.example.test."), serial, 14400, 3600, 604800, 3600);

    private static ProbeResult Probe(string address, DnsName name, DnsRecordType type, Action<DnsMessage>? fill, ProbeQuery? query = null,
        ProbeOutcome outcome = ProbeOutcome.Answered, TimeSpan? rtt = null)
    {
        var request = DnsMessage.CreateQuery(name, type);
        DnsMessage? response = null;
        if (outcome == ProbeOutcome.Answered)
        {
            response = DnsMessage.CreateQuery(name, type);
            response.IsResponse = true;
            response.IsAuthoritative = true;
            response.Edns = new EdnsInfo();
            fill?.Invoke(response);
        }

        return new ProbeResult
        {
            ServerName = "ns.example.test.",
            Address = IPAddress.Parse(address),
            Name = name,
            Type = type,
            Query = query ?? ProbeQuery.Udp,
            Outcome = outcome,
            Response = response,
            QueryBytes = request.Encode(),
            ResponseBytes = response?.Encode() ?? default,
            RoundTrip = rtt ?? TimeSpan.FromMilliseconds(3),
            SentAt = s_now,
        };
    }

    private static ServerProbes Server(string address, uint serial, Action<DnsMessage>? soaFill = null, ProbeResult? plain = null, ProbeResult? recursion = null,
        ProbeResult? tcp = null) => new()
        {
            Name = "ns.example.test.",
            Address = IPAddress.Parse(address),
            InParent = true,
            InChild = true,
            SoaUdp = Probe(address, s_zone, DnsRecordType.SOA, soaFill ?? (m => m.Answers.Add(Rr("example.test.", Soa(serial))))),
            SoaPlain = plain,
            SoaTcp = tcp ?? Probe(address, s_zone, DnsRecordType.SOA, m => m.Answers.Add(Rr("example.test.", Soa(serial))), ProbeQuery.OverTcp),
            Recursion = recursion,
        };

    private static ZoneObservation Observe(params ServerProbes[] servers) => new()
    {
        Zone = s_zone,
        Delegation = new Delegation(s_zone, null, null, [], null),
        Servers = servers,
        Now = s_now,
        PrivateTree = true,
    };

    [Fact]
    public void Catalogue_has_every_id_of_the_reference_with_stable_unique_keys()
    {
        var expected = Enumerable.Range(1, 10).Select(i => $"DEL-{i:00}").Concat(Enumerable.Range(1, 5).Select(i => $"NS-{i:00}"))
            .Concat(Enumerable.Range(1, 4).Select(i => $"ZN-{i:00}")).Concat(Enumerable.Range(1, 9).Select(i => $"SEC-{i:00}"))
            .Concat(Enumerable.Range(1, 7).Select(i => $"CHG-{i:00}"));
        var ids = CheckCatalogue.All.Select(c => c.Id).ToList();
        ids.ShouldBeUnique();
        foreach (var id in expected)
        {
            ids.ShouldContain(id);
        }

        CheckCatalogue.All.ShouldAllBe(c => c.RemediationKey == "monitoring.fix." + c.Id.ToLowerInvariant() && c.Remediation.Length > 10);
    }

    [Fact]
    public void Different_serials_are_zn01_and_one_serial_is_not()
    {
        ServerChecks.Run(Observe(Server("192.0.2.1", 5), Server("192.0.2.2", 5))).ShouldNotContain(f => f.CheckId == "ZN-01");
        var findings = ServerChecks.Run(Observe(Server("192.0.2.1", 5), Server("192.0.2.2", 4))).ToList();
        findings.ShouldContain(f => f.CheckId == "ZN-01" && f.Severity == Severity.Warning && f.Evidence.Count == 2);
    }

    [Fact]
    public void Formerr_with_edns_but_answers_without_is_ns04_error()
    {
        var plain = Probe("192.0.2.1", s_zone, DnsRecordType.SOA, m => { m.Edns = null; m.Answers.Add(Rr("example.test.", Soa(5))); }, ProbeQuery.Plain);
        var server = Server("192.0.2.1", 5, m => { m.IsAuthoritative = false; m.ResponseCode = DnsResponseCode.FormErr; m.Edns = null; }, plain);
        var findings = ServerChecks.Run(Observe(server)).ToList();
        findings.ShouldContain(f => f.CheckId == "NS-04" && f.Severity == Severity.Error);
        DelegationChecks.Run(Observe(server) is var o ? o : null!).ShouldNotContain(f => f.CheckId == "DEL-04", "a server that answers plain DNS is not lame");
    }

    [Fact]
    public void Recursive_answer_with_ra_outside_the_zone_is_ns02()
    {
        var recursion = Probe("192.0.2.1", s_zone.Parent, DnsRecordType.SOA, m =>
        {
            m.IsAuthoritative = false;
            m.RecursionAvailable = true;
            m.Answers.Add(Rr("test.", Soa(1)));
        }, new ProbeQuery(RecursionDesired: true, DnssecOk: false));
        ServerChecks.Run(Observe(Server("192.0.2.1", 5, recursion: recursion))).ShouldContain(f => f.CheckId == "NS-02");
        var refused = Probe("192.0.2.1", s_zone.Parent, DnsRecordType.SOA, m => { m.IsAuthoritative = false; m.ResponseCode = DnsResponseCode.Refused; });
        ServerChecks.Run(Observe(Server("192.0.2.1", 5, recursion: refused))).ShouldNotContain(f => f.CheckId == "NS-02");
    }

    [Fact]
    public void Tcp_timeout_is_ns01_and_slow_udp_is_ns06()
    {
        var tcp = Probe("192.0.2.1", s_zone, DnsRecordType.SOA, null, ProbeQuery.OverTcp, ProbeOutcome.Timeout);
        ServerChecks.Run(Observe(Server("192.0.2.1", 5, tcp: tcp))).ShouldContain(f => f.CheckId == "NS-01" && f.Message.Contains("TCP"));
        var slow = Server("192.0.2.1", 5) is var s ? new ServerProbes
        {
            Name = s.Name,
            Address = s.Address,
            InParent = true,
            InChild = true,
            SoaTcp = s.SoaTcp,
            SoaUdp = Probe("192.0.2.1", s_zone, DnsRecordType.SOA, m => m.Answers.Add(Rr("example.test.", Soa(5))), rtt: TimeSpan.FromMilliseconds(1500)),
        } : null!;
        ServerChecks.Run(Observe(slow)).ShouldContain(f => f.CheckId == "NS-06");
    }

    [Fact]
    public void Global_address_test_follows_the_special_purpose_registry()
    {
        DelegationChecks.IsGlobal(IPAddress.Parse("127.0.0.1")).ShouldBeFalse();
        DelegationChecks.IsGlobal(IPAddress.Parse("10.1.2.3")).ShouldBeFalse();
        DelegationChecks.IsGlobal(IPAddress.Parse("192.0.2.1")).ShouldBeFalse();
        DelegationChecks.IsGlobal(IPAddress.Parse("fd00::1")).ShouldBeFalse();
        DelegationChecks.IsGlobal(IPAddress.Parse("2001:db8::1")).ShouldBeFalse();
        DelegationChecks.IsGlobal(IPAddress.Parse("198.41.0.4")).ShouldBeTrue();
        DelegationChecks.IsGlobal(IPAddress.Parse("2001:503:ba3e::2:30")).ShouldBeTrue();
        DelegationChecks.Prefix(IPAddress.Parse("198.41.0.4")).ShouldBe("198.41.0.0/24");
    }

    [Fact]
    public void Snapshots_normalise_spelling_so_no_change_is_invented()
    {
        var a = DelegationSnapshot.FromRecords(s_zone,
            [Rr("example.test.", new NsRecord(DnsName.Parse("NS1.Example.TEST."))), Rr("example.test.", new DsRecord(1, 13, 2, Convert.FromHexString("ABCDEF")))],
            [Rr("example.test.", new DsRecord(1, 13, 2, Convert.FromHexString("abcdef")))],
            new[] { Rr("ns1.example.test.", new AaaaRecord(IPAddress.Parse("2001:0db8:0000:0000:0000:0000:0000:0053"))) }.ToLookup(r => r.Name));
        var b = DelegationSnapshot.FromRecords(DnsName.Parse("EXAMPLE.test."),
            [Rr("EXAMPLE.TEST.", new NsRecord(DnsName.Parse("ns1.example.test.")))],
            [Rr("example.TEST.", new DsRecord(1, 13, 2, Convert.FromHexString("ABCDEF")))],
            new[] { Rr("NS1.example.test.", new AaaaRecord(IPAddress.Parse("2001:db8::53"))) }.ToLookup(r => r.Name));
        ChangeDetector.Compare(a, b).ShouldBeEmpty();
        var moved = b with { Glue = new Dictionary<string, IReadOnlyList<string>> { ["ns1.example.test."] = ["2001:db8::54"] }, Ds = [] };
        var findings = ChangeDetector.Compare(a, moved);
        findings.Select(f => f.CheckId).Order().ShouldBe(["CHG-02", "CHG-03"]);
        findings.ShouldAllBe(f => f.Severity == Severity.Critical);
    }

    [Fact]
    public void Serial_going_backwards_uses_rfc1982_arithmetic()
    {
        ChangeDetector.SerialLess(4, 5).ShouldBeTrue();
        ChangeDetector.SerialLess(5, 4).ShouldBeFalse();
        ChangeDetector.SerialLess(0xFFFFFFF0, 3).ShouldBeTrue("3 follows 0xFFFFFFF0 after wrap-around");
        var baseline = new DelegationSnapshot { Zone = "example.test.", NameServers = [], Glue = new Dictionary<string, IReadOnlyList<string>>(), Ds = [], SoaSerial = 10 };
        ChangeDetector.Compare(baseline, baseline with { SoaSerial = 9 }).ShouldContain(f => f.CheckId == "CHG-05");
        ChangeDetector.Compare(baseline, baseline with { SoaSerial = 11 }).ShouldBeEmpty();
    }

    [Fact]
    public void Rdap_status_maps_to_epp_and_a_removed_lock_is_chg06()
    {
        var locked = RdapRegistryLockSource.Parse("example.test", """{"status":["active","server update prohibited","server delete prohibited","server transfer prohibited"]}""", s_now);
        locked.Locked.ShouldBeTrue();
        var unlocked = RdapRegistryLockSource.Parse("example.test", """{"status":["active","server delete prohibited"]}""", s_now);
        unlocked.Locked.ShouldBeFalse();
        RegistryLockCheck.Compare(locked, unlocked).Single().CheckId.ShouldBe("CHG-06");
        RegistryLockCheck.Compare(locked, locked).ShouldBeEmpty();
    }

    [Fact]
    public void Rsa_modulus_size_is_read_from_the_rfc3110_key()
    {
        var key = new byte[1 + 3 + 128];
        key[0] = 3;
        key[1] = 1;
        key[3] = 1;
        key[4] = 0xC0;
        DnssecChecks.RsaBits(key).ShouldBe(1024);
    }
}
