using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Tests.Dnssec;

/// <summary>
/// RFC 5155 Appendix A's zone (salt aabbccdd, 12 iterations, every NSEC3 opt-out) rebuilt from its names, and the
/// Appendix B responses proven with the outcome a validator must reach.
/// </summary>
public class Nsec3ProofTests
{
    private static readonly DnsName s_zone = DnsName.Parse("example.");
    private static readonly byte[] s_salt = [0xAA, 0xBB, 0xCC, 0xDD];
    private static readonly DnssecValidationOptions s_options = new();

    // Appendix A: the authoritative names and empty non-terminals with their types (c.example is the unsigned
    // opt-out delegation and has no NSEC3; glue has none either).
    private static readonly (string Name, DnsRecordType[] Types)[] s_names =
    [
        ("example.", [DnsRecordType.NS, DnsRecordType.SOA, DnsRecordType.MX, DnsRecordType.RRSIG, DnsRecordType.DNSKEY, DnsRecordType.NSEC3PARAM]),
        ("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.", [DnsRecordType.A, DnsRecordType.RRSIG]),
        ("a.example.", [DnsRecordType.NS, DnsRecordType.DS, DnsRecordType.RRSIG]),
        ("ai.example.", [DnsRecordType.A, DnsRecordType.HINFO, DnsRecordType.AAAA, DnsRecordType.RRSIG]),
        ("ns1.example.", [DnsRecordType.A, DnsRecordType.RRSIG]),
        ("ns2.example.", [DnsRecordType.A, DnsRecordType.RRSIG]),
        ("w.example.", []),
        ("*.w.example.", [DnsRecordType.MX, DnsRecordType.RRSIG]),
        ("x.w.example.", [DnsRecordType.MX, DnsRecordType.RRSIG]),
        ("y.w.example.", []),
        ("x.y.w.example.", [DnsRecordType.MX, DnsRecordType.RRSIG]),
        ("xx.example.", [DnsRecordType.A, DnsRecordType.HINFO, DnsRecordType.AAAA, DnsRecordType.RRSIG]),
    ];

    private static List<ResourceRecord> Chain(byte flags = 1)
    {
        var hashed = s_names
            .Select(n => (Hash: DnssecDigests.ComputeNsec3Hash(DnsName.Parse(n.Name), 12, s_salt), n.Types))
            .OrderBy(h => Convert.ToHexString(h.Hash), StringComparer.Ordinal)
            .ToList();
        return [.. hashed.Select((h, i) => new ResourceRecord(
            DnsName.Parse(Base32Hex.Encode(h.Hash).ToLowerInvariant()).Concat(s_zone), DnsClass.IN, 3600,
            new Nsec3Record(1, flags, 12, s_salt, hashed[(i + 1) % hashed.Count].Hash,
                h.Types.Length == 0 ? [] : [.. h.Types, DnsRecordType.RRSIG])))];
    }

    // The records of a response: the chain members whose owner hash label is listed.
    private static List<ResourceRecord> Pick(List<ResourceRecord> chain, params string[] labels) =>
        [.. chain.Where(r => labels.Contains(r.Name.ToString().Split('.')[0], StringComparer.OrdinalIgnoreCase))];

    [Theory]
    [InlineData("example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom")]
    [InlineData("a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl")]
    [InlineData("ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi")]
    [InlineData("ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr")]
    [InlineData("ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r")]
    [InlineData("w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h")]
    [InlineData("*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en")]
    [InlineData("x.w.example.", "b4um86eghhds6nea196smvmlo4ors995")]
    [InlineData("y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc")]
    [InlineData("x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s")]
    [InlineData("xx.example.", "t644ebqk9bibcna874givr6joj62mlhv")]
    [InlineData("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.", "kohar7mbb8dc2ce8a9qvl8hon4k53uhi")]
    public void Appendix_A_hashes(string name, string label) =>
        DnssecDigests.ComputeNsec3Label(DnsName.Parse(name), 12, s_salt).ToLowerInvariant().ShouldBe(label);

