using System.Diagnostics;
using System.Text.RegularExpressions;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Dns.Security;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Dnssec;

/// <summary>
/// Zones signed by ldns-signzone for every algorithm, NSEC and NSEC3 with and without opt-out, healthy and broken:
/// our verdict must agree with ldns-verify-zone (Debian packages ldnsutils).
/// </summary>
public class LdnsCrossCheckTests
{
    private const string ZoneText = """
        $ORIGIN example.
        $TTL 3600
        @ IN SOA ns1 hostmaster 1 7200 3600 1209600 3600
        @ IN NS ns1
        @ IN MX 10 mail
        ns1 IN A 192.0.2.1
        mail IN A 192.0.2.2
        mail IN AAAA 2001:db8::2
        *.wild IN TXT "wildcard"
        x.y.ent IN A 192.0.2.3
        secure IN NS ns.secure
        secure IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
        ns.secure IN A 192.0.2.4
        plain IN NS ns.plain
        ns.plain IN A 192.0.2.5
        """;

    public enum Breakage
    {
        None,
        FlippedSignatureByte,
        MissingRrsig,
        Expired,
        MissingDenialRecord,
    }

    public static TheoryData<string, string> Cases() => new()
    {
        { "RSASHA1", "nsec" },
        { "RSASHA1-NSEC3-SHA1", "nsec3" },
        { "RSASHA256", "nsec" },
        { "RSASHA256", "nsec3" },
        { "RSASHA256", "nsec3-optout" },
        { "RSASHA512", "nsec" },
        { "ECDSAP256SHA256", "nsec" },
        { "ECDSAP256SHA256", "nsec3-optout" },
        { "ECDSAP384SHA384", "nsec3" },
        { "ED25519", "nsec" },
        { "ED25519", "nsec3" },
        { "ED448", "nsec" },
        { "ED448", "nsec3-optout" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Our_verdict_agrees_with_ldns_verify_zone(string algorithm, string denial)
    {
        var dir = Directory.CreateTempSubdirectory("dnscert-xcheck-");
        try
        {
            var zone = Path.Combine(dir.FullName, "example.zone");
            await File.WriteAllTextAsync(zone, ZoneText);
            var rsa = algorithm.StartsWith("RSA", StringComparison.Ordinal) ? new[] { "-b", "1024" } : [];
            var ksk = (await RunAsync(dir.FullName, "ldns-keygen", ["-a", algorithm, .. rsa, "-k", "example."])).Output.Trim();
            var zsk = (await RunAsync(dir.FullName, "ldns-keygen", ["-a", algorithm, .. rsa, "example."])).Output.Trim();
            var anchor = await File.ReadAllTextAsync(Path.Combine(dir.FullName, ksk + ".ds"));
            string[] nsec3 = denial switch
            {
                "nsec3" => ["-n", "-s", "abcd", "-t", "5"],
                "nsec3-optout" => ["-n", "-p", "-s", "abcd", "-t", "5"],
                _ => [],
            };

            async Task<string> SignAsync(string name, string inception, string expiration)
            {
                var output = Path.Combine(dir.FullName, name);
                await RunAsync(dir.FullName, "ldns-signzone", [.. nsec3, "-f", output, "-o", "example.", "-i", inception, "-e", expiration, zone, zsk, ksk]);
                return output;
            }

            var healthy = await SignAsync("healthy", "20200101", "20370101");
            var lines = (await File.ReadAllLinesAsync(healthy)).ToList();
            var mailA = lines.FindIndex(l => l.StartsWith("mail.example.", StringComparison.Ordinal) && l.Contains("\tRRSIG\tA ", StringComparison.Ordinal));
            var mx = lines.FindIndex(l => l.StartsWith("example.", StringComparison.Ordinal) && l.Contains("\tRRSIG\tMX ", StringComparison.Ordinal));
            mailA.ShouldBeGreaterThan(0);
            mx.ShouldBeGreaterThan(0);

            var flipped = lines.ToList();
            var at = flipped[mailA].Length - 12;
            flipped[mailA] = flipped[mailA][..at] + (flipped[mailA][at] == 'A' ? 'B' : 'A') + flipped[mailA][(at + 1)..];
            var flippedPath = Path.Combine(dir.FullName, "flipped");
            await File.WriteAllLinesAsync(flippedPath, flipped);

            var missing = lines.ToList();
            missing.RemoveAt(mx);
            var missingPath = Path.Combine(dir.FullName, "missing");
            await File.WriteAllLinesAsync(missingPath, missing);

            var expired = await SignAsync("expired", "20200101", "20200201");

            // The NSEC or NSEC3 of mail.example (and its RRSIG) removed.
            var mailOwner = nsec3.Length == 0
                ? "mail.example.\t"
                : DnssecDigests.ComputeNsec3Label(DnsName.Parse("mail.example."), 5, [0xAB, 0xCD]).ToLowerInvariant() + ".example.\t";
            var noDenial = lines.Where(l => !(l.StartsWith(mailOwner, StringComparison.OrdinalIgnoreCase)
                && (l.Contains("NSEC", StringComparison.Ordinal)))).ToList();
            noDenial.Count.ShouldBe(lines.Count - 2);
            var noDenialPath = Path.Combine(dir.FullName, "no-denial");
            await File.WriteAllLinesAsync(noDenialPath, noDenial);

            foreach (var (path, breakage) in new[] { (healthy, Breakage.None), (flippedPath, Breakage.FlippedSignatureByte),
                         (missingPath, Breakage.MissingRrsig), (expired, Breakage.Expired), (noDenialPath, Breakage.MissingDenialRecord) })
            {
                var ldns = await RunAsync(dir.FullName, "ldns-verify-zone", ["-k", Path.Combine(dir.FullName, ksk + ".ds"), path], check: false);
                var ours = ZoneVerifier.Verify(ZoneFileReader.ReadFile(path), TrustAnchor.Parse(anchor), new DnssecValidationOptions());
                var context = $"{algorithm} {denial} {breakage}: ldns exit {ldns.ExitCode} {ldns.Output} {ldns.Error}; ours {ours.Summary} "
                    + string.Join("; ", ours.Findings);

                (ours.Bogus == 0).ShouldBe(ldns.ExitCode == 0, context);
                switch (breakage)
                {
                    case Breakage.None:
                        ours.Bogus.ShouldBe(0, context);
                        ours.Secure.ShouldBeGreaterThan(10, context);
                        ours.Insecure.ShouldBe(1, context); // plain.example has no DS
                        break;
                    case Breakage.FlippedSignatureByte:
                        ours.Findings.ShouldHaveSingleItem(context).Reason.ShouldBe(DnssecReasons.SignatureInvalid, context);
                        ours.Findings[0].Type.ShouldBe(DnsRecordType.A);
                        break;
                    case Breakage.MissingRrsig:
                        ours.Findings.ShouldHaveSingleItem(context).Reason.ShouldBe(DnssecReasons.MissingRrsig, context);
                        ours.Findings[0].Type.ShouldBe(DnsRecordType.MX);
                        break;
                    case Breakage.Expired:
                        ours.Findings.ShouldAllBe(f => f.Reason == DnssecReasons.ExpirationInPast, context);
                        ours.Secure.ShouldBe(0, context);
                        break;
                    case Breakage.MissingDenialRecord:
                        ours.Findings.ShouldContain(f => f.Reason == DnssecReasons.MissingNsecForName && f.Owner == DnsName.Parse("mail.example."), context);
                        break;
                }
            }
        }
        finally
        {
            dir.Delete(true);
        }
    }

    public static TheoryData<string, string> BindCases() => new()
    {
        { "RSASHA256", "nsec" },
        { "ECDSAP256SHA256", "nsec3" },
        { "ECDSAP384SHA384", "nsec3-optout" },
        { "ED25519", "nsec3-optout" },
        { "ED448", "nsec" },
    };

    /// <summary>The same with BIND's signer, whose output is not in canonical order (glue and NSEC3 interleaved).</summary>
    [Theory]
    [MemberData(nameof(BindCases))]
    public async Task Zones_signed_by_dnssec_signzone_agree_too(string algorithm, string denial)
    {
        var dir = Directory.CreateTempSubdirectory("dnscert-xcheck-bind-");
        try
        {
            var ksk = (await RunAsync(dir.FullName, "dnssec-keygen", ["-q", "-a", algorithm, "-f", "KSK", "example."])).Output.Trim();
            var zsk = (await RunAsync(dir.FullName, "dnssec-keygen", ["-q", "-a", algorithm, "example."])).Output.Trim();
            var zone = Path.Combine(dir.FullName, "example.zone");
            await File.WriteAllTextAsync(zone, ZoneText + "\n" + await File.ReadAllTextAsync(Path.Combine(dir.FullName, ksk + ".key"))
                + await File.ReadAllTextAsync(Path.Combine(dir.FullName, zsk + ".key")));
            var anchorPath = Path.Combine(dir.FullName, "anchor.ds");
            await File.WriteAllTextAsync(anchorPath, (await RunAsync(dir.FullName, "dnssec-dsfromkey", ["-2", ksk + ".key"])).Output);
            string[] nsec3 = denial switch
            {
                "nsec3" => ["-3", "abcd", "-H", "0"],
                "nsec3-optout" => ["-3", "abcd", "-H", "0", "-A"],
                _ => [],
            };
            var signed = Path.Combine(dir.FullName, "signed");
            await RunAsync(dir.FullName, "dnssec-signzone",
                ["-O", "full", .. nsec3, "-o", "example.", "-s", "20200101000000", "-e", "20370101000000", "-f", signed, zone]);
            var lines = (await File.ReadAllLinesAsync(signed)).ToList();
            var mailA = lines.FindIndex(l => Regex.IsMatch(l, @"^mail\.example\.\s+\d+\s+IN\s+RRSIG\s+A\s"));
            var mx = lines.FindIndex(l => Regex.IsMatch(l, @"^example\.\s+\d+\s+IN\s+RRSIG\s+MX\s"));
            mailA.ShouldBeGreaterThan(0);
            mx.ShouldBeGreaterThan(0);
            var flipped = lines.ToList();
            var at = flipped[mailA].Length - 12;
            flipped[mailA] = flipped[mailA][..at] + (flipped[mailA][at] == 'A' ? 'B' : 'A') + flipped[mailA][(at + 1)..];
            var flippedPath = Path.Combine(dir.FullName, "flipped");
            await File.WriteAllLinesAsync(flippedPath, flipped);
            var missing = lines.ToList();
            missing.RemoveAt(mx);
            var missingPath = Path.Combine(dir.FullName, "missing");
            await File.WriteAllLinesAsync(missingPath, missing);

            foreach (var (path, breakage) in new[] { (signed, Breakage.None), (flippedPath, Breakage.FlippedSignatureByte), (missingPath, Breakage.MissingRrsig) })
            {
                var ldns = await RunAsync(dir.FullName, "ldns-verify-zone", ["-k", anchorPath, path], check: false);
                var ours = ZoneVerifier.Verify(ZoneFileReader.ReadFile(path), TrustAnchor.Parse(await File.ReadAllTextAsync(anchorPath)),
                    new DnssecValidationOptions());
                var context = $"{algorithm} {denial} {breakage}: ldns exit {ldns.ExitCode} {ldns.Output} {ldns.Error}; ours {ours.Summary} "
                    + string.Join("; ", ours.Findings);

                (ours.Bogus == 0).ShouldBe(ldns.ExitCode == 0, context);
                switch (breakage)
                {
                    case Breakage.None:
                        ours.Insecure.ShouldBe(1, context);
                        ours.Glue.ShouldBe(4, context); // NS of two delegations, two glue addresses
                        break;
                    case Breakage.FlippedSignatureByte:
                        ours.Findings.ShouldHaveSingleItem(context).Reason.ShouldBe(DnssecReasons.SignatureInvalid, context);
                        break;
                    default:
                        ours.Findings.ShouldHaveSingleItem(context).Reason.ShouldBe(DnssecReasons.MissingRrsig, context);
                        break;
                }
            }
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private sealed record Result(int ExitCode, string Output, string Error);

    private static async Task<Result> RunAsync(string directory, string tool, string[] arguments, bool check = true)
    {
        var start = new ProcessStartInfo(tool, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var result = new Result(process.ExitCode, await stdout, await stderr);
        if (check)
        {
            result.ExitCode.ShouldBe(0, $"{tool} {string.Join(' ', arguments)}: {result.Error}");
        }

        return result;
    }
}
