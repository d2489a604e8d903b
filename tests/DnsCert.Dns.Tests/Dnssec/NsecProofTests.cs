using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Dnssec;

public class NsecProofTests
{
    private static readonly DnsName s_zone = DnsName.Parse("example.");

    private const string ChainText = """
        example.        300 IN NSEC a.example. NS SOA RRSIG NSEC DNSKEY
        a.example.      300 IN NSEC d.example. A RRSIG NSEC
        d.example.      300 IN NSEC *.w.example. NS DS RRSIG NSEC
        *.w.example.    300 IN NSEC x.w.example. TXT RRSIG NSEC
        x.w.example.    300 IN NSEC example. A RRSIG NSEC
        """;

    private static List<ResourceRecord> Chain(string? without = null) =>
        [.. ZoneFileReader.Read(new StringReader(ChainText)).Where(r => without is null || r.Name != DnsName.Parse(without))];

    [Fact]
    public void Name_error_needs_the_name_and_the_wildcard_covered()
    {
        var result = NsecDenial.ProveNxDomain(DnsName.Parse("b.example."), s_zone, Chain());
        result.Security.ShouldBe(DnssecSecurity.Secure, result.Detail);
        result.ClosestEncloser.ShouldBe(s_zone);

        NsecDenial.ProveNxDomain(DnsName.Parse("b.example."), s_zone, Chain(without: "example."))
            .Reason.ShouldBe(DnssecReasons.WildcardNotCovered);
        NsecDenial.ProveNxDomain(DnsName.Parse("a.example."), s_zone, Chain()).Reason.ShouldBe(DnssecReasons.SnameNotCovered);
        NsecDenial.ProveNxDomain(DnsName.Parse("b.example."), s_zone, []).Reason.ShouldBe(DnssecReasons.MissingNsecForNxdomain);
    }

    [Fact]
    public void Names_below_a_delegation_are_not_denied_by_its_NSEC()
    {
        // RFC 6840 §4.1: the NSEC at the delegation d.example says nothing about names under it.
        NsecDenial.ProveNxDomain(DnsName.Parse("www.d.example."), s_zone, Chain()).Reason.ShouldBe(DnssecReasons.SnameNotCovered);
    }

    [Fact]
    public void No_data_checks_the_bitmap()
    {
        NsecDenial.ProveNoData(DnsName.Parse("a.example."), DnsRecordType.MX, s_zone, Chain()).Kind.ShouldBe(DenialKind.NoData);
        NsecDenial.ProveNoData(DnsName.Parse("a.example."), DnsRecordType.A, s_zone, Chain()).Reason.ShouldBe(DnssecReasons.StypeInBitmap);
        // A parent-side NSEC at a delegation denies DS only.
        NsecDenial.ProveNoData(DnsName.Parse("d.example."), DnsRecordType.A, s_zone, Chain()).Security.ShouldBe(DnssecSecurity.Bogus);
    }

    [Fact]
    public void Wildcard_no_data_and_wildcard_answers()
    {
        var noData = NsecDenial.ProveNoData(DnsName.Parse("z.w.example."), DnsRecordType.A, s_zone, Chain());
        noData.Kind.ShouldBe(DenialKind.WildcardNoData, noData.Detail);
        noData.ClosestEncloser.ShouldBe(DnsName.Parse("w.example."));

        var answer = NsecDenial.ProveWildcardAnswer(DnsName.Parse("z.w.example."), 2, s_zone, Chain());
        answer.Kind.ShouldBe(DenialKind.WildcardAnswer, answer.Detail);
        NsecDenial.ProveWildcardAnswer(DnsName.Parse("x.w.example."), 2, s_zone, Chain()).Security.ShouldBe(DnssecSecurity.Bogus);
    }
}
