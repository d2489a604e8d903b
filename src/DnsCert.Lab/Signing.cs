using System.Globalization;
using DnsCert.Lab.Definition;

namespace DnsCert.Lab;

/// <summary>Signature validity window of one signing run.</summary>
public enum SigningWindow
{
    /// <summary>Inception one hour ago, expiration in 21 days (a realistic weekly re-signing cadence).</summary>
    Normal,

    /// <summary>Inception 30 days ago, expiration 2 days ago.</summary>
    Expired,

    /// <summary>Inception in 7 days, expiration in 37 days.</summary>
    Future,
}

/// <summary>
/// Key generation and offline signing with the real tools: ldns-keygen/ldns-signzone, dnssec-keygen/dnssec-signzone;
/// keymgr prepares the keys Knot's own signer uses. Legacy algorithms 5 and 7 (RSASHA1) are signed by ldns: it signs
/// SHA-1 under Debian 12's OpenSSL 3 (see docs/lab.md).
/// </summary>
internal static class Signing
{
    public static string LdnsAlgorithm(int algorithm) => algorithm switch
    {
        5 => "RSASHA1",
        7 => "RSASHA1-NSEC3-SHA1",
        8 => "RSASHA256",
        13 => "ECDSAP256SHA256",
        14 => "ECDSAP384SHA384",
        15 => "ED25519",
        16 => "ED448",
        _ => throw new LabException($"algorithm {algorithm} is not supported by the lab"),
    };

    public static string BindAlgorithm(int algorithm) => algorithm switch
    {
        5 => "RSASHA1",
        7 => "NSEC3RSASHA1",
        _ => LdnsAlgorithm(algorithm),
    };

    public static string KnotAlgorithm(int algorithm) => algorithm switch
    {
        8 => "rsasha256",
        13 => "ecdsap256sha256",
        14 => "ecdsap384sha384",
        15 => "ed25519",
        16 => "ed448",
        _ => throw new LabException($"Knot's signer in the lab does not use algorithm {algorithm}"),
    };

    private static bool IsRsa(int algorithm) => algorithm is 5 or 7 or 8 or 10;

    /// <summary>Generates a KSK and a ZSK for an offline signer; returns key base names and the KSK's DS (SHA-256).</summary>
    public static async Task<(List<string> Keys, List<string> Ds)> GenerateOfflineKeysAsync(LabZone zone, string directory,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var profile = zone.Dnssec ?? throw new InvalidOperationException("unsigned zone");
        var keys = new List<string>();
        string ksk;
        if (profile.Signer == Signer.Ldns)
        {
            ksk = await LdnsKeygenAsync(zone.Fqdn, profile.Algorithm, true, directory, cancellationToken);
            keys.Add(ksk);
            keys.Add(await LdnsKeygenAsync(zone.Fqdn, profile.Algorithm, false, directory, cancellationToken));
        }
        else
        {
            ksk = await BindKeygenAsync(zone.Fqdn, profile.Algorithm, true, directory, cancellationToken);
            keys.Add(ksk);
            keys.Add(await BindKeygenAsync(zone.Fqdn, profile.Algorithm, false, directory, cancellationToken));
        }

        var ds = await DsFromKeyAsync(Path.Combine(directory, ksk + ".key"), cancellationToken);
        return (keys, [ds]);
    }

    /// <summary>A DS (SHA-256) of a brand-new key that is never published: the ds-mismatch fault.</summary>
    public static async Task<string> StaleDsAsync(LabZone zone, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var algorithm = zone.Dnssec?.Algorithm ?? 13;
        var key = await LdnsKeygenAsync(zone.Fqdn, algorithm is 5 or 7 or 8 ? 8 : algorithm, true, directory, cancellationToken);
        return await DsFromKeyAsync(Path.Combine(directory, key + ".key"), cancellationToken);
    }

    private static async Task<string> LdnsKeygenAsync(string zone, int algorithm, bool ksk, string directory, CancellationToken cancellationToken)
    {
        var args = new List<string> { "-a", LdnsAlgorithm(algorithm) };
        if (IsRsa(algorithm))
        {
            args.AddRange(["-b", ksk ? "2048" : "1024"]);
        }

        if (ksk)
        {
            args.Add("-k");
        }

        args.Add(zone);
        var output = await Tool.CheckAsync("ldns-keygen", args, directory, cancellationToken);
        return output.Trim();
    }

    private static async Task<string> BindKeygenAsync(string zone, int algorithm, bool ksk, string directory, CancellationToken cancellationToken)
    {
        var args = new List<string> { "-q", "-K", directory, "-a", BindAlgorithm(algorithm) };
        if (IsRsa(algorithm))
        {
            args.AddRange(["-b", ksk ? "2048" : "1024"]);
        }

        if (ksk)
        {
            args.AddRange(["-f", "KSK"]);
        }

        args.AddRange(["-n", "ZONE", zone]);
        var output = await Tool.CheckAsync("dnssec-keygen", args, directory, cancellationToken);
        return output.Trim();
    }

