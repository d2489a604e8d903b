using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Lab;
using DnsCert.Lab.Faults;
using DnsCert.Lab.Tests;
using DnsCert.Monitoring.Changes;
using DnsCert.Monitoring.Checks;
using DnsCert.Monitoring.Resolution;
using DnsCert.TestSupport;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DnsCert.Monitoring.Tests;

/// <summary>
/// One small lab on a leased /16 (the lab tests' <see cref="LabBases"/>), shared by the monitoring tests; each test
/// takes zones no other test uses. Checks start from the lab's root hints and trust anchor, as <c>check --lab</c> does.
/// </summary>
public sealed class MonitoringLabFixture : IAsyncLifetime
{
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private IDisposable? _lease;

    public LabUniverse Lab { get; private set; } = null!;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "dnscert-monitoring-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public static string CliDll => RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll");

    public async Task InitializeAsync()
    {
        (var basePrefix, _lease) = LabBases.Acquire();
        Lab = await LabUniverse.UpAsync(new LabUpOptions(Directory, basePrefix), new ResponderCommand("dotnet", [CliDll]));
    }

    public async Task DisposeAsync()
    {
        if (Lab is not null)
        {
            await Lab.DownAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
        _lease?.Dispose();
    }

    /// <summary>A second-level zone the fault fits that no other test has taken.</summary>
    public LabZone Take(string fault)
    {
        var definition = FaultCatalogue.Get(fault);
        lock (_taken)
        {
            var zone = Lab.Plan.Zones.First(z => z.Level == ZoneLevel.SecondLevel && !_taken.Contains(z.Name) && FaultCatalogue.Unfit(definition, z) is null);
            _taken.Add(zone.Name);
            return zone;
        }
    }

    public Task<CheckRun> CheckAsync(LabZone zone, DelegationSnapshot? baseline = null) =>
        ZoneChecker.CheckAsync(DnsName.Parse(zone.Fqdn), new CheckOptions(RootHints.Load(Lab.RootHintsFile),
            TrustAnchor.Parse(File.ReadAllText(Lab.TrustAnchorFile)), new ProbeSettings { PrivateTree = true, VantagePoint = "test" }, baseline));
}

[CollectionDefinition("monitoring-lab")]
public sealed class MonitoringLabDefinition : ICollectionFixture<MonitoringLabFixture>;
