using System.Net;
using System.Security.Cryptography;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Dnssec;

public class ChainValidatorTests
{
    private static readonly DnssecValidationOptions s_options = new() { Now = DateTimeOffset.FromUnixTimeSeconds(1_500_000_000) };
    private static readonly DnsName s_parent = DnsName.Parse("example.");
    private static readonly DnsName s_child = DnsName.Parse("child.example.");

    private sealed class Signer : IDisposable
    {
        private readonly ECDsa _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public Signer(DnsName zone, ushort flags)
        {
            Zone = zone;
            var q = _ecdsa.ExportParameters(false).Q;
            Key = new DnskeyRecord(flags, 3, 13, [.. q.X!, .. q.Y!]);
        }

        public DnsName Zone { get; }

        public DnskeyRecord Key { get; }

        public ResourceRecord KeyRecord => new(Zone, DnsClass.IN, 3600, Key);

        public ResourceRecord Sign(IReadOnlyList<ResourceRecord> rrset)
        {
            var first = rrset[0];
            var unsigned = new RrsigRecord(first.Type, 13, (byte)first.Name.LabelCount, first.Ttl, 2_000_000_000, 1_000_000_000, Key.KeyTag, Zone, []);
            var signature = _ecdsa.SignData(RrsigVerifier.BuildSignedData(unsigned, rrset), HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return new ResourceRecord(first.Name, DnsClass.IN, first.Ttl,
                new RrsigRecord(first.Type, 13, (byte)first.Name.LabelCount, first.Ttl, 2_000_000_000, 1_000_000_000, Key.KeyTag, Zone, signature));
        }

        public void Dispose() => _ecdsa.Dispose();
    }

    private static ResourceRecord Rr(DnsName name, RecordData data) => new(name, DnsClass.IN, 3600, data);

    [Fact]
    public void Anchor_to_parent_to_child_to_answer_is_secure_and_each_break_is_named()
    {
        using var parent = new Signer(s_parent, 257);
        using var child = new Signer(s_child, 257);
        var anchor = new TrustAnchor(s_parent, [DnssecDigests.ComputeDs(s_parent, parent.Key, DnssecDigests.Sha256)], []);
        List<ResourceRecord> parentKeys = [parent.KeyRecord, parent.Sign([parent.KeyRecord])];
        List<ResourceRecord> childKeys = [child.KeyRecord, child.Sign([child.KeyRecord])];
        var ds = Rr(s_child, DnssecDigests.ComputeDs(s_child, child.Key, DnssecDigests.Sha256));
        List<ResourceRecord> parentSide = [ds, parent.Sign([ds])];
        var www = Rr(DnsName.Parse("www.child.example."), new ARecord(IPAddress.Parse("192.0.2.7")));
        List<ResourceRecord> answer = [www, child.Sign([www])];
        List<ZoneLink> chain = [new(s_parent, parentKeys, []), new(s_child, childKeys, parentSide)];

        var result = ChainValidator.Validate(anchor, chain, answer, s_options);
        result.Security.ShouldBe(DnssecSecurity.Secure, result.Detail);
        result.Evidence.Count.ShouldBeGreaterThanOrEqualTo(5);
        result.Evidence.ShouldContain(e => e.Contains("DS RRset of child.example. signed by example.", StringComparison.Ordinal));

        // A changed answer.
        var forged = Rr(www.Name, new ARecord(IPAddress.Parse("203.0.113.66")));
        var bad = ChainValidator.Validate(anchor, chain, [forged, answer[1]], s_options);
        bad.Security.ShouldBe(DnssecSecurity.Bogus);
        bad.Reason.ShouldBe(DnssecReasons.SignatureInvalid);

        // A DS that matches the tag but not the digest of the child key.
        var wrongDs = Rr(s_child, new DsRecord(child.Key.KeyTag, 13, 2, new byte[32]));
        var mismatch = ChainValidator.Validate(anchor, [chain[0], new(s_child, childKeys, [wrongDs, parent.Sign([wrongDs])])], answer, s_options);
        mismatch.Reason.ShouldBe(DnssecReasons.DigestInvalid);

        // An unsigned DS RRset.
        var unsignedDs = ChainValidator.Validate(anchor, [chain[0], new(s_child, childKeys, [ds])], answer, s_options);
        unsignedDs.Reason.ShouldBe(DnssecReasons.MissingRrsig);

        // Expired by validation time.
        var late = new DnssecValidationOptions { Now = DateTimeOffset.FromUnixTimeSeconds(2_100_000_000) };
        ChainValidator.Validate(anchor, chain, answer, late).Reason.ShouldBe(DnssecReasons.ExpirationInPast);
    }