    private static async Task<string> DsFromKeyAsync(string keyFile, CancellationToken cancellationToken)
    {
        var output = await Tool.CheckAsync("dnssec-dsfromkey", ["-2", keyFile], Path.GetDirectoryName(keyFile), cancellationToken);
        return Normalize(output.Trim());
    }

    /// <summary>DS records of a Knot-signed zone from keymgr (KSK, SHA-256 only).</summary>
    public static async Task<List<string>> KnotDsAsync(string knotConfig, LabZone zone, CancellationToken cancellationToken)
    {
        var output = await Tool.CheckAsync("keymgr", ["-c", knotConfig, zone.Fqdn, "ds"], cancellationToken: cancellationToken);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Normalize)
            .Where(line => line.Split(' ')[5] == "2")
            .ToList();
    }

    /// <summary>Generates Knot's keys with keymgr before knotd starts (the policy is manual: Knot signs, the lab keeps keys).</summary>
    public static async Task GenerateKnotKeysAsync(string knotConfig, LabZone zone, CancellationToken cancellationToken)
    {
        var profile = zone.Dnssec!;
        var existing = await Tool.CheckAsync("keymgr", ["-c", knotConfig, zone.Fqdn, "list"], cancellationToken: cancellationToken);
        if (existing.Contains(" KSK ", StringComparison.Ordinal))
        {
            return;
        }

        foreach (var ksk in new[] { true, false })
        {
            var args = new List<string>
            {
                "-c", knotConfig, zone.Fqdn, "generate", "algorithm=" + profile.Algorithm.ToString(CultureInfo.InvariantCulture),
                ksk ? "ksk=yes" : "ksk=no", ksk ? "zsk=no" : "zsk=yes",
            };
            if (IsRsa(profile.Algorithm))
            {
                args.Add("size=" + (ksk ? "2048" : "1024"));
            }

            await Tool.CheckAsync("keymgr", args, cancellationToken: cancellationToken);
        }
    }

    /// <summary>"name. TTL? IN DS ..." to "name. IN DS tag alg type digest" with the digest in one word.</summary>
    internal static string Normalize(string dsLine)
    {
        var tokens = dsLine.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
        var ds = tokens.IndexOf("DS");
        var name = tokens[0];
        var tag = tokens[ds + 1];
        var alg = tokens[ds + 2];
        var type = tokens[ds + 3];
        var digest = string.Concat(tokens.Skip(ds + 4)).ToUpperInvariant();
        return $"{name} IN DS {tag} {alg} {type} {digest}";
    }

    /// <summary>Signs an unsigned zone file with the zone's offline signer; writes a one-record-per-line signed file.</summary>
    public static async Task SignAsync(LabZone zone, string unsignedFile, string signedFile, string keyDirectory, IReadOnlyList<string> keys,
        SigningWindow window, TimeProvider time, CancellationToken cancellationToken)
    {
        var profile = zone.Dnssec!;
        var now = time.GetUtcNow();
        var (inception, expiration) = window switch
        {
            SigningWindow.Expired => (now.AddDays(-30), now.AddDays(-2)),
            SigningWindow.Future => (now.AddDays(7), now.AddDays(37)),
            _ => (now.AddHours(-1), now.AddDays(21)),
        };
        var start = inception.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var end = expiration.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var nsec3 = profile.Denial != Denial.Nsec;
        var optOut = profile.Denial == Denial.Nsec3Optout;
        if (profile.Signer == Signer.Ldns)
        {
            var args = new List<string> { "-i", start, "-e", end, "-f", signedFile };
            if (nsec3)
            {
                args.AddRange(["-n", "-t", "0"]);
                if (optOut)
                {
                    args.Add("-p");
                }
            }

            args.Add(unsignedFile);
            args.AddRange(keys.Select(k => Path.Combine(keyDirectory, k)));
            await Tool.CheckAsync("ldns-signzone", args, keyDirectory, cancellationToken);
        }
        else
        {
            var args = new List<string>
            {
                "-q", "-S", "-K", keyDirectory, "-d", keyDirectory, "-o", zone.Fqdn, "-f", signedFile, "-O", "full", "-s", start, "-e", end,
            };
            if (window != SigningWindow.Normal)
            {
                args.Add("-P");
            }

            if (nsec3)
            {
                args.AddRange(["-3", "-", "-H", "0"]);
                if (optOut)
                {
                    args.Add("-A");
                }
            }

            // -S (smart signing) takes the keys from the zone's own key folder and publishes their DNSKEYs.
            args.Add(unsignedFile);
            await Tool.CheckAsync("dnssec-signzone", args, keyDirectory, cancellationToken);
        }
    }
}
