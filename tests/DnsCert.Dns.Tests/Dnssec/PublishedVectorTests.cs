using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Dnssec;

/// <summary>
/// Published signed examples, typed in from the RFCs: RFC 5702 §6.1/§6.2 (RSA/SHA-256, RSA/SHA-512) and the signed
/// example zone of RFC 4035 Appendix A with the responses of Appendix B (B.1–B.7). The RFC 4035 signatures are real
/// RSA/SHA-1 (algorithm 5) signatures by the zone's keys 38519 (ZSK) and 9465 (KSK), valid from 2004-04-09T18:36:19Z
/// to 2004-05-09T18:36:19Z; every one of them verifies here (no erratum needed).
/// </summary>
public class PublishedVectorTests
{
    private static List<ResourceRecord> Records(string text) => ZoneFileReader.Read(new StringReader(text)).ToList();

    [Theory]
    // RFC 5702 §6.1: 512-bit RSA/SHA-256 key, tag 9033.
    [InlineData("example.net. 3600 IN DNSKEY 256 3 8 AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=",
        "www.example.net. 3600 IN RRSIG A 8 3 3600 20300101000000 20000101000000 9033 example.net. kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lPtPiVYP4bwg==",
        9033)]
    // RFC 5702 §6.2: 1024-bit RSA/SHA-512 key, tag 3740.
    [InlineData("example.net. 3600 IN DNSKEY 256 3 10 AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQujX/AyhqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL",
        "www.example.net. 3600 IN RRSIG A 10 3 3600 20300101000000 20000101000000 3740 example.net. tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRaeUw1ep94PzEWzr0iGYgZBWm/zpq+9fOuagYJRfDqfReKBzMweOLDiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXIbNl1MBGk0fthPgxdDLw=",
        3740)]
    public void Rfc5702_example_verifies(string dnskey, string rrsig, int keyTag)
    {
        var key = (KeyRecordData)Records(dnskey).Single().Data;
        var sig = (RrsigRecord)Records(rrsig).Single().Data;
        var rrset = Records("www.example.net. 3600 IN A 192.0.2.91");
        var zone = DnsName.Parse("example.net.");
        var inside = new DnssecValidationOptions { Now = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero) };

        key.KeyTag.ShouldBe((ushort)keyTag);
        var verdict = RrsetValidator.Validate(rrset, [sig], zone, [key], inside);
        verdict.Security.ShouldBe(DnssecSecurity.Secure, verdict.Detail);

