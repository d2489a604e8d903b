using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Dns.Zones;
using DnsCert.Lab;
using DnsCert.Monitoring.Changes;
using DnsCert.Monitoring.Checks;
using DnsCert.Monitoring.Model;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Cli.Commands;

/// <summary>
/// <c>dnscert check &lt;zone&gt; [--json] [--hints file] [--anchor file] [--lab [dir]] [--baseline file] [--save-baseline file]</c>:
/// a one-shot full check (docs/monitoring.md), and <c>dnscert check changes &lt;baseline zone file&gt; &lt;observed zone file&gt;</c>:
/// the delegation changes (NS, glue, DS) of every child zone between two zone files.
/// Exit codes by worst severity: 0 nothing above NOTICE, 3 WARNING, 4 ERROR, 5 CRITICAL; 2 unusable input.
/// </summary>
internal static class CheckCommand
{
    public const int UsageError = 2;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Command Create()
    {
        var zone = new Argument<string[]>("zone")
        {
            Description = "Zone(s) to check, e.g. example.org; several are checked concurrently (--parallel), JSON then one object per line.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print the report (findings with evidence, measurements) as JSON." };
        var hints = new Option<string?>("--hints") { Description = $"Root hints file (default {RootHints.DefaultFile}: the real root servers)." };
        var anchor = new Option<string?>("--anchor") { Description = $"Root trust anchor, DS or DNSKEY records (default {RootHints.DefaultAnchorFile}: IANA)." };
        var lab = new Option<string?>("--lab")
        {
            Description = "Check inside the lab: its root hints and trust anchor (folder default: DNSCERT_LAB_DIR, else .data/lab).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var baseline = new Option<string?>("--baseline") { Description = "Approved delegation (JSON from --save-baseline) to compare with (CHG-01…05)." };
        var saveBaseline = new Option<string?>("--save-baseline") { Description = "Write the observed delegation as a baseline JSON file." };
        var noIpv6 = new Option<bool>("--no-ipv6") { Description = "Do not query IPv6 addresses." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait per query (default 4, RSSAC047; no retry).", DefaultValueFactory = _ => 4 };
        var parallel = new Option<int>("--parallel") { Description = "Zones checked at the same time when several are given (default 8).", DefaultValueFactory = _ => 8 };
        var check = new Command("check", "One-shot full health check of a zone from the root down (checks catalogue in docs/monitoring.md).") { zone };
        foreach (var option in new Option[] { json, hints, anchor, lab, baseline, saveBaseline, noIpv6, timeout, parallel })
        {
            check.Options.Add(option);
        }

        check.SetAction(async (p, ct) =>
        {
            var labDir = p.GetResult(lab) is null ? null : p.GetValue(lab) is { Length: > 0 } d ? d : LabCommands.DefaultDir();
            return await RunAsync(new CheckArguments(p.GetValue(zone)!, p.GetValue(json), p.GetValue(hints), p.GetValue(anchor), labDir,
                p.GetValue(baseline), p.GetValue(saveBaseline), !p.GetValue(noIpv6), p.GetValue(timeout), p.GetValue(parallel)), Console.Out, Console.Error, ct);
        });

        var before = new Argument<string>("baseline") { Description = "Zone file of the baseline (.gz is decompressed), e.g. a root zone." };
        var after = new Argument<string>("observation") { Description = "Zone file observed later." };
        var origin = new Option<string>("--origin") { Description = "Origin of both files (default: the root).", DefaultValueFactory = _ => "." };
        var changes = new Command("changes", "NS, glue and DS changes of every delegation between two zone files (CHG-01…03).") { before, after };
        changes.Options.Add(origin);
        changes.Options.Add(json);
        changes.SetAction(p => Changes(p.GetValue(before)!, p.GetValue(after)!, p.GetValue(origin)!, p.GetValue(json), Console.Out, Console.Error));
        check.Subcommands.Add(changes);
        return check;
    }

    internal sealed record CheckArguments(IReadOnlyList<string> Zones, bool Json, string? Hints, string? Anchor, string? LabDir, string? Baseline, string? SaveBaseline,
        bool UseIPv6 = true, double TimeoutSeconds = 4, int Parallel = 8);

    public static int ExitCode(Severity? worst) => worst switch
    {
        Severity.Critical => 5,
        Severity.Error => 4,
        Severity.Warning => 3,
        _ => 0,
    };

    internal static async Task<int> RunAsync(CheckArguments a, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var zones = new List<DnsName>();
        foreach (var text in a.Zones)
        {
            if (!DnsName.TryParse(text.EndsWith('.') ? text : text + ".", DnsName.Root, out var parsed))
            {
                error.WriteLine($"zone: '{text}' is not a domain name");
                return UsageError;
            }

            zones.Add(parsed);
        }

        if (zones.Count > 1 && (a.Baseline is not null || a.SaveBaseline is not null))
        {
            error.WriteLine("--baseline and --save-baseline take one zone");
            return UsageError;
        }

        if (a.Parallel is < 1 or > 256)
        {
            error.WriteLine("--parallel: between 1 and 256");
            return UsageError;
        }

        var hintsFile = a.Hints ?? (a.LabDir is null ? RootHints.DefaultFile : Path.Combine(new LabPaths(a.LabDir).Daemon("unbound"), "root.hints"));
        var anchorFile = a.Anchor ?? (a.LabDir is null ? RootHints.DefaultAnchorFile : Path.Combine(new LabPaths(a.LabDir).Daemon("unbound"), "root.key"));
        ZoneCut hints;
        TrustAnchor anchor;
        DelegationSnapshot? baseline = null;
        try
        {
            hints = RootHints.Load(hintsFile);
            anchor = TrustAnchor.Parse(File.ReadAllText(anchorFile));
            if (a.Baseline is not null)
            {
                baseline = JsonSerializer.Deserialize<DelegationSnapshot>(File.ReadAllText(a.Baseline), Json)
                    ?? throw new JsonException("empty baseline");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ZoneFileException or JsonException)
        {
            error.WriteLine($"check: {ex.Message}" + (a.LabDir is not null ? " (is the lab up? ./dnscert lab up)" : ""));
            return UsageError;
        }

        if (a.TimeoutSeconds is <= 0 or > 60)
        {
            error.WriteLine("--timeout: between 0 and 60 seconds");
            return UsageError;
        }

        var settings = new ProbeSettings
        {
            Timeout = TimeSpan.FromSeconds(a.TimeoutSeconds),
            PrivateTree = a.Hints is not null || a.LabDir is not null,
            UseIPv6 = a.UseIPv6,
        };
        if (zones.Count == 1)
        {
            var run = await ZoneChecker.CheckAsync(zones[0], new CheckOptions(hints, anchor, settings, baseline), cancellationToken);
            if (a.SaveBaseline is not null)
            {
                await File.WriteAllTextAsync(a.SaveBaseline, JsonSerializer.Serialize(run.Snapshot, Json), cancellationToken);
            }

            if (a.Json)
            {
                output.WriteLine(JsonSerializer.Serialize(run.Report, Json));
            }
            else
            {
                PrintHuman(run.Report, output);
            }

            return ExitCode(run.Report.Worst);
        }

        // Several zones: each is one ZoneChecker run (its own probe limits), a bounded number at a time.
        var worst = (Severity?)null;
        var gate = new object();
        await Parallel.ForEachAsync(zones, new ParallelOptions { MaxDegreeOfParallelism = a.Parallel, CancellationToken = cancellationToken }, async (zone, ct) =>
        {
            var run = await ZoneChecker.CheckAsync(zone, new CheckOptions(hints, anchor, settings), ct);
            lock (gate)
            {
                worst = run.Report.Worst is { } w && (worst is null || w > worst) ? w : worst;
                if (a.Json)
                {
                    output.WriteLine(JsonSerializer.Serialize(run.Report, s_jsonLine));
                }
                else
                {
                    PrintHuman(run.Report, output);
                    output.WriteLine();
                }
            }
        });
        return ExitCode(worst);
    }

    private static readonly JsonSerializerOptions s_jsonLine = new(Json) { WriteIndented = false };

    private static void PrintHuman(CheckReport report, TextWriter output)
    {
        var servers = report.Measurements.Select(m => m.Address).Distinct().Count();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Zone} checked in {report.ElapsedMilliseconds:F0} ms: {report.QueriesSent} queries to {servers} addresses, {report.Findings.Count} findings"));
        foreach (var group in report.Findings.GroupBy(f => f.Severity).OrderByDescending(g => g.Key))
        {
            output.WriteLine();
            output.WriteLine($"{group.Key.ToString().ToUpperInvariant()} ({group.Count()})");
            foreach (var f in group)
            {
                output.WriteLine($"  {f.CheckId,-7} {f.Subject}: {f.Message}");
                output.WriteLine($"          fix: {CheckCatalogue.Get(f.CheckId).Remediation} [{f.RemediationKey}]");
            }
        }

        output.WriteLine();
        output.WriteLine("summary: " + string.Join(" ", Enum.GetValues<Severity>().Reverse()
            .Select(s => $"{s.ToString().ToLowerInvariant()}={report.Findings.Count(f => f.Severity == s)}")));
    }

    internal static int Changes(string before, string after, string origin, bool json, TextWriter output, TextWriter error)
    {
        IReadOnlyList<Finding> findings;
        try
        {
            var name = DnsName.Parse(origin.EndsWith('.') ? origin : origin + ".");
            findings = ChangeDetector.CompareAll(DelegationSnapshot.FromZoneFile(before, name), DelegationSnapshot.FromZoneFile(after, name));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ZoneFileException or FormatException)
        {
            error.WriteLine($"check changes: {ex.Message}");
            return UsageError;
        }

        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(findings, Json));
        }
        else
        {
            foreach (var f in findings)
            {
                output.WriteLine($"{f.CheckId} {f.Severity.ToString().ToUpperInvariant()} {f.Zone} {f.Subject}: {f.Message}");
            }

            output.WriteLine($"changes: {findings.Count} in {findings.Select(f => f.Zone).Distinct().Count()} zones");
        }

        return ExitCode(findings.Count == 0 ? null : findings.Max(f => f.Severity));
    }
}
