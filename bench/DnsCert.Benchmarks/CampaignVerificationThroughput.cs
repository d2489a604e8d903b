using System.Diagnostics;
using System.Globalization;
using DnsCert.Core.Campaigns;
using DnsCert.Lab;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/DnsCert.Benchmarks -- campaigns-verify &lt;lab folder&gt; [queries/s per server] [burst]</c>
/// (issue 11): DNS verification of a SYNTHETIC Conficker.C-shaped list — 50,000 names of 4 to 9 random letters
/// (seed 2009) — against a running lab: the TLD servers found by walking from the lab's root hints, one non-recursive
/// NS query per name through <see cref="CampaignVerifier"/> within its per-server politeness limit (token bucket per
/// address, the prober's per-server concurrency). The lab has 24 TLDs, not Conficker.C's 110: the names are spread
/// over the lab's TLDs. Measured, not asserted.
/// </summary>
public static class CampaignVerificationThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            await Console.Error.WriteLineAsync("usage: campaigns-verify <lab folder> [queries/s per server, default 50] [burst, default 10]");
            return 2;
        }

        var lab = LabUniverse.Open(args[1]);
        var rate = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 50;
        var burst = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;
        var tlds = lab.Plan.Zones.Where(z => z.Level == ZoneLevel.Tld && !z.Pooled).Select(z => z.Name).Order(StringComparer.Ordinal).ToList();
        var names = CampaignThroughput.Synthetic(tlds, 50_000, seed: 2009);

        var settings = new ProbeSettings { PrivateTree = true, KeepResults = false };
        using var prober = new Prober(settings);
        var resolver = new IterativeResolver(prober, RootHints.Load(lab.RootHintsFile));
        var servers = new Dictionary<string, IReadOnlyList<TldServer>>(StringComparer.Ordinal);
        foreach (var tld in tlds)
        {
            servers[tld] = await CampaignVerifier.FindTldServersAsync(resolver, tld, default);
        }

        var addresses = servers.Values.SelectMany(s => s).Select(s => s.Address).Distinct().Count();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, load {CampaignThroughput.LoadAverage()}");
        Console.WriteLine($"SYNTHETIC Conficker.C-shaped list: {names.Count} names over {tlds.Count} lab TLDs, {addresses} TLD server addresses; "
            + $"limit {rate} queries/s per address (burst {burst}), {settings.PerServerConcurrency} in flight per address, {settings.MaxConcurrency} in all");
        var verifier = new CampaignVerifier(prober, TimeProvider.System, rate, burst);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var checks = await verifier.CheckAsync([.. names.Select(n => (n, n[(n.LastIndexOf('.') + 1)..]))], servers, [], default);
        var elapsed = clock.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"checked {checks.Count} names in {elapsed.TotalSeconds:F1} s: {checks.Count / elapsed.TotalSeconds:F0} names/s "
            + $"(ceiling of the limit: {addresses * rate:F0}/s); this process's CPU {cpu.TotalSeconds:F1} s; load {CampaignThroughput.LoadAverage()}"));
        Console.WriteLine("states: " + string.Join(", ", checks.GroupBy(c => c.State).OrderBy(g => g.Key).Select(g => $"{g.Key.Code()} {g.Count()}")));
        return 0;
    }
}