    [Fact]
    public void B1_name_error_under_opt_out_is_insecure_and_secure_without_it()
    {
        // B.1: a.c.x.w.example: closest encloser x.w.example, next closer c.x.w.example, wildcard *.x.w.example.
        var response = Pick(Chain(), "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "b4um86eghhds6nea196smvmlo4ors995", "35mthgpgcu1qg68fab165klnsnk3dpvl");
        var qname = DnsName.Parse("a.c.x.w.example.");

        var optOut = Nsec3Denial.ProveNxDomain(qname, s_zone, response, s_options);
        optOut.Security.ShouldBe(DnssecSecurity.Insecure, optOut.Detail);
        optOut.Kind.ShouldBe(DenialKind.OptOut);
        optOut.ClosestEncloser.ShouldBe(DnsName.Parse("x.w.example."));

        var strict = Pick(Chain(flags: 0), "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "b4um86eghhds6nea196smvmlo4ors995", "35mthgpgcu1qg68fab165klnsnk3dpvl");
        var proven = Nsec3Denial.ProveNxDomain(qname, s_zone, strict, s_options);
        proven.Security.ShouldBe(DnssecSecurity.Secure, proven.Detail);
        proven.Kind.ShouldBe(DenialKind.NxDomain);

        // Without the NSEC3 that covers the next closer name, there is no proof.
        var missing = Pick(Chain(flags: 0), "b4um86eghhds6nea196smvmlo4ors995", "35mthgpgcu1qg68fab165klnsnk3dpvl");
        var broken = Nsec3Denial.ProveNxDomain(qname, s_zone, missing, s_options);
        broken.Security.ShouldBe(DnssecSecurity.Bogus);
        broken.Reason.ShouldBe(DnssecReasons.NextClosestEncloserNotCovered);
    }

    [Fact]
    public void B2_no_data()
    {
        var response = Pick(Chain(), "2t7b4g4vsa5smi47k61mv5bv1a22bojr");
        var result = Nsec3Denial.ProveNoData(DnsName.Parse("ns1.example."), DnsRecordType.MX, s_zone, response, s_options);
        result.Security.ShouldBe(DnssecSecurity.Secure, result.Detail);
        result.Kind.ShouldBe(DenialKind.NoData);

        var lie = Nsec3Denial.ProveNoData(DnsName.Parse("ns1.example."), DnsRecordType.A, s_zone, response, s_options);
        lie.Reason.ShouldBe(DnssecReasons.StypeInBitmap);
    }

    [Fact]
    public void B21_no_data_at_an_empty_non_terminal()
    {
        var response = Pick(Chain(), "ji6neoaepv8b5o6k4ev33abha8ht9fgc");
        var result = Nsec3Denial.ProveNoData(DnsName.Parse("y.w.example."), DnsRecordType.A, s_zone, response, s_options);
        result.Security.ShouldBe(DnssecSecurity.Secure, result.Detail);
    }

    [Fact]
    public void B3_referral_to_an_opt_out_unsigned_zone_is_insecure()
    {
        // mc.c.example MX: referral to c.example; DS absence shown by the closest encloser example and an opt-out cover.
        var response = Pick(Chain(), "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "35mthgpgcu1qg68fab165klnsnk3dpvl");
        var result = Nsec3Denial.ProveNoData(DnsName.Parse("c.example."), DnsRecordType.DS, s_zone, response, s_options);
        result.Security.ShouldBe(DnssecSecurity.Insecure, result.Detail);
        result.Kind.ShouldBe(DenialKind.OptOut);
        result.ClosestEncloser.ShouldBe(s_zone);

        // Without opt-out the same response proves nothing.
        var strict = Pick(Chain(flags: 0), "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "35mthgpgcu1qg68fab165klnsnk3dpvl");
        Nsec3Denial.ProveNoData(DnsName.Parse("c.example."), DnsRecordType.DS, s_zone, strict, s_options)
            .Security.ShouldBe(DnssecSecurity.Bogus);
    }

    [Fact]
    public void B4_wildcard_expansion()
    {
        // a.z.w.example MX answered from *.w.example (RRSIG labels 2): next closer z.w.example must be covered.
        var response = Pick(Chain(), "q04jkcevqvmu85r014c7dkba38o0ji5r");
        var result = Nsec3Denial.ProveWildcardAnswer(DnsName.Parse("a.z.w.example."), 2, s_zone, response, s_options);
        result.Security.ShouldBe(DnssecSecurity.Secure, result.Detail);
        result.Kind.ShouldBe(DenialKind.WildcardAnswer);
        result.ClosestEncloser.ShouldBe(DnsName.Parse("w.example."));

        Nsec3Denial.ProveWildcardAnswer(DnsName.Parse("a.z.w.example."), 2, s_zone, Pick(Chain(), "k8udemvp1j2f7eg6jebps17vp3n8i58h"), s_options)
            .Reason.ShouldBe(DnssecReasons.NextClosestEncloserNotCovered);
    }

    [Fact]
    public void B5_wildcard_no_data()
    {
        var response = Pick(Chain(), "k8udemvp1j2f7eg6jebps17vp3n8i58h", "q04jkcevqvmu85r014c7dkba38o0ji5r", "r53bq7cc2uvmubfu5ocmm6pers9tk9en");
        var result = Nsec3Denial.ProveNoData(DnsName.Parse("a.z.w.example."), DnsRecordType.AAAA, s_zone, response, s_options);
        result.Security.ShouldBe(DnssecSecurity.Secure, result.Detail);
        result.Kind.ShouldBe(DenialKind.WildcardNoData);
        result.ClosestEncloser.ShouldBe(DnsName.Parse("w.example."));

        Nsec3Denial.ProveNoData(DnsName.Parse("a.z.w.example."), DnsRecordType.MX, s_zone, response, s_options)
            .Reason.ShouldBe(DnssecReasons.StypeInBitmap);
    }

    [Fact]
    public void B6_DS_no_data_at_the_child_apex()
    {
        var response = Pick(Chain(), "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
        var result = Nsec3Denial.ProveNoData(s_zone, DnsRecordType.DS, s_zone, response, s_options);
        result.Security.ShouldBe(DnssecSecurity.Secure, result.Detail);
        result.Kind.ShouldBe(DenialKind.NoData);
    }

    [Fact]
    public void An_existing_name_cannot_be_denied() =>
        Nsec3Denial.ProveNxDomain(DnsName.Parse("ns1.example."), s_zone, Chain(), s_options).Reason.ShouldBe(DnssecReasons.SnameNotCovered);
}
