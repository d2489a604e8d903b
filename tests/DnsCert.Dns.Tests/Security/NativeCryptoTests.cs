using System.Security.Cryptography;
using DnsCert.Dns.Dnssec.Native;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Dns.Zones;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace DnsCert.Dns.Tests.Security;

/// <summary>
/// The libcrypto binding (Dnssec/Native) and the managed path (.NET RSA, BouncyCastle Ed25519) give the same verdict
/// on the same vectors: real root-zone signatures, RFC 8080 examples, fresh RSA/SHA-1/256/512 and Ed25519 signatures,
/// and their tampered copies, which must fail on both.
/// </summary>
public class NativeCryptoTests
{
    private static readonly DnssecCryptoBackend[] s_backends = [DnssecCryptoBackend.Managed, DnssecCryptoBackend.Native];
    private static readonly DateTimeOffset s_rootTime = new(2017, 8, 25, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_now = DateTimeOffset.FromUnixTimeSeconds(1_500_000_000);
    private static readonly DnsName s_zone = DnsName.Parse("example.");

    private static List<ResourceRecord> Zone(string text) => ZoneFileReader.Read(new StringReader(text)).ToList();

    private static DnssecVerifyStatus Verify(RrsigRecord sig, IReadOnlyCollection<ResourceRecord> rrset, DnsName owner, KeyRecordData key,
        DateTimeOffset now, DnssecCryptoBackend backend) => RrsigVerifier.Verify(sig, rrset, owner, key, now, TimeSpan.Zero, backend);

    private static RrsigRecord WithSignature(RrsigRecord o, byte[] signature) =>
        new(o.TypeCovered, o.Algorithm, o.Labels, o.OriginalTtl, o.Expiration, o.Inception, o.KeyTag, o.SignerName, signature);

    private static byte[] Flipped(ReadOnlySpan<byte> bytes, int index)
    {
        var copy = bytes.ToArray();
        copy[index % copy.Length] ^= 0x01;
        return copy;
    }

    [Fact]
    public void Libcrypto_3_is_bound_on_this_system()
    {
        // Debian 12 ships libcrypto.so.3 (libssl3); if this fails the fast path silently is not in use.
        LibCrypto.IsAvailable.ShouldBeTrue();
        foreach (var algorithm in new byte[] { 5, 7, 8, 10, 15 })
        {
            RrsigVerifier.IsNativeAvailable(algorithm).ShouldBeTrue();
        }

        RrsigVerifier.IsNativeAvailable(13).ShouldBeFalse(); // ECDSA stays with .NET
    }

    [Fact]
    public void Without_libcrypto_or_when_turned_off_the_binding_reports_unavailable()
    {
        LibCrypto.Probe("libcrypto-missing.so.99", null).ShouldBeFalse();
        LibCrypto.Probe(LibCrypto.Library, "0").ShouldBeFalse();
        LibCrypto.Probe(LibCrypto.Library, null).ShouldBeTrue();
    }

    [Fact]
    public void Root_zone_signatures_verify_on_both_paths_and_tampered_ones_fail_on_both()
    {
        var dir = Environment.GetEnvironmentVariable("DNSCERT_ROOT_ZONE_DIR") ?? "/work/shared/data/root-zone";
        var records = ZoneFileReader.ReadFile(Path.Combine(dir, "root-2017-08-21-signed.zone.gz")).ToList();
        var keys = records.Where(r => r.Type == DnsRecordType.DNSKEY).Select(r => (DnskeyRecord)r.Data).ToList();
        var rrsets = records.Where(r => r.Type != DnsRecordType.RRSIG).GroupBy(r => (r.Name, r.Type))
            .ToDictionary(g => g.Key, g => (IReadOnlyCollection<ResourceRecord>)g.ToList());
        var signatures = records.Where(r => r.Type == DnsRecordType.RRSIG).ToList();
        signatures.Count.ShouldBe(2950);

        foreach (var backend in s_backends)
        {
            var verdicts = new Dictionary<DnssecVerifyStatus, int>();
            var tampered = new Dictionary<DnssecVerifyStatus, int>();
            for (var i = 0; i < signatures.Count; i++)
            {
                var sig = (RrsigRecord)signatures[i].Data;
                var key = keys.Single(k => k.KeyTag == sig.KeyTag);
                var rrset = rrsets[(signatures[i].Name, sig.TypeCovered)];
                var status = Verify(sig, rrset, DnsName.Root, key, s_rootTime, backend);
                verdicts[status] = verdicts.GetValueOrDefault(status) + 1;
                if (i % 10 == 0)
                {
                    // One bit of the signature, at a different place each time; then the alternating bad and good
                    // verifications also exercise the context pool's discard-after-failure path.
                    var bad = Verify(WithSignature(sig, Flipped(sig.Signature.Span, i)), rrset, DnsName.Root, key, s_rootTime, backend);
                    tampered[bad] = tampered.GetValueOrDefault(bad) + 1;
                }
            }

            verdicts.ShouldBe(new Dictionary<DnssecVerifyStatus, int> { [DnssecVerifyStatus.Valid] = 2950 }, backend.ToString());
            tampered.ShouldBe(new Dictionary<DnssecVerifyStatus, int> { [DnssecVerifyStatus.BadSignature] = 295 }, backend.ToString());
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(10)]
    public void Rsa_signatures_with_each_hash_agree_on_both_paths(byte algorithm)
    {
        using var rsa = RSA.Create(1024 + (algorithm * 64));
        var parameters = rsa.ExportParameters(false);
        var key = new DnskeyRecord(257, 3, algorithm, [(byte)parameters.Exponent!.Length, .. parameters.Exponent, .. parameters.Modulus!]);
        var hash = algorithm switch { 8 => HashAlgorithmName.SHA256, 10 => HashAlgorithmName.SHA512, _ => HashAlgorithmName.SHA1 };
        var wrongHash = algorithm == 8 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;
        var rrset = Zone("example. 300 IN TXT \"native and managed\"");
        var unsigned = new RrsigRecord(DnsRecordType.TXT, algorithm, 1, 300, 2_000_000_000, 1_000_000_000, key.KeyTag, s_zone, []);
        var data = RrsigVerifier.BuildSignedData(unsigned, rrset);
        var signature = rsa.SignData(data, hash, RSASignaturePadding.Pkcs1);
        var sig = WithSignature(unsigned, signature);

        foreach (var backend in s_backends)
        {
            Verify(sig, rrset, s_zone, key, s_now, backend).ShouldBe(DnssecVerifyStatus.Valid, backend.ToString());
            Verify(sig, Zone("example. 300 IN TXT \"native and managed!\""), s_zone, key, s_now, backend)
                .ShouldBe(DnssecVerifyStatus.BadSignature, backend.ToString());
            Verify(WithSignature(sig, Flipped(signature, 7)), rrset, s_zone, key, s_now, backend).ShouldBe(DnssecVerifyStatus.BadSignature, backend.ToString());
            Verify(WithSignature(sig, signature[1..]), rrset, s_zone, key, s_now, backend).ShouldBe(DnssecVerifyStatus.BadSignature, backend.ToString());
            Verify(WithSignature(sig, []), rrset, s_zone, key, s_now, backend).ShouldBe(DnssecVerifyStatus.BadSignature, backend.ToString());
            // A valid PKCS#1 signature whose DigestInfo names another hash than the algorithm's.
            Verify(WithSignature(sig, rsa.SignData(data, wrongHash, RSASignaturePadding.Pkcs1)), rrset, s_zone, key, s_now, backend)
                .ShouldBe(DnssecVerifyStatus.BadSignature, backend.ToString());
            // And good again after the failures (a failed context is discarded, not reused).
            Verify(sig, rrset, s_zone, key, s_now, backend).ShouldBe(DnssecVerifyStatus.Valid, backend.ToString());
        }
    }

    [Theory]
    // RFC 8080 §6.1 with erratum 4935 (the same vectors as GoldenVectorTests).
    [InlineData("l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
        "MX 15 2 3600 1440021600 1438207200 3613 example.com. oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==")]
    [InlineData("zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
        "MX 15 2 3600 1440021600 1438207200 35217 example.com. zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg==")]
    public void Rfc8080_examples_agree_on_both_paths(string publicKey, string rrsig)
    {
        var key = (DnskeyRecord)RecordData.Parse(DnsRecordType.DNSKEY, "257 3 15 " + publicKey);
        var sig = (RrsigRecord)RecordData.Parse(DnsRecordType.RRSIG, rrsig);
        var owner = DnsName.Parse("example.com.");
        var rrset = Zone("example.com. 3600 IN MX 10 mail.example.com.");
        var at = DateTimeOffset.FromUnixTimeSeconds(1439000000);

        foreach (var backend in s_backends)
        {
            Verify(sig, rrset, owner, key, at, backend).ShouldBe(DnssecVerifyStatus.Valid, backend.ToString());
            Verify(sig, Zone("example.com. 3600 IN MX 20 mail.example.com."), owner, key, at, backend).ShouldBe(DnssecVerifyStatus.BadSignature, backend.ToString());
            for (var bit = 0; bit < 64; bit += 9)
            {
                Verify(WithSignature(sig, Flipped(sig.Signature.Span, bit)), rrset, owner, key, at, backend)
                    .ShouldBe(DnssecVerifyStatus.BadSignature, backend.ToString());
            }

            Verify(WithSignature(sig, sig.Signature.Span[..63].ToArray()), rrset, owner, key, at, backend).ShouldBe(DnssecVerifyStatus.BadSignature, backend.ToString());
            Verify(sig, rrset, owner, key, at, backend).ShouldBe(DnssecVerifyStatus.Valid, backend.ToString());
        }
    }

    [Fact]
    public void A_zero_ed25519_key_fails_on_both_paths()
    {
        var key = new DnskeyRecord(257, 3, 15, new byte[32]);
        var sig = new RrsigRecord(DnsRecordType.A, 15, 1, 300, 2_000_000_000, 1_000_000_000, key.KeyTag, s_zone, new byte[64]);
        foreach (var backend in s_backends)
        {
            Verify(sig, Zone("example. 300 IN A 192.0.2.1"), s_zone, key, s_now, backend).ShouldBe(DnssecVerifyStatus.BadSignature, backend.ToString());
        }
    }

    [Fact]
    public void Many_threads_share_one_native_key()
    {
        // One EVP_PKEY, contexts taken from and returned to its pool concurrently, good and bad signatures mixed.
        var secret = new Ed25519PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom());
        var key = new DnskeyRecord(257, 3, 15, secret.GeneratePublicKey().GetEncoded());
        var sets = Enumerable.Range(0, 64).Select(i => Zone($"example. 300 IN TXT \"record {i}\"")).ToList();
        var sigs = sets.Select(rrset =>
        {
            var unsigned = new RrsigRecord(DnsRecordType.TXT, 15, 1, 300, 2_000_000_000, 1_000_000_000, key.KeyTag, s_zone, []);
            var data = RrsigVerifier.BuildSignedData(unsigned, rrset);
            var signer = new Ed25519Signer();
            signer.Init(true, secret);
            signer.BlockUpdate(data, 0, data.Length);
            return WithSignature(unsigned, signer.GenerateSignature());
        }).ToList();

        var wrong = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var n = i % sets.Count;
            var good = i % 7 != 0;
            var sig = good ? sigs[n] : sigs[(n + 1) % sets.Count];
            var expected = good ? DnssecVerifyStatus.Valid : DnssecVerifyStatus.BadSignature;
            if (Verify(sig, sets[n], s_zone, key, s_now, DnssecCryptoBackend.Native) != expected)
            {
                Interlocked.Increment(ref wrong);
            }
        });
        wrong.ShouldBe(0);
    }
}
