using System.Security.Cryptography;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Security;

public class RrsigVerifierTests
{
    private static List<ResourceRecord> Zone(string text) => ZoneFileReader.Read(new StringReader(text)).ToList();

    private static readonly DateTimeOffset s_2010 = DateTimeOffset.FromUnixTimeSeconds(1282000000);

    [Theory]
    [InlineData("257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==",
        "A 13 3 3600 20100909100439 20100812100439 55648 example.net. qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==")]
    [InlineData("257 3 14 xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
        "A 14 3 3600 20100909102025 20100812102025 10771 example.net. /L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuzWTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm")]
    public void Rfc6605_examples_verify(string dnskey, string rrsig)
    {
        var key = (DnskeyRecord)RecordData.Parse(DnsRecordType.DNSKEY, dnskey);
        var sig = (RrsigRecord)RecordData.Parse(DnsRecordType.RRSIG, rrsig);
        var rrset = Zone("www.example.net. 3600 IN A 192.0.2.1");
        var owner = DnsName.Parse("example.net.");

        RrsigVerifier.Verify(sig, rrset, owner, key, s_2010).ShouldBe(DnssecVerifyStatus.Valid);
        RrsigVerifier.Verify(sig, Zone("www.example.net. 3600 IN A 192.0.2.2"), owner, key, s_2010).ShouldBe(DnssecVerifyStatus.BadSignature);
        RrsigVerifier.Verify(sig, rrset, owner, key, s_2010.AddDays(60)).ShouldBe(DnssecVerifyStatus.Expired);
        RrsigVerifier.Verify(sig, rrset, owner, key, s_2010.AddDays(-60)).ShouldBe(DnssecVerifyStatus.NotYetValid);
        RrsigVerifier.Verify(sig, rrset, DnsName.Parse("example.org."), key, s_2010).ShouldBe(DnssecVerifyStatus.KeyMismatch);
        RrsigVerifier.Verify(sig, Zone("www.example.net. 3600 IN AAAA ::1"), owner, key, s_2010).ShouldBe(DnssecVerifyStatus.RrsetMismatch);

        // TTL and owner case do not matter: the original TTL and canonical owner are what was signed.
        RrsigVerifier.Verify(sig, Zone("WWW.Example.NET. 60 IN A 192.0.2.1"), owner, key, s_2010).ShouldBe(DnssecVerifyStatus.Valid);
    }

    [Fact]
    public void Every_signature_in_the_signed_2017_root_zone_verifies()
    {
        var dir = Environment.GetEnvironmentVariable("DNSCERT_ROOT_ZONE_DIR") ?? "/work/shared/data/root-zone";
        var records = ZoneFileReader.ReadFile(Path.Combine(dir, "root-2017-08-21-signed.zone.gz")).ToList();
        var keys = records.Where(r => r.Type == DnsRecordType.DNSKEY).Select(r => (DnskeyRecord)r.Data).ToList();
        var rrsets = records.Where(r => r.Type != DnsRecordType.RRSIG)
            .GroupBy(r => (r.Name, r.Type))
            .ToDictionary(g => g.Key, g => (IReadOnlyCollection<ResourceRecord>)g.ToList());
        var signatures = records.Where(r => r.Type == DnsRecordType.RRSIG).ToList();
        var at = new DateTimeOffset(2017, 8, 25, 0, 0, 0, TimeSpan.Zero);

        var results = signatures.Select(s =>
        {
            var sig = (RrsigRecord)s.Data;
            var key = keys.Single(k => k.KeyTag == sig.KeyTag);
            return RrsigVerifier.Verify(sig, rrsets[(s.Name, sig.TypeCovered)], DnsName.Root, key, at);
        }).ToList();

        signatures.Count.ShouldBe(2950); // zcat | awk '$4=="RRSIG"' | wc -l
        results.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count()).ShouldBe(new Dictionary<DnssecVerifyStatus, int> { [DnssecVerifyStatus.Valid] = 2950 });

