using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Constituency;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Campaigns;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Persistence;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DnsCert.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/DnsCert.Benchmarks -- campaigns [runs]</c> (issue 11): wall-clock time of
/// one upload — normalise, validate, route, group per registry, store (binary COPY), queue one request per registry —
/// on a throw-away PostgreSQL, for (a) the first 22,750 real Conficker-B names of 2020 over their 8 TLD registries and
/// (b) a SYNTHETIC Conficker.C-shaped list: 50,000 names over 110 ccTLDs (no public Conficker.C list exists), each
/// run a new campaign so nothing is found again by its content. Goal: at most 2 s for (b). Measured, not asserted.
/// </summary>
public static class CampaignThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(null, default);

        var confickerB = ReadGz(Path.Combine(RepoPaths.SharedData, "conficker", "conficker-b-2020.txt.gz")).Take(22_750).ToList();
        var ccTlds = File.ReadLines(Path.Combine(RepoPaths.SharedData, "tlds", "tlds.tsv"))
            .Select(l => l.Split('\t')).Where(f => f.Length >= 3 && f[2] == "country-code" && f[0].Length == 2 && f[0].All(char.IsAsciiLetterLower))
            .Select(f => f[0]).Take(110).ToList();
        var tlds = confickerB.Select(n => n[(n.LastIndexOf('.') + 1)..]).Concat(ccTlds).Distinct().ToList();
        await ImportRegistriesAsync(db, tlds);
        var synthetic = Synthetic(ccTlds, 50_000, seed: 2009);

        var staff = Viewer.Person(Guid.NewGuid(), null, DnsCert.Core.Accounts.Roles.IncidentHandler);
        var psl = PublicSuffixList.Load();
        var store = new CampaignStore(db, new NotificationRules(new NotificationRulesOptions()), TimeProvider.System, new CampaignOptions());
        var uploads = new CampaignUploads(store,
            CampaignUploads.RoutingFrom(psl, ct => new DirectoryRepository(db, TimeProvider.System).LoadRoutingSnapshotAsync(staff, ct)), TimeProvider.System);

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeVersion()}, load {LoadAverage()}");
        await MeasureAsync("a. Conficker-B 2020, first 22,750 names, 8 TLDs", confickerB, uploads, staff, runs);
        await MeasureAsync($"b. SYNTHETIC Conficker.C-shaped, 50,000 names, {ccTlds.Count} TLDs", synthetic, uploads, staff, runs);
        return 0;
    }

    private static async Task MeasureAsync(string label, List<string> names, CampaignUploads uploads, Viewer staff, int runs)
    {
        var text = string.Join('\n', names);
        var times = new List<double>();
        var cpu = new List<double>();
        CampaignUploadResult? last = null;
        for (var run = 0; run < runs; run++)
        {
            var target = CampaignUploadTarget.Create(staff, "bench",
                new CampaignDraft($"{label} run {run} {Guid.NewGuid():N}", Tlp.Amber, DateTimeOffset.UtcNow.AddDays(1), CampaignAction.Block, names.Count),
                DateOnly.FromDateTime(DateTime.UtcNow));
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            last = await uploads.HandleAsync(target, new StringReader(text), null, default);
            times.Add(clock.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
        }

        var sorted = times.Order().ToList();
        Console.WriteLine($"{label}: {last!.NewNames} names stored, {last.Slices.Count} registries, {last.Unroutable} unroutable");
        Console.WriteLine($"  runs (ms): {string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}; median {sorted[sorted.Count / 2]:F0} ms, best {sorted[0]:F0} ms; load {LoadAverage()}");
        Console.WriteLine($"  this process's CPU time per run (ms, PostgreSQL not included): {string.Join(", ", cpu.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}");
        foreach (var slice in last.Slices.Take(8))
        {
            Console.WriteLine($"    {slice.Names,7}  {slice.OrganisationName}");
        }
    }

    /// <summary>Conficker.C-like: 4 to 9 random lower-case letters under a TLD drawn uniformly (seeded, repeatable).</summary>
    internal static List<string> Synthetic(List<string> tlds, int count, int seed)
    {
        var random = new Random(seed);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var label = new StringBuilder();
        while (names.Count < count)
        {
            label.Clear();
            var length = random.Next(4, 10);
            for (var i = 0; i < length; i++)
            {
                label.Append((char)('a' + random.Next(26)));
            }

            names.Add(label + "." + tlds[random.Next(tlds.Count)]);
        }

        return [.. names];
    }

    private static async Task ImportRegistriesAsync(NpgsqlDataSource db, List<string> tlds)
    {
        var csv = new StringBuilder("organisation,kind,region,country,languages,time_zone,item,item_kind,value,email,phone,language\n");
        string[] languages = ["en", "fr", "es", "pt", "ar"];
        for (var i = 0; i < tlds.Count; i++)
        {
            var tld = tlds[i];
            var language = languages[i % languages.Length];
            csv.Append(CultureInfo.InvariantCulture, $"Registry {tld},cctld-registry,north-america,US,{language},UTC,organisation,,,,,\n");
            csv.Append(CultureInfo.InvariantCulture, $"Registry {tld},,,,,,contact,security-abuse,Abuse,abuse@nic.{tld}.example,,{language}\n");
            csv.Append(CultureInfo.InvariantCulture, $"Registry {tld},,,,,,asset,zone,{tld},,,\n");
        }

        await new DirectoryImporter(db, TimeProvider.System).ImportAsync(
            RecordSources.Csv, DirectoryCsv.Read(new StringReader(csv.ToString())), complete: false, new DirectoryActor(null, "bench", null), null, default);
    }

    private static IEnumerable<string> ReadGz(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }

    private static string RuntimeVersion() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
