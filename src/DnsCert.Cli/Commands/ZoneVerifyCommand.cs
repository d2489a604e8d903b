using System.CommandLine;
using System.Globalization;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Zones;

namespace DnsCert.Cli.Commands;

/// <summary><c>dnscert zone verify &lt;file&gt; --anchor "&lt;DS or DNSKEY&gt;" [--at time]</c>: offline DNSSEC validation of a zone file.</summary>
internal static class ZoneVerifyCommand
{
    /// <summary>Exit code when the command line or the input is unusable.</summary>
    public const int UsageError = 2;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Zone file (.gz is decompressed). Records of one owner must be contiguous, apex first." };
        var anchor = new Option<string>("--anchor")
        {
            Description = "Trust anchor for the apex: a DS or DNSKEY record, e.g. \". IN DS 19036 8 2 49AAC1…\"",
            Required = true,
        };
        var at = new Option<string?>("--at") { Description = "Validation time, RFC 3339 (default: now)." };
        var skew = new Option<int>("--skew") { Description = "Clock skew tolerated in seconds (default 300).", DefaultValueFactory = _ => 300 };
        var verify = new Command("verify", "Validate every RRset of a signed zone file from a trust anchor (like ldns-verify-zone).") { file };
        verify.Options.Add(anchor);
        verify.Options.Add(at);
        verify.Options.Add(skew);
        verify.SetAction(p => Run(p.GetValue(file)!, p.GetValue(anchor)!, p.GetValue(at), p.GetValue(skew), Console.Out, Console.Error));
        return verify;
    }

    /// <summary>Runs the verification; returns 0 when nothing is bogus, 1 when something is, 2 on bad input.</summary>
    public static int Run(string file, string anchorText, string? at, int skewSeconds, TextWriter output, TextWriter error)
    {
        TrustAnchor anchor;
        try
        {
            anchor = TrustAnchor.Parse(anchorText);
        }
        catch (ZoneFileException ex)
        {
            error.WriteLine($"--anchor: {ex.Message}");
            return UsageError;
        }

        var now = DateTimeOffset.UtcNow;
        if (at is not null && !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out now))
        {
            error.WriteLine($"--at: '{at}' is not an RFC 3339 time such as 2017-08-25T00:00:00Z");
            return UsageError;
        }

        if (skewSeconds < 0)
        {
            error.WriteLine("--skew: must be zero or more seconds");
            return UsageError;
        }

        if (!File.Exists(file))
        {
            error.WriteLine($"{file}: no such file");
            return UsageError;
        }

        var options = new DnssecValidationOptions { Now = now, ClockSkew = TimeSpan.FromSeconds(skewSeconds) };
        ZoneVerifyReport report;
        try
        {
            report = ZoneVerifier.Verify(ZoneFileReader.ReadFile(file), anchor, options,
                finding => output.WriteLine($"bogus {finding}"));
        }
        catch (ZoneFileException ex)
        {
            error.WriteLine(ex.Message);
            return UsageError;
        }

        if (report.Zone is null)
        {
            error.WriteLine($"{file}: no SOA record; is this a zone file?");
            return UsageError;
        }

        foreach (var warning in report.Warnings)
        {
            output.WriteLine($"warning {warning}");
        }

        foreach (var line in report.KeySet?.Evidence ?? [])
        {
            output.WriteLine($"chain: {line}");
        }

        output.WriteLine(report.Summary);
        output.WriteLine($"zone={report.Zone} at={now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} glue={report.Glue} out-of-zone={report.OutOfZone} verifications={report.Verifications}");
        return report.Bogus == 0 ? 0 : 1;
    }
}