        // The README's window: ZSK signatures stop at 2017-09-03 05:00 UTC.
        var soaSig = signatures.First(s => ((RrsigRecord)s.Data).TypeCovered == DnsRecordType.SOA);
        var soaRrsig = (RrsigRecord)soaSig.Data;
        RrsigVerifier.Verify(soaRrsig, rrsets[(DnsName.Root, DnsRecordType.SOA)], DnsName.Root, keys.Single(k => k.KeyTag == soaRrsig.KeyTag),
            new DateTimeOffset(2017, 9, 4, 0, 0, 0, TimeSpan.Zero)).ShouldBe(DnssecVerifyStatus.Expired);
    }

    [Fact]
    public void Wildcard_expansions_verify_against_the_wildcard_owner()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = ecdsa.ExportParameters(false).Q;
        var key = new DnskeyRecord(256, 3, 13, [.. q.X!, .. q.Y!]);
        var zone = DnsName.Parse("example.");
        var wildcard = Zone("*.example. 300 IN TXT \"hello\"");
        var sig = new RrsigRecord(DnsRecordType.TXT, 13, 1, 300, 2_000_000_000, 1_000_000_000, key.KeyTag, zone, []);
        var signature = ecdsa.SignData(RrsigVerifier.BuildSignedData(sig, wildcard), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        sig = new RrsigRecord(DnsRecordType.TXT, 13, 1, 300, 2_000_000_000, 1_000_000_000, key.KeyTag, zone, signature);
        var now = DateTimeOffset.FromUnixTimeSeconds(1_500_000_000);

        RrsigVerifier.Verify(sig, wildcard, zone, key, now).ShouldBe(DnssecVerifyStatus.Valid);
        RrsigVerifier.Verify(sig, Zone("a.b.example. 300 IN TXT \"hello\""), zone, key, now).ShouldBe(DnssecVerifyStatus.Valid);
        var twoLabels = new RrsigRecord(DnsRecordType.TXT, 13, 2, 300, 2_000_000_000, 1_000_000_000, key.KeyTag, zone, signature);
        RrsigVerifier.Verify(twoLabels, Zone("a.b.example. 300 IN TXT \"hello\""), zone, key, now).ShouldBe(DnssecVerifyStatus.BadSignature);
    }

    [Fact]
    public void Unsupported_and_broken_keys_are_reported()
    {
        var zone = DnsName.Parse("example.");
        var rrset = Zone("example. 300 IN A 192.0.2.1");
        // GOST (12) is not implemented; Ed25519 (15) is since issue 5, so a zero key and signature simply fail.
        var gost = new DnskeyRecord(257, 3, 12, new byte[64]);
        var sig = new RrsigRecord(DnsRecordType.A, 12, 1, 300, 2_000_000_000, 1_000_000_000, gost.KeyTag, zone, new byte[64]);
        RrsigVerifier.Verify(sig, rrset, zone, gost, DateTimeOffset.FromUnixTimeSeconds(1_500_000_000)).ShouldBe(DnssecVerifyStatus.UnsupportedAlgorithm);
        var ed25519 = new DnskeyRecord(257, 3, 15, new byte[32]);
        var edSig = new RrsigRecord(DnsRecordType.A, 15, 1, 300, 2_000_000_000, 1_000_000_000, ed25519.KeyTag, zone, new byte[64]);
        RrsigVerifier.Verify(edSig, rrset, zone, ed25519, DateTimeOffset.FromUnixTimeSeconds(1_500_000_000)).ShouldBe(DnssecVerifyStatus.BadSignature);
        var shortEd448 = new DnskeyRecord(257, 3, 16, new byte[32]);
        var ed448Sig = new RrsigRecord(DnsRecordType.A, 16, 1, 300, 2_000_000_000, 1_000_000_000, shortEd448.KeyTag, zone, new byte[114]);
        RrsigVerifier.Verify(ed448Sig, rrset, zone, shortEd448, DateTimeOffset.FromUnixTimeSeconds(1_500_000_000)).ShouldBe(DnssecVerifyStatus.InvalidKey);

        var badRsa = new DnskeyRecord(257, 3, 8, [3, 1, 0]);
        var rsaSig = new RrsigRecord(DnsRecordType.A, 8, 1, 300, 2_000_000_000, 1_000_000_000, badRsa.KeyTag, zone, new byte[64]);
        RrsigVerifier.Verify(rsaSig, rrset, zone, badRsa, DateTimeOffset.FromUnixTimeSeconds(1_500_000_000)).ShouldBe(DnssecVerifyStatus.InvalidKey);
    }
}
