using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Dns.Zones;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace DnsCert.Dns.Benchmarks;

/// <summary>
/// The plain DNSSEC modes of Program, run by bench/dnssec-bench.sh next to <c>openssl speed</c> and
/// <c>ldns-verify-zone</c>: whole-zone verification split into parse and validation time.
/// </summary>
public static class DnssecModes
{
    /// <summary>The KSK-2010 DS, the root zone's anchor (see /work/shared/data/root-zone/README.md).</summary>
    public const string RootAnchor = ". IN DS 19036 8 2 49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5";

    /// <summary>Validation time for the 2017 root zone (inside every signature's window).</summary>
    public static readonly DateTimeOffset RootTime = new(2017, 8, 25, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Parses the zone file into memory once, then validates it <paramref name="rounds"/> times; prints the parse time,
    /// the best and mean validation time and the verdict.
    /// </summary>
    public static string VerifyZone(string path, int rounds)
    {
        var parse = Stopwatch.StartNew();
        var records = ZoneFileReader.ReadFile(path).ToList();
        var parseTime = parse.Elapsed;
        var anchor = TrustAnchor.Parse(RootAnchor);
        var options = new DnssecValidationOptions { Now = RootTime };
        ZoneVerifyReport? report = null;
        var times = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var stopwatch = Stopwatch.StartNew();
            report = ZoneVerifier.Verify(records, anchor, options);
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        return FormattableString.Invariant(
            $"records={records.Count} parse_ms={parseTime.TotalMilliseconds:0} verify_first_ms={times[0]:0} verify_best_ms={times.Min():0} verify_mean_ms={times.Average():0} verifications={report!.Verifications} {report.Summary}");
    }

    /// <summary>
    /// Verifications per second on one thread for DNSSEC algorithm <paramref name="algorithm"/> (8, 13 or 15) over the
    /// real RRsets of the root zone, each with its canonicalisation and hashing (<see cref="RrsigVerifier.Verify(RrsigRecord, IReadOnlyCollection{ResourceRecord}, DnsName, KeyRecordData, DateTimeOffset)"/>).
    /// Algorithm 8 uses the zone's own RRSIGs and keys; 13 and 15 re-sign the same RRsets with a fresh key, since the
    /// root has none. Also times the bare primitive (.NET RSA/ECDSA VerifyHash, BouncyCastle Ed25519 over a 36-octet
    /// message) for the split. Prints rates per wall second, per CPU second of the whole process and per user CPU second of the thread.
    /// </summary>
    public static string VerifyRate(string path, int algorithm, double seconds)
    {
        var sets = algorithm == 8 ? RootSignatures(path) : Resign(RootSignatures(path), algorithm);
        var ok = sets.Count(s => RrsigVerifier.Verify(s.Rrsig, s.Rrset, DnsName.Root, s.Key, RootTime) == DnssecVerifyStatus.Valid);
        if (ok != sets.Count)
        {
            throw new InvalidOperationException($"only {ok} of {sets.Count} signatures verify");
        }

        var octets = sets.Average(s => RrsigVerifier.BuildSignedData(s.Rrsig, s.Rrset).Length);
        var full = Measure(seconds, i =>
        {
            var s = sets[i % sets.Count];
            return RrsigVerifier.Verify(s.Rrsig, s.Rrset, DnsName.Root, s.Key, RootTime) == DnssecVerifyStatus.Valid;
        });
        var raw = Measure(seconds, RawVerifier(algorithm, sets[0]));
        return FormattableString.Invariant(
            $"dnscert alg={algorithm} crypto={(RrsigVerifier.IsNativeAvailable((byte)algorithm) ? "libcrypto" : "managed")} rrsets={sets.Count} signed_octets_mean={octets:0} full_per_s_wall={full.Wall:0} full_per_s_cpu={full.Cpu:0} full_per_s_thread_user={full.ThreadUser:0} primitive_per_s_wall={raw.Wall:0} primitive_per_s_cpu={raw.Cpu:0} primitive_per_s_thread_user={raw.ThreadUser:0}");
    }

    private sealed record Signed(List<ResourceRecord> Rrset, RrsigRecord Rrsig, KeyRecordData Key);

    // Every signed RRset of the zone with its RRSIG and the DNSKEY that made it.
    private static List<Signed> RootSignatures(string path)
    {
        var records = ZoneFileReader.ReadFile(path).ToList();
        var keys = records.Select(r => r.Data).OfType<DnskeyRecord>().ToList();
        var result = new List<Signed>();
        foreach (var owner in records.GroupBy(r => r.Name))
        {
            foreach (var rrsig in owner.Select(r => r.Data).OfType<RrsigRecord>())
            {
                var rrset = owner.Where(r => r.Type == rrsig.TypeCovered).ToList();
                result.Add(new Signed(rrset, rrsig, keys.Single(k => k.KeyTag == rrsig.KeyTag)));
            }
        }

        return result;
    }

    // The same RRsets and RRSIG fields, signed with a new P-256 or Ed25519 key.
    private static List<Signed> Resign(List<Signed> sets, int algorithm)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ed = new Ed25519PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom());
        byte[] publicKey;
        if (algorithm == 13)
        {
            var q = ecdsa.ExportParameters(false).Q;
            publicKey = [.. q.X!, .. q.Y!];
        }
        else if (algorithm == 15)
        {
            publicKey = ed.GeneratePublicKey().GetEncoded();
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm), "8, 13 or 15");
        }

        var key = new DnskeyRecord(256, 3, (byte)algorithm, publicKey);
        var result = new List<Signed>();
        foreach (var s in sets)
        {
            var o = s.Rrsig;
            var unsigned = new RrsigRecord(o.TypeCovered, (byte)algorithm, o.Labels, o.OriginalTtl, o.Expiration, o.Inception, key.KeyTag,
                o.SignerName, []);
            var data = RrsigVerifier.BuildSignedData(unsigned, s.Rrset);
            byte[] signature;
            if (algorithm == 13)
            {
                signature = ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
            else
            {
                var signer = new Ed25519Signer();
                signer.Init(true, ed);
                signer.BlockUpdate(data, 0, data.Length);
                signature = signer.GenerateSignature();
            }

            result.Add(new Signed(s.Rrset, new RrsigRecord(o.TypeCovered, (byte)algorithm, o.Labels, o.OriginalTtl, o.Expiration,
                o.Inception, key.KeyTag, o.SignerName, signature), key));
        }

        return result;
    }

    // The bare primitive with the key imported once: what `openssl speed` measures (a hash or a short message).
    private static Func<int, bool> RawVerifier(int algorithm, Signed sample)
    {
        var data = RrsigVerifier.BuildSignedData(sample.Rrsig, sample.Rrset);
        var signature = sample.Rrsig.Signature.ToArray();
        var key = sample.Key.PublicKey.ToArray();
        switch (algorithm)
        {
            case 8:
                var exponentLength = key[0];
                var rsa = RSA.Create();
                rsa.ImportParameters(new RSAParameters { Exponent = key[1..(1 + exponentLength)], Modulus = key[(1 + exponentLength)..] });
                var hash = SHA256.HashData(data);
                return _ => rsa.VerifyHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            case 13:
                var ecdsa = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = key[..32], Y = key[32..] },
                });
                var digest = SHA256.HashData(data);
                return _ => ecdsa.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            default:
                // Like openssl speed: Ed25519 over a 36-octet message (sign it here, then verify it).
                var ed = new Ed25519PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom());
                var publicKey = ed.GeneratePublicKey().GetEncoded();
                var message = new byte[36];
                var signer = new Ed25519Signer();
                signer.Init(true, ed);
                signer.BlockUpdate(message, 0, message.Length);
                var edSignature = signer.GenerateSignature();
                return _ => Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Verify(edSignature, 0, publicKey, 0, message, 0, message.Length);
        }
    }

    // Runs the operation for about a second of warm-up, then for the given seconds; rate per wall second, per CPU second
    // of the whole process (GC and JIT threads included), and per user-mode CPU second of the measuring thread — the
    // last is what `openssl speed` reports (it times its loop in user CPU time unless given -elapsed).
    private static (double Wall, double Cpu, double ThreadUser) Measure(double seconds, Func<int, bool> operation)
    {
        var warm = Stopwatch.StartNew();
        for (var i = 0; warm.Elapsed.TotalSeconds < 1; i++)
        {
            if (!operation(i))
            {
                throw new InvalidOperationException("verification failed");
            }
        }

        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var user = ThreadUserSeconds();
        var stopwatch = Stopwatch.StartNew();
        var count = 0;
        while (stopwatch.Elapsed.TotalSeconds < seconds)
        {
            for (var j = 0; j < 64; j++)
            {
                operation(count++);
            }
        }

        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var threadUser = ThreadUserSeconds() - user;
        process.Refresh();
        return (count / elapsed, count / (process.TotalProcessorTime - cpu).TotalSeconds, count / threadUser);
    }

    // getrusage(RUSAGE_THREAD) (Linux): user CPU time of the calling thread.
    private static double ThreadUserSeconds()
    {
        const int RusageThread = 1;
        if (getrusage(RusageThread, out var usage) != 0)
        {
            throw new InvalidOperationException("getrusage failed: " + Marshal.GetLastPInvokeError());
        }

        return usage.UserSeconds + (usage.UserMicroseconds / 1e6);
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int getrusage(int who, out Rusage usage);

    // struct rusage on 64-bit Linux: ru_utime, ru_stime (timeval: two longs), then 14 longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRss, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }
}
