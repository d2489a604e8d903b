using System.Text.RegularExpressions;
using DnsCert.Lab.Definition;
using DnsCert.Lab.Faults;
using DnsCert.TestSupport;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DnsCert.Lab.Tests;

/// <summary>One small lab on a leased /16 (see <see cref="LabBases"/>) shared by the fault tests; each test takes zones nobody else uses.</summary>
public sealed class LabFixture : IAsyncLifetime
{
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private IDisposable? _lease;

    public LabUniverse Lab { get; private set; } = null!;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "dnscert-lab-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public static ResponderCommand Responder => new("dotnet", [RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll")]);

    public async Task InitializeAsync()
    {
        (var basePrefix, _lease) = LabBases.Acquire();
        Lab = await LabUniverse.UpAsync(new LabUpOptions(Directory, basePrefix), Responder);
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

    /// <summary>A second-level zone that fits and that no other test has taken.</summary>
    public LabZone Take(Func<LabZone, bool> fits)
    {
        lock (_taken)
        {
            var zone = Lab.Plan.Zones.First(z => z.Level == ZoneLevel.SecondLevel && !_taken.Contains(z.Name) && fits(z));
            _taken.Add(zone.Name);
            return zone;
        }
    }

    /// <summary>Keeps a zone a scenario uses away from <see cref="Take"/>.</summary>
    public void Reserve(string zone)
    {
        lock (_taken)
        {
            _taken.Add(zone);
        }
    }

    public static bool OfflineSigned(LabZone z) => z.Dnssec is { Signer: not Signer.Knot };

    /// <summary>A validator can only set AD when the zone and every ancestor up to the root are signed.</summary>
    public static bool Secure(LabZone? z) => z is null || (z.IsSigned && Secure(z.Parent));
}

[CollectionDefinition("lab")]
public sealed class LabFixtureDefinition : ICollectionFixture<LabFixture>;

/// <summary>kdig and friends, the independent witnesses.</summary>
public static partial class Dig
{
    public static async Task<string> KdigAsync(params string[] args)
    {
        var result = await ProcessRunner.RunAsync("kdig", ["+retry=0", "+time=2", .. args], timeout: TimeSpan.FromSeconds(30));
        return result.StandardOutput + result.StandardError;
    }

    public static string Status(string output) => StatusRegex().Match(output) is { Success: true } m ? m.Groups[1].Value : "NO-ANSWER";

    public static string[] Flags(string output) =>
        FlagsRegex().Match(output) is { Success: true } m ? m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>Resource records of a section (kdig prints them with tabs).</summary>
    public static List<string[]> Records(string output, string type) =>
        output.Split('\n').Where(l => !l.StartsWith(';')).Select(l => l.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries))
            .Where(t => t.Length > 4 && t[3] == type).ToList();

    public static async Task<string> SerialAsync(string address, string zone, bool tcp = false)
    {
        var output = await KdigAsync("@" + address, "+norec", tcp ? "+tcp" : "+notcp", zone, "SOA");
        var soa = Records(output, "SOA");
        return Flags(output).Contains("aa") && soa.Count > 0 ? soa[0][6] : "none:" + Status(output);
    }

    /// <summary>The round trip kdig reports (";; From 127.54.10.1@53(UDP) in 1501.3 ms").</summary>
    public static double ReplyMilliseconds(string output) =>
        ReplyTimeRegex().Match(output) is { Success: true } m
            ? double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("kdig reported no reply time:\n" + output);

    [GeneratedRegex(@";; From \S+ in ([0-9.]+) ms")]
    private static partial Regex ReplyTimeRegex();

    [GeneratedRegex(@"status: ([A-Z]+)")]
    private static partial Regex StatusRegex();

    [GeneratedRegex(@"Flags: ([a-z ]*);")]
    private static partial Regex FlagsRegex();
}
