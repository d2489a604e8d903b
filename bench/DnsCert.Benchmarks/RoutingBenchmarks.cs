using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using DnsCert.Core.Constituency;

namespace DnsCert.Benchmarks;

/// <summary>
/// Responsible-party routing of the 91,500 real Conficker-B names of 2020 (issue 7 goal: under 1 s), over a snapshot
/// with one registry organisation per TLD of the real 2017 root zone (1,500+ zones, their name servers) and the
/// Debian public suffix list. Loading the snapshot from PostgreSQL is not included (one query per table, once).
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class RoutingBenchmarks
{
    private ResponsiblePartyRouter _router = null!;
    private string[] _names = [];

    [GlobalSetup]
    public void Setup()
    {
        var data = SharedData();
        var delegations = RootZoneDelegations.ReadFile(Path.Combine(data, "root-zone", "root-2017-08-21-signed.zone.gz"));
        var zones = delegations.ToDictionary(d => d.Tld, _ => Guid.NewGuid(), StringComparer.Ordinal);
        var nameServers = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var d in delegations)
        {
            foreach (var ns in d.NameServers)
            {
                nameServers.TryAdd(ns, zones[d.Tld]);
            }
        }

        var organisations = zones.ToDictionary(z => z.Value, z => new RoutingOrganisation(z.Value, "." + z.Key, OrganisationKind.GTldRegistry, "en",
            [new RoutingContact("NOC", "noc@nic." + z.Key, "en", [ContactRole.Emergency]), new RoutingContact("Abuse", "abuse@nic." + z.Key, null, [ContactRole.SecurityAbuse])]));
        _router = new ResponsiblePartyRouter(PublicSuffixList.Load(), new RoutingSnapshot(zones, nameServers, [], organisations));
        using var stream = new GZipStream(File.OpenRead(Path.Combine(data, "conficker", "conficker-b-2020.txt.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        _names = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Benchmark(Description = "route 91,500 Conficker-B names + summary")]
    public int RouteAndSummarise()
    {
        var results = new RouteResult[_names.Length];
        for (var i = 0; i < _names.Length; i++)
        {
            results[i] = _router.Route(_names[i], RoutingPurpose.Abuse);
        }

        return RoutingSummary.Of(results).Lines.Count;
    }

    [Benchmark(Description = "load the public suffix list")]
    public int LoadPsl() => PublicSuffixList.Load().RuleCount;

    private static string SharedData()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DnsCert.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.GetFullPath(Path.Combine(dir?.FullName ?? throw new InvalidOperationException("DnsCert.slnx not found"), "..", "shared", "data"));
    }
}