        // The received TTL does not matter (original TTL is signed); the address does; so does the window (2000–2030).
        RrsetValidator.Validate(Records("www.example.net. 17 IN A 192.0.2.91"), [sig], zone, [key], inside).IsSecure.ShouldBeTrue();
        RrsetValidator.Validate(Records("www.example.net. 3600 IN A 192.0.2.92"), [sig], zone, [key], inside)
            .Reason.ShouldBe(DnssecReasons.SignatureInvalid);
        var after = new DnssecValidationOptions { Now = new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero) };
        RrsetValidator.Validate(rrset, [sig], zone, [key], after).Reason.ShouldBe(DnssecReasons.ExpirationInPast);
    }

    private static readonly DnsName s_example = DnsName.Parse("example.");

    // Inside the signatures' window (2004-04-09 to 2004-05-09).
    private static readonly DnssecValidationOptions s_options = new() { Now = new DateTimeOffset(2004, 4, 20, 0, 0, 0, TimeSpan.Zero) };

    // RFC 4035 Appendix A: the apex keys and the DNSKEY RRset's two signatures.
    private static readonly string s_keys = Sig("""
        example. 3600 IN DNSKEY 256 3 5 AQOy1bZVvpPqhg4j7EJoM9rI3ZmyEx2OzDBVrZy/lvI5CQePxXHZS4i8dANH4DX3tbHol61ek8EFMcsGXxKciJFHyhl94C+NwILQdzsUlSFovBZsyl/NX6yEbtw/xN9ZNcrbYvgjjZ/UVPZIySFNsgEYvh0z2542lzMKR4Dh8uZffQ==
        example. 3600 IN DNSKEY 257 3 5 AQOeX7+baTmvpVHb2CcLnL1dMRWbuscRvHXlLnXwDzvqp4tZVKp1sZMepFb8MvxhhW3y/0QZsyCjczGJ1qk8vJe52iOhInKROVLRwxGpMfzPRLMlGybr51bOV/1se0ODacj3DomyB4QB5gKTYot/K9alk5/j8vfd4jWCWD+E1Sze0Q==
        example. 3600 IN RRSIG DNSKEY $1 9465 ZxgauAuIj+k1YoVEOSlZfx41fcmKzTFHoweZxYnz99JVQZJ33wFS0Q0jcP7VXKkaElXk9nYJXevO/7nAbo88iWsMkSpSR6jWzYYKwfrBI/L9hjYmyVO9m6FjQ7uwM4dCP/bIuV/DKqOAK9NYNC3AHfvCV1Tp4VKDqxqG7R5tTVM=
        example. 3600 IN RRSIG DNSKEY $1 38519 eGL0s90glUqcOmloo/2y+bSzyEfKVOQViD9ZDNhLz/Yn9CQZlDVRJffACQDAUhXpU/oP34ribKBpysRXosczFrKqS5Oa0bzMOfXCXup9qHApeFIku28Vqfr8Nt7cigZLxjK+u0Ws/4lIRjKk7z5OXogYVaFzHKillDt3HRxHIZM=
        """);

    // The apex NS RRset (authority section of B.1 and B.6) and SOA (B.2, B.3, B.7).
    private static readonly string s_apexNs = Sig("""
        example. 3600 IN NS ns1.example.
        example. 3600 IN NS ns2.example.
        example. 3600 IN RRSIG NS $1 38519 gl13F00f2U0R+SWiXXLHwsMY+qStYy5k6zfdEuivWc+wd1fmbNCyql0Tk7lHTX6UOxc8AgNf4ISFve8XqF4q+o9qlnqIzmppU3LiNeKT4FZ8RO5urFOvoMRTbQxW3U0hXWuggE4g3ZpsHv480HjMeRaZB/FRPGfJPajngcq6Kwg=
        """);

    private static readonly string s_soa = Sig("""
        example. 3600 IN SOA ns1.example. bugs.x.w.example. 1081539377 3600 300 3600000 3600
        example. 3600 IN RRSIG SOA $1 38519 ONx0k36rcjaxYtcNgq6iQnpNV5+drqYAsC9h7TSJaHCqbhE67Sr6aH2xDUGcqQWu/n0UVzrFvkgO9ebarZ0GWDKcuwlM6eNB5SiX2K74l5LWDA7S/Un/IbtDq4Ay8NMNLQI7Dw7n4p8/rjkBjV7j86HyQgM5e7+miRAz8V01b0I=
        """);

    private static readonly string s_bNsec = Sig("""
        b.example. 3600 IN NSEC ns1.example. NS RRSIG NSEC
        b.example. 3600 IN RRSIG NSEC $2 38519 GNuxHn844wfmUhPzGWKJCPY5ttEX/RfjDoOx9ueK1PtYkOWKOOdiJ/PJKCYB3hYX+858dDWSxb2qnV/LSTCNVBnkm6owOpysY97MVj5VQEWs0lm9tFoqjcptQkmQKYPrwUnCSNwvvclSF1xZvhRXgWT7OuFXldoCG6TfVFMs9xE=
        """);

    private static readonly string s_xywNsec = Sig("""
        x.y.w.example. 3600 IN NSEC xx.example. MX RRSIG NSEC
        x.y.w.example. 3600 IN RRSIG NSEC $4 38519 OvE6WUzN2ziieJcvKPWbCAyXyP6ef8cr6CspArVSTzKSquNwbezZmkU7E34o5lmb6CWSSSpgxw098kNUFnHcQf/LzY2zqRomubrNQhJTiDTXa0ArunJQCzPjOYq5t0SLjm6qp6McJI1AP5VrQoKqJDCLnoAlcPOPKAm/jJkn3jk=
        """);

    // B.1 answer: x.w.example MX; additional: the addresses of xx.example, ns1 and ns2.
    private static readonly string s_b1 = Sig("""
        x.w.example. 3600 IN MX 1 xx.example.
        x.w.example. 3600 IN RRSIG MX $3 38519 Il2WTZ+Bkv+OytBx4LItNW5mjB4RCwhOO8y1XzPHZmZUTVYL7LaA63f6T9ysVBzJRI3KRjAPH3U1qaYnDoN1DrWqmi9RJe4FoObkbcdm7P3Ikx70ePCoFgRz1Yq+bVVXCvGuAU4xALv3W/Y1jNSlwZ2mSWKHfxFQxPtLj8s32+k=
        xx.example. 3600 IN A 192.0.2.10
        xx.example. 3600 IN RRSIG A $2 38519 kBF4YxMGWF0D8r0cztL+2fWWOvN1U/GYSpYP7SoKoNQ4fZKyk+weWGlKLIUM+uE1zjVTPXoa0Z6WG0oZp46rkl1EzMcdMgoaeUzzAJ2BMq+YVdxG9IK1yZkYGY9AgbTOGPoAgbJyO9EPULsxkbIDV6GPPSZVusnZU6OMgdgzHV4=
        xx.example. 3600 IN AAAA 2001:db8::f00:baaa
        xx.example. 3600 IN RRSIG AAAA $2 38519 Zzj0yodDxcBLnnOIwDsuKo5WqiaK24DlKg9CaGaxDFiKgKobUj2jilYQHpGFn2poFRetZd4zulyQkssz2QHrVrPuTMS22knudCiwP4LWpVTrU4zfeA+rDz9stmSBP/4PekH/x2IoAYnwctd/xS9cL2QgW7FChw16mzlkH6/vsfs=
        ns1.example. 3600 IN A 192.0.2.1
        ns1.example. 3600 IN RRSIG A $2 38519 F1C9HVhIcs10cZU09G5yIVfKJy5yRQQ3qVet5pGhp82pzhAOMZ3K22JnmK4c+IjUeFp/to06im5FVpHtbFisdjyPq84bhTv8vrXt5AB1wNB++iAqvIfdgW4sFNC6oADb1hK8QNauw9VePJhKv/iVXSYC0b7mPSU+EOlknFpVECs=
        ns2.example. 3600 IN A 192.0.2.2
        ns2.example. 3600 IN RRSIG A $2 38519 V7cQRw1TR+knlaL1z/psxlS1PcD37JJDaCMqQo6/u1qFQu6x+wuDHRH22Ap9ulJPQjFwMKOuyfPGQPC8KzGdE3vt5snFEAoE1Vn3mQqtu7SO6amIjk13Kj/jyJ4nGmdRIc/3cM3ipXFhNTKqrdhx8SZ0yy4ObIRzIzvBFLiSS8o=
        """);

    // B.2 authority: the apex NSEC (covers *.example) and b.example's (covers ml.example).
    private static readonly string s_apexNsec = Sig("""
        example. 3600 IN NSEC a.example. NS SOA MX RRSIG NSEC DNSKEY
        example. 3600 IN RRSIG NSEC $1 38519 O0k558jHhyrC97ISHnislm4kLMW48C7U7cBmFTfhke5iVqNRVTB1STLMpgpbDIC9hcryoO0VZ9ME5xPzUEhbvGnHd5sfzgFVeGxr5Nyyq4tWSDBgIBiLQUv1ivy29vhXy7WgR62dPrZ0PWvmjfFJ5arXf4nPxp/kEowGgBRzY/U=
        """);

    // B.3 authority: ns1.example has only A.
    private static readonly string s_ns1Nsec = Sig("""
        ns1.example. 3600 IN NSEC ns2.example. A RRSIG NSEC
        ns1.example. 3600 IN RRSIG NSEC $2 38519 I4hj+Kt6+8rCcHcUdolks2S+Wzri9h3fHas81rGN/eILdJHN7JpV6lLGPIh/8fIBkfvdyWnBjjf1q3O7JgYO1UdI7FvBNWqaaEPJK3UkddBqZIaLi8Qr2XHkjq38BeQsbp8X0+6h4ETWSGT8IZaIGBLryQWGLw6Y6X8dqhlnxJM=
        """);

    // B.4 authority: the signed delegation a.example (NS unsigned, DS signed); glue unsigned.
    private static readonly string s_b4 = Sig("""
        a.example. 3600 IN NS ns1.a.example.
        a.example. 3600 IN NS ns2.a.example.
        a.example. 3600 IN DS 57855 5 1 B6DCD485719ADCA18E5F3D48A2331627FDD3636B
        a.example. 3600 IN RRSIG DS $2 38519 oXIKit/QtdG64J/CB+Gi8dOvnwRvqrto1AdQoRkAN15FP3iZ7suB7gvTBmXzCjL7XUgQVcoHkdhyCuzp8W9qJHgRUSwKKkczSyuL64nhgjuDEML8l9wlWVsl7PR2VnZduM9bLyBhaaPmRKX/Fm+v6ccF2EGNLRiY08kdkz+XHHo=
        ns1.a.example. 3600 IN A 192.0.2.5
        ns2.a.example. 3600 IN A 192.0.2.6
        """);

    // B.6 answer: synthesised from *.w.example (labels 2 for a four-label owner).
    private static readonly string s_b6 = Sig("""
        a.z.w.example. 3600 IN MX 1 ai.example.
        a.z.w.example. 3600 IN RRSIG MX $2 38519 OMK8rAZlepfzLWW75Dxd63jy2wswESzxDKG2f9AMN1CytCd10cYISAxfAdvXSZ7xujKAtPbctvOQ2ofO7AZJ+d01EeeQTVBPq4/6KCWhqe2XTjnkVLNvvhnc0u28aoSsG0+4InvkkOHknKxw4kX18MMR34i8lC36SR5xBni8vHI=
        ai.example. 3600 IN A 192.0.2.9
        ai.example. 3600 IN RRSIG A $2 38519 pAOtzLP2MU0tDJUwHOKE5FPIIHmdYsCgTb5BERGgpnJluA9ixOyf6xxVCgrEJW0WNZSsJicdhBHXfDmAGKUajUUlYSAH8tS4ZnrhyymIvk3uArDu2wfT130e9UHnumaHHMpUTosKe22PblOy6zrTpg9FkS0XGVmYRvOTNYx2HvQ=
        ai.example. 3600 IN AAAA 2001:db8::f00:baa9
        ai.example. 3600 IN RRSIG AAAA $2 38519 nLcpFuXdT35AcE+EoafOUkl69KB+/e56XmFKkewXG2IadYLKAOBIoR5+VoQV3XgTcofTJNsh1rnF6Eav2zpZB3byI6yo2bwY8MNkr4A7cL9TcMmDwV/hWFKsbGBsj8xSCN/caEL2CWY/5XP2sZM6QjBBLmukH30+w1z3h8PUP2o=
        """);

    // B.7 authority: *.w.example exists with MX only.
    private static readonly string s_wildcardNsec = Sig("""
        *.w.example. 3600 IN NSEC x.w.example. MX RRSIG NSEC
        *.w.example. 3600 IN RRSIG NSEC $2 38519 r/mZnRC3I/VIcrelgIcteSxDhtsdlTDt8ng9HSBlABOlzLxQtfgTnn8f+aOwJIAFe1Ee5RvU5cVhQJNP5XpXMJHfyps8tVvfxSAXfahpYqtx91gsmcV/1V9/bZAG55CefP9cM4Z9Y9NT9XQ8s1InQ2UoIv6tJEaaKkP701j8OLA=
        """);

    // "$n tag" stands for the common RRSIG fields with n labels and the key tag; sections end with a newline so that
    // they can be concatenated into one response.
    private static string Sig(string text)
    {
        foreach (var labels in new[] { 1, 2, 3, 4 })
        {
            foreach (var tag in new[] { "9465", "38519" })
            {
                text = text.Replace($"${labels} {tag} ", $"5 {labels} 3600 20040509183619 20040409183619 {tag} example. ",
                    StringComparison.Ordinal);
            }
        }

        return text + "\n";
    }

    // The zone keys, authenticated from the KSK as trust anchor (RFC 4035 §5.2).
    private static IReadOnlyList<KeyRecordData> ZoneKeys()
    {
        var records = Records(s_keys);
        var anchor = TrustAnchor.Parse(records.Single(r => r.Data is DnskeyRecord { Flags: 257 }).ToString());
        var keySet = KeySetValidator.Validate(s_example, [.. records.Where(r => r.Type == DnsRecordType.DNSKEY)],
            [.. records.Select(r => r.Data).OfType<RrsigRecord>()], anchor, s_options);
        keySet.Security.ShouldBe(DnssecSecurity.Secure, keySet.Detail);
        keySet.ZoneKeys.Select(k => (int)k.KeyTag).Order().ToArray().ShouldBe([9465, 38519]);
        return keySet.ZoneKeys;
    }

    // Validates every signed RRset of a response section; returns the unsigned RRsets (owner type).
    private static List<string> ValidateSigned(IReadOnlyList<KeyRecordData> keys, string text)
    {
        var records = Records(text);
        var unsigned = new List<string>();
        foreach (var rrset in records.Where(r => r.Type != DnsRecordType.RRSIG).GroupBy(r => (r.Name, r.Type)))
        {
            var sigs = records.Where(r => r.Name == rrset.Key.Name).Select(r => r.Data).OfType<RrsigRecord>()
                .Where(s => s.TypeCovered == rrset.Key.Type).ToList();
            if (sigs.Count == 0)
            {
                unsigned.Add($"{rrset.Key.Name} {rrset.Key.Type}");
                continue;
            }

            var verdict = RrsetValidator.Validate(rrset.ToList(), sigs, s_example, keys, s_options);
            verdict.Security.ShouldBe(DnssecSecurity.Secure, $"{rrset.Key.Name} {rrset.Key.Type}: {verdict.Detail}");
            verdict.Key!.KeyTag.ShouldBe((ushort)38519);

            // One flipped signature octet makes it bogus.
            var bad = sigs.Select(s => Flip(s)).ToList();
            RrsetValidator.Validate(rrset.ToList(), bad, s_example, keys, s_options).Reason.ShouldBe(DnssecReasons.SignatureInvalid);
        }

        return unsigned;
    }

    private static RrsigRecord Flip(RrsigRecord s)
    {
        var signature = s.Signature.ToArray();
        signature[^1] ^= 1;
        return new RrsigRecord(s.TypeCovered, s.Algorithm, s.Labels, s.OriginalTtl, s.Expiration, s.Inception, s.KeyTag, s.SignerName, signature);
    }

    [Fact]
    public void A_1_the_keys_of_the_example_zone_authenticate_from_the_KSK()
    {
        var keys = ZoneKeys();
        // Outside the window the same set is bogus with the right reason.
        var records = Records(s_keys);
        var late = new DnssecValidationOptions { Now = new DateTimeOffset(2004, 5, 10, 0, 0, 0, TimeSpan.Zero) };
        KeySetValidator.Validate(s_example, [.. records.Where(r => r.Type == DnsRecordType.DNSKEY)],
                [.. records.Select(r => r.Data).OfType<RrsigRecord>()], TrustAnchor.Parse(records[1].ToString()), late)
            .Reason.ShouldBe(DnssecReasons.ExpirationInPast);
        keys.Count.ShouldBe(2);
    }

    [Fact]
    public void B_1_answer_x_w_example_MX()
    {
        var keys = ZoneKeys();
        ValidateSigned(keys, s_b1 + s_apexNs).ShouldBeEmpty();
    }

    [Fact]
    public void B_2_name_error_ml_example()
    {
        var keys = ZoneKeys();
        ValidateSigned(keys, s_soa + s_bNsec + s_apexNsec).ShouldBeEmpty();
        var nsecs = Records(s_bNsec + s_apexNsec);
        var proof = NsecDenial.ProveNxDomain(DnsName.Parse("ml.example."), s_example, nsecs);
        proof.Security.ShouldBe(DnssecSecurity.Secure, proof.Detail);
        proof.ClosestEncloser.ShouldBe(s_example);

        // Without the apex NSEC the wildcard *.example is not denied.
        NsecDenial.ProveNxDomain(DnsName.Parse("ml.example."), s_example, Records(s_bNsec)).Reason.ShouldBe(DnssecReasons.WildcardNotCovered);
    }

    [Fact]
    public void B_3_no_data_ns1_example_MX()
    {
        var keys = ZoneKeys();
        ValidateSigned(keys, s_soa + s_ns1Nsec).ShouldBeEmpty();
        var proof = NsecDenial.ProveNoData(DnsName.Parse("ns1.example."), DnsRecordType.MX, s_example, Records(s_ns1Nsec));
        proof.Security.ShouldBe(DnssecSecurity.Secure, proof.Detail);
        proof.Kind.ShouldBe(DenialKind.NoData);
        // The same NSEC does not deny the A RRset that exists.
        NsecDenial.ProveNoData(DnsName.Parse("ns1.example."), DnsRecordType.A, s_example, Records(s_ns1Nsec)).IsProven.ShouldBeFalse();
    }

    [Fact]
    public void B_4_referral_to_the_signed_zone_a_example()
    {
        var keys = ZoneKeys();
        // The delegation NS and the glue are not signed (RFC 4035 §2.2); the DS is.
        ValidateSigned(keys, s_b4).Order().ToArray().ShouldBe(["a.example. NS", "ns1.a.example. A", "ns2.a.example. A"]);
        var ds = (DsRecord)Records(s_b4).Single(r => r.Type == DnsRecordType.DS).Data;
        (ds.KeyTag, ds.Algorithm, ds.DigestType).ShouldBe(((ushort)57855, (byte)5, (byte)1));
    }

    [Fact]
    public void B_5_referral_to_the_unsigned_zone_b_example()
    {
        var keys = ZoneKeys();
        ValidateSigned(keys, s_bNsec).ShouldBeEmpty();
        var proof = NsecDenial.ProveNoData(DnsName.Parse("b.example."), DnsRecordType.DS, s_example, Records(s_bNsec));
        proof.Security.ShouldBe(DnssecSecurity.Secure, proof.Detail);

        // Through the chain validator: anchor → example. DNSKEY → no DS for b.example. → insecure.
        var chain = ChainValidator.Validate(TrustAnchor.Parse(Records(s_keys)[1].ToString()),
            [new ZoneLink(s_example, Records(s_keys), []), new ZoneLink(DnsName.Parse("b.example."), [], Records(s_bNsec))],
            Records("mc.b.example. 3600 IN MX 1 mc.b.example."), s_options);
        chain.Security.ShouldBe(DnssecSecurity.Insecure, chain.Detail);
    }

    [Fact]
    public void B_6_wildcard_expansion_a_z_w_example_MX()
    {
        var keys = ZoneKeys();
        ValidateSigned(keys, s_b6 + s_apexNs + s_xywNsec).ShouldBeEmpty();
        var mxSig = Records(s_b6).Select(r => r.Data).OfType<RrsigRecord>().First(s => s.TypeCovered == DnsRecordType.MX);
        mxSig.Labels.ShouldBe((byte)2);
        var proof = NsecDenial.ProveWildcardAnswer(DnsName.Parse("a.z.w.example."), mxSig.Labels, s_example, Records(s_xywNsec));
        proof.Security.ShouldBe(DnssecSecurity.Secure, proof.Detail);
        proof.ClosestEncloser.ShouldBe(DnsName.Parse("w.example."));

        // Without the NSEC the expansion is not justified.
        NsecDenial.ProveWildcardAnswer(DnsName.Parse("a.z.w.example."), 2, s_example, []).Reason.ShouldBe(DnssecReasons.SnameNotCovered);
    }

    [Fact]
    public void B_7_wildcard_no_data_a_z_w_example_AAAA()
    {
        var keys = ZoneKeys();
        ValidateSigned(keys, s_soa + s_xywNsec + s_wildcardNsec).ShouldBeEmpty();
        var proof = NsecDenial.ProveNoData(DnsName.Parse("a.z.w.example."), DnsRecordType.AAAA, s_example, Records(s_xywNsec + s_wildcardNsec));
        proof.Security.ShouldBe(DnssecSecurity.Secure, proof.Detail);
        proof.Kind.ShouldBe(DenialKind.WildcardNoData);

        // The wildcard has MX, so it does not deny MX; without the wildcard's NSEC nothing is proven.
        NsecDenial.ProveNoData(DnsName.Parse("a.z.w.example."), DnsRecordType.MX, s_example, Records(s_xywNsec + s_wildcardNsec))
            .IsProven.ShouldBeFalse();
        NsecDenial.ProveNoData(DnsName.Parse("a.z.w.example."), DnsRecordType.AAAA, s_example, Records(s_xywNsec))
            .Reason.ShouldBe(DnssecReasons.MissingNsecForNodata);
    }
}
