using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Dnssec;

/// <summary>The published examples of RFC 8080 (Ed25519 with erratum 4935, Ed448) and RFC 6605 (ECDSA), end to end.</summary>
public class GoldenVectorTests
{
    private static List<ResourceRecord> Records(string text) => ZoneFileReader.Read(new StringReader(text)).ToList();

    [Theory]
    // RFC 8080 §6.1 (erratum 4935), both Ed25519 examples.
    [InlineData("example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
        "example.com. 3600 IN DS 3613 15 2 3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b",
        "example.com. 3600 IN MX 10 mail.example.com.",
        "example.com. 3600 IN RRSIG MX 15 2 3600 1440021600 1438207200 3613 example.com. oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==",
        1439000000L)]
    [InlineData("example.com. 3600 IN DNSKEY 257 3 15 zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
        "example.com. 3600 IN DS 35217 15 2 401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c6614c",
        "example.com. 3600 IN MX 10 mail.example.com.",
        "example.com. 3600 IN RRSIG MX 15 2 3600 1440021600 1438207200 35217 example.com. zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg==",
        1439000000L)]
    // RFC 8080 §6.2, first Ed448 example.
    [InlineData("example.com. 3600 IN DNSKEY 257 3 16 3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx1FYYUcJKm1MDpJtIA",
        "example.com. 3600 IN DS 9713 16 2 6ccf18d5bc5d7fc2fceb1d59d17321402f2aa8d368048db93dd811f5cb2b19c7",
        "example.com. 3600 IN MX 10 mail.example.com.",
        "example.com. 3600 IN RRSIG MX 16 2 3600 1440021600 1438207200 9713 example.com. 3cPAHkmlnxcDHMyg7vFC34l0blBhuG1qpwLmjInI8w1CMB29FkEAIJUA0amxWndkmnBZ6SKiwZSAxGILn/NBtOXft0+Gj7FSvOKxE/07+4RQvE581N3Aj/JtIyaiYVdnYtyMWbSNyGEY2213WKsJlwEA",
        1439000000L)]
    // RFC 6605 §6.1 and §6.2.
    [InlineData("example.net. 3600 IN DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==",
        "example.net. 3600 IN DS 55648 13 2 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17",
        "www.example.net. 3600 IN A 192.0.2.1",
        "www.example.net. 3600 IN RRSIG A 13 3 3600 20100909100439 20100812100439 55648 example.net. qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==",
        1282000000L)]
    [InlineData("example.net. 3600 IN DNSKEY 257 3 14 xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
        "example.net. 3600 IN DS 10771 14 4 72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0563a9b5f4d288405c3008a946df983d6",
        "www.example.net. 3600 IN A 192.0.2.1",
        "www.example.net. 3600 IN RRSIG A 14 3 3600 20100909102025 20100812102025 10771 example.net. /L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuzWTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm",
        1282000000L)]
    public void Published_example_validates_from_its_DS(string dnskey, string ds, string data, string rrsig, long now)
    {
        var keyRecord = Records(dnskey).Single();
        var key = (KeyRecordData)keyRecord.Data;
        var dsData = (DsRecord)Records(ds).Single().Data;
        var rrset = Records(data);
        var sig = (RrsigRecord)Records(rrsig).Single().Data;
        var options = new DnssecValidationOptions { Now = DateTimeOffset.FromUnixTimeSeconds(now) };

        key.KeyTag.ShouldBe(dsData.KeyTag);
        DnssecDigests.ComputeDs(keyRecord.Name, key, dsData.DigestType).Digest.ToArray().ShouldBe(dsData.Digest.ToArray());

        // The DS authenticates the key; with the key the data validates (the key set itself is unsigned in the RFCs,
        // so the DS step is checked through the digest and the data step through RrsetValidator).
        var verdict = RrsetValidator.Validate(rrset, [sig], keyRecord.Name, [key], options);
        verdict.Security.ShouldBe(DnssecSecurity.Secure, verdict.Detail);
        verdict.VerificationsAttempted.ShouldBe(1);

        // One changed octet of the data breaks it; a later validation time reports expiry.
        var changed = Records(data.Replace("10 mail", "20 mail", StringComparison.Ordinal).Replace("192.0.2.1", "192.0.2.2", StringComparison.Ordinal));
        RrsetValidator.Validate(changed, [sig], keyRecord.Name, [key], options).Reason.ShouldBe(DnssecReasons.SignatureInvalid);
        var late = new DnssecValidationOptions { Now = DateTimeOffset.FromUnixTimeSeconds(sig.Expiration).AddDays(1) };
        RrsetValidator.Validate(rrset, [sig], keyRecord.Name, [key], late).Reason.ShouldBe(DnssecReasons.ExpirationInPast);
        var early = new DnssecValidationOptions { Now = DateTimeOffset.FromUnixTimeSeconds(sig.Inception).AddDays(-1) };
        RrsetValidator.Validate(rrset, [sig], keyRecord.Name, [key], early).Reason.ShouldBe(DnssecReasons.InceptionInFuture);
    }

    [Fact]
    public void Clock_skew_accepts_a_signature_just_past_expiry()
    {
        var key = (KeyRecordData)Records("example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=").Single().Data;
        var sig = (RrsigRecord)Records("example.com. 3600 IN RRSIG MX 15 2 3600 1440021600 1438207200 3613 example.com. oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==").Single().Data;
        var rrset = Records("example.com. 3600 IN MX 10 mail.example.com.");
        var zone = DnsName.Parse("example.com.");
        var justAfter = DateTimeOffset.FromUnixTimeSeconds(1440021600 + 200);

        RrsetValidator.Validate(rrset, [sig], zone, [key], new DnssecValidationOptions { Now = justAfter }).IsSecure.ShouldBeTrue();
        RrsetValidator.Validate(rrset, [sig], zone, [key], new DnssecValidationOptions { Now = justAfter, ClockSkew = TimeSpan.Zero })
            .Reason.ShouldBe(DnssecReasons.ExpirationInPast);
    }

    [Fact]
    public void Trust_anchor_DS_authenticates_the_root_KSK_2010()
    {
        var anchor = TrustAnchor.Parse(". IN DS 19036 8 2 49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5");
        anchor.Zone.ShouldBe(DnsName.Root);
        anchor.Ds.Single().KeyTag.ShouldBe((ushort)19036);
        Should.Throw<ZoneFileException>(() => TrustAnchor.Parse(". IN A 192.0.2.1"));
        Should.Throw<ZoneFileException>(() => TrustAnchor.Parse(""));
    }
}
