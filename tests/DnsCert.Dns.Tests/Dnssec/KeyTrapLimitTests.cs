using System.Security.Cryptography;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Tests.Dnssec;

/// <summary>CVE-2023-50387 (KeyTrap) and CVE-2023-50868 (NSEC3 closest-encloser work): refused by count, not by time.</summary>
public class KeyTrapLimitTests
{
    private static readonly DnsName s_zone = DnsName.Parse("trap.example.");
    private static readonly DnssecValidationOptions s_options = new() { Now = DateTimeOffset.FromUnixTimeSeconds(1_500_000_000) };

    // ECDSA P-256 keys (random points, so not valid keys) whose last two octets are chosen to give them all one tag.
    private static List<KeyRecordData> CollidingKeys(int count, ushort tag)
    {
        var keys = new List<KeyRecordData>();
        while (keys.Count < count)
        {
            var bytes = RandomNumberGenerator.GetBytes(64);
            for (var last = 0; last < 65536; last++)
            {
                bytes[62] = (byte)(last >> 8);
                bytes[63] = (byte)last;
                var key = new DnskeyRecord(256, 3, 13, [.. bytes]);
                if (key.KeyTag == tag)
                {
                    keys.Add(key);
                    break;
                }
            }
        }

        return keys;
    }

    private static RrsigRecord Signature(ushort tag) =>
        new(DnsRecordType.A, 13, 3, 300, 2_000_000_000, 1_000_000_000, tag, s_zone, RandomNumberGenerator.GetBytes(64));

    private static List<ResourceRecord> RrSet() =>
        [new ResourceRecord(DnsName.Parse("www.trap.example."), DnsClass.IN, 300, new ARecord(System.Net.IPAddress.Parse("192.0.2.1")))];

    [Fact]
    public void Many_colliding_keys_and_many_signatures_stop_at_the_verification_limit()
    {
        var keys = CollidingKeys(40, 4242);
        keys.Select(k => k.KeyTag).Distinct().ShouldHaveSingleItem();
        var signatures = Enumerable.Range(0, 40).Select(i => Signature(4242)).ToList();

        var verdict = RrsetValidator.Validate(RrSet(), signatures, s_zone, keys, s_options);

        // Unbounded, this would be 40 × 40 = 1600 verifications.
        verdict.Security.ShouldBe(DnssecSecurity.Bogus);
        verdict.VerificationsAttempted.ShouldBe(DnssecLimits.MaxVerificationsPerRrset);
        verdict.Reason.ShouldBe(DnssecReasons.VerificationsExceeded);
        verdict.Detail!.ShouldContain("CVE-2023-50387");
    }

    [Fact]
    public void One_signature_tries_at_most_the_key_limit()
    {
        var keys = CollidingKeys(25, 777);
        var verdict = RrsetValidator.Validate(RrSet(), [Signature(777)], s_zone, keys, s_options);

        verdict.VerificationsAttempted.ShouldBe(DnssecLimits.MaxKeysPerSignature);
        verdict.Reason.ShouldBe(DnssecReasons.KeysPerSignatureExceeded);
    }

    [Fact]
    public void Signatures_beyond_the_limit_are_not_looked_at()
    {
        // Each signature names a different absent key: no verification at all, only the signature limit.
        var signatures = Enumerable.Range(0, 100).Select(i => Signature((ushort)(1000 + i))).ToList();
        var verdict = RrsetValidator.Validate(RrSet(), signatures, s_zone, CollidingKeys(1, 5), s_options);

        verdict.VerificationsAttempted.ShouldBe(0);
        verdict.Reason.ShouldBe(DnssecReasons.SignaturesPerRrsetExceeded);
    }

    [Fact]
    public void A_real_key_within_the_limits_still_validates()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = ecdsa.ExportParameters(false).Q;
        var real = new DnskeyRecord(256, 3, 13, [.. q.X!, .. q.Y!]);
        var decoys = CollidingKeys(2, real.KeyTag);
        var unsigned = new RrsigRecord(DnsRecordType.A, 13, 3, 300, 2_000_000_000, 1_000_000_000, real.KeyTag, s_zone, []);
        var data = RrsigVerifier.BuildSignedData(unsigned, RrSet());
        var sig = new RrsigRecord(DnsRecordType.A, 13, 3, 300, 2_000_000_000, 1_000_000_000, real.KeyTag, s_zone,
            ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        var verdict = RrsetValidator.Validate(RrSet(), [sig], s_zone, [.. decoys, real], s_options);

        verdict.IsSecure.ShouldBeTrue(verdict.Detail);
        verdict.VerificationsAttempted.ShouldBe(3);
    }

    [Fact]
    public void NSEC3_above_the_RFC_9276_iteration_limit_is_insecure_without_hashing()
    {
        var nsec3 = new ResourceRecord(DnsName.Parse("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.trap.example."), DnsClass.IN, 300,
            new Nsec3Record(1, 0, 2500, [0xAA], new byte[20], [DnsRecordType.A]));

        var result = Nsec3Denial.ProveNxDomain(DnsName.Parse("a.b.c.trap.example."), s_zone, [nsec3], s_options);

        result.Security.ShouldBe(DnssecSecurity.Insecure);
        result.Reason.ShouldBe(DnssecReasons.Nsec3IterationsExceeded);
        result.HashesComputed.ShouldBe(0);
    }

    [Fact]
    public void A_deep_name_stops_the_closest_encloser_search_at_the_hash_limit()
    {
        var nsec3 = new ResourceRecord(DnsName.Parse("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.trap.example."), DnsClass.IN, 300,
            new Nsec3Record(1, 0, 0, [], new byte[20], [DnsRecordType.A]));
        var deep = DnsName.Parse(string.Concat(Enumerable.Repeat("a.", 100)) + "trap.example.");

        var result = Nsec3Denial.ProveNxDomain(deep, s_zone, [nsec3], s_options);

        result.Security.ShouldBe(DnssecSecurity.Bogus);
        result.Reason.ShouldBe(DnssecReasons.Nsec3WorkExceeded);
        result.HashesComputed.ShouldBe(DnssecLimits.MaxNsec3HashesPerProof);
    }
}