    [Fact]
    public void A_proven_absent_DS_makes_the_child_insecure_and_an_unproven_one_bogus()
    {
        using var parent = new Signer(s_parent, 257);
        var anchor = new TrustAnchor(s_parent, [], [parent.Key]);
        List<ResourceRecord> parentKeys = [parent.KeyRecord, parent.Sign([parent.KeyRecord])];
        var nsec = Rr(s_child, new NsecRecord(DnsName.Parse("d.example."), [DnsRecordType.NS, DnsRecordType.RRSIG, DnsRecordType.NSEC]));
        var answer = Rr(DnsName.Parse("www.child.example."), new ARecord(IPAddress.Parse("192.0.2.7")));

        var insecure = ChainValidator.Validate(anchor, [new(s_parent, parentKeys, []), new(s_child, [], [nsec, parent.Sign([nsec])])], [answer], s_options);
        insecure.Security.ShouldBe(DnssecSecurity.Insecure, insecure.Detail);
        insecure.Evidence.ShouldContain("anchor DNSKEY " + parent.Key.KeyTag + "/13 is in the example. DNSKEY RRset");

        var noProof = ChainValidator.Validate(anchor, [new(s_parent, parentKeys, []), new(s_child, [], [])], [answer], s_options);
        noProof.Security.ShouldBe(DnssecSecurity.Bogus);
        noProof.Reason.ShouldBe(DnssecReasons.MissingNsecForNodata);

        var unsignedProof = ChainValidator.Validate(anchor, [new(s_parent, parentKeys, []), new(s_child, [], [nsec])], [answer], s_options);
        unsignedProof.Reason.ShouldBe(DnssecReasons.MissingRrsig);

        ChainValidator.Validate(anchor, [new(s_child, [], [])], [answer], s_options).Security.ShouldBe(DnssecSecurity.Indeterminate);
    }

    [Fact]
    public void Root_anchor_to_a_TLD_DS_and_an_unsigned_TLD_in_the_2017_root()
    {
        var records = ZoneFileReader.ReadFile(RootZoneValidationTests.RootZonePath).ToList();
        var anchor = TrustAnchor.Parse(RootZoneValidationTests.Ksk2010);
        var options = new DnssecValidationOptions { Now = new DateTimeOffset(2017, 8, 25, 0, 0, 0, TimeSpan.Zero) };
        var apex = records.Where(r => r.Name == DnsName.Root && (r.Type == DnsRecordType.DNSKEY
            || (r.Data is RrsigRecord s && s.TypeCovered == DnsRecordType.DNSKEY))).ToList();
        var se = DnsName.Parse("se.");
        var seDs = records.Where(r => r.Name == se && (r.Type == DnsRecordType.DS || (r.Data is RrsigRecord s && s.TypeCovered == DnsRecordType.DS))).ToList();

        var secure = ChainValidator.Validate(anchor, [new(DnsName.Root, apex, [])], seDs, options);
        secure.Security.ShouldBe(DnssecSecurity.Secure, secure.Detail);
        secure.Evidence.ShouldContain("DS 19036/8/2 matches DNSKEY 19036 of .");

        // The first delegation of the root without DS: its NSEC (signed by the root ZSK) proves the absence.
        var byName = records.GroupBy(r => r.Name).ToList();
        var unsigned = byName.First(g => g.Key != DnsName.Root && g.Any(r => r.Type == DnsRecordType.NS) && g.All(r => r.Type != DnsRecordType.DS));
        var nsec = unsigned.Where(r => r.Type == DnsRecordType.NSEC || (r.Data is RrsigRecord s && s.TypeCovered == DnsRecordType.NSEC)).ToList();
        var www = Rr(DnsName.Parse("www").Concat(unsigned.Key), new ARecord(IPAddress.Parse("192.0.2.1")));

        var insecure = ChainValidator.Validate(anchor, [new(DnsName.Root, apex, []), new(unsigned.Key, [], nsec)], [www], options);
        insecure.Security.ShouldBe(DnssecSecurity.Insecure, insecure.Detail);
    }
}
