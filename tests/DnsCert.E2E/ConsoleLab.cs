using System.Globalization;
using DnsCert.Lab;
using DnsCert.Lab.Faults;
using DnsCert.Lab.Tests;
using DnsCert.TestSupport;

namespace DnsCert.E2E;

/// <summary>
/// A real lab of a console server's own (a free loopback /16, DNS servers with fault injection) and the settings that
/// point the server's monitoring runtime at it: a short cycle, one vantage point (the server's local agent), the lab's
/// root hints and trust anchor. Shared by the fixtures of the journeys that break real zones.
/// </summary>
public sealed class ConsoleLab : IAsyncDisposable
{
    private readonly IDisposable _lease;

    private ConsoleLab(LabUniverse universe, string directory, IDisposable lease)
    {
        Universe = universe;
        Directory = directory;
        _lease = lease;
    }

    public LabUniverse Universe { get; }

    public string Directory { get; }

    public static string CliDll => RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll");

    public static async Task<ConsoleLab> UpAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "dnscert-e2e-lab-" + Guid.NewGuid().ToString("N")[..8]);
        var (basePrefix, lease) = LabBases.Acquire();
        try
        {
            var universe = await LabUniverse.UpAsync(new LabUpOptions(directory, basePrefix), new ResponderCommand("dotnet", [CliDll]));
            return new ConsoleLab(universe, directory, lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>The monitoring runtime's settings for this lab, checking every <paramref name="cycleSeconds"/>.</summary>
    public void Configure(Dictionary<string, string?> environment, int cycleSeconds)
    {
        ArgumentNullException.ThrowIfNull(environment);
        environment["DNSCERT_Monitoring__Runtime__CycleSeconds"] = cycleSeconds.ToString(CultureInfo.InvariantCulture);
        environment["DNSCERT_Monitoring__Runtime__EvaluationDelaySeconds"] = "3";
        environment["DNSCERT_Monitoring__Runtime__HintsFile"] = Universe.RootHintsFile;
        environment["DNSCERT_Monitoring__Runtime__AnchorFile"] = Universe.TrustAnchorFile;
        environment["DNSCERT_Monitoring__Runtime__PrivateTree"] = "true";
        environment["DNSCERT_Monitoring__Runtime__MinimumVantagePoints"] = "1";
        environment["DNSCERT_Monitoring__Runtime__SpoolDirectory"] = Path.Combine(Directory, "server-spool");
    }

    public async ValueTask DisposeAsync()
    {
        await Universe.DownAsync();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        _lease.Dispose();
    }
}
