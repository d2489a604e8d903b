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

        // The scenarios pick their zones by rule (first zones under .pr, .ma, .mw, .ug, .com, ...): keep them away from
        // Take whatever order the tests run in, so no test ever breaks a zone a scenario will break too.
        foreach (var (zone, _) in Scenarios.For(Lab.Plan).SelectMany(s => s.Faults))
        {
            _taken.Add(zone);
        }
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

    /// <summary>
    /// Repairs the zones, when disposed, of any fault still in force on them: a test that fails between its break and
    /// its fix (or inside either) must not leave its fault to the tests that follow. Use before the break.
    /// </summary>
    public IAsyncDisposable RepairOnExit(params string[] zones) => new Repair(Lab, zones);

    private sealed class Repair(LabUniverse lab, string[] zones) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var zone in zones.Where(z => lab.State.Faults.Any(f => string.Equals(f.Zone, z, StringComparison.OrdinalIgnoreCase))))
            {
                try
                {
                    await lab.FixAsync(zone);
                }
                catch (LabException e)
                {
                    // Thrown from a finally it would hide the test's own failure; the fault stays listed in the state.
                    await Console.Error.WriteLineAsync($"repairing {zone} after the test failed: {e.Message}");
                }
            }
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
    /// <summary>kdig with one try of 2 s: for authoritative servers, where no answer is itself a finding.</summary>
    public static async Task<string> KdigAsync(params string[] args)
    {
        var result = await ProcessRunner.RunAsync("kdig", ["+retry=0", "+time=2", .. args], timeout: TimeSpan.FromSeconds(60));
        return result.StandardOutput + result.StandardError;
    }

    /// <summary>
    /// A question to the lab's Unbound asked the way a stub resolver asks: 3 s per try, 3 retries. Unbound drops its
    /// reply to a client whose question took longer than discard-timeout (1900 ms; CVE-2024-33655 DNSBomb mitigation,
    /// in Debian 12's 1.17.1) and finishes the resolution into its cache for the client's retry. A resolution slower than
    /// that (a first try on a silent server costs 376 + 376 + 752 + 752 ms) gets no answer at all without a retry.
    /// </summary>
    public static Task<string> ResolveAsync(string resolver, params string[] args) =>
        KdigAsync(["@" + resolver, "+retry=3", "+time=3", .. args]);

    /// <summary>
    /// Asks the lab's Unbound (as <see cref="ResolveAsync"/>) until <paramref name="done"/> holds for the answer or the
    /// deadline passes; the last answer, for the assertion and its message.
    /// </summary>
    public static async Task<string> ResolveUntilAsync(string resolver, Func<string, bool> done, TimeSpan deadline, params string[] args)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var output = await ResolveAsync(resolver, args);
            if (done(output) || DateTime.UtcNow > until)
            {
                return output;
            }

            await Task.Delay(250);
        }
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
