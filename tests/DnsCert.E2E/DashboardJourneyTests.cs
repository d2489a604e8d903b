using System.Diagnostics;
using System.Globalization;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Lab;
using DnsCert.Lab.Faults;
using Microsoft.Playwright;
using Npgsql;
using Xunit.Abstractions;

namespace DnsCert.E2E;

/// <summary>
/// The console server with its monitoring runtime on a 3-second cycle (one vantage point: the server's local agent)
/// watching a real lab of its own (a free loopback /16, DNS servers with fault injection).
/// </summary>
public sealed class LabConsoleServer : ConsoleServer
{
    private ConsoleLab? _lab;

    public LabUniverse Lab => _lab!.Universe;

    public override async Task InitializeAsync()
    {
        _lab = await ConsoleLab.UpAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }

    protected override void Configure(Dictionary<string, string?> environment) => _lab!.Configure(environment, cycleSeconds: 3);
}

/// <summary>
/// Issue 10's acceptance: a duty officer has the dashboard open; a lab fault (a lame server) makes the monitoring
/// runtime open a DEL-04 finding (ERROR: the zone turns degraded), and the open dashboard shows it within 5 s of the
/// change landing in the database, without a reload. Also the public status page's weight with a published zone.
/// </summary>
[Collection(RealLabJourneys.Name)]
public class DashboardJourneyTests(LabConsoleServer server, ITestOutputHelper output) : IClassFixture<LabConsoleServer>
{
    private async Task<double> TransferredAsync(IPage page)
    {
        var bytes = await page.EvaluateAsync<double>(
            "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)");
        output.WriteLine($"{page.Url}: {bytes:0} bytes transferred");
        return bytes;
    }

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, int pollMilliseconds = 100)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(pollMilliseconds);
        }

        return false;
    }

    [Fact]
    public async Task The_open_dashboard_shows_a_lab_fault_within_5_seconds_of_the_database_change_without_reloading()
    {
        await using var db = NpgsqlDataSource.Create(server.Database);
        var zone = server.Lab.Plan.Zones.First(z => z.Level == ZoneLevel.SecondLevel && FaultCatalogue.Unfit(FaultCatalogue.Get(FaultCatalogue.Lame), z) is null);
        var fqdn = zone.Fqdn.ToLowerInvariant();
        var tld = fqdn.TrimEnd('.').Split('.')[^1];
        var store = new WatchedZoneStore(db, TimeProvider.System);
        await store.AddAsync(fqdn, 60, CancellationToken.None);
        await store.SetPublicStatusAsync(fqdn, true, CancellationToken.None);

        async Task<long> CountAsync(string sql)
        {
            await using var command = db.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = fqdn });
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        (await WaitUntilAsync(async () => await CountAsync("SELECT count(*) FROM zone_states WHERE zone = $1 AND state = 'up'") == 1, TimeSpan.FromSeconds(120), 500))
            .ShouldBeTrue("the healthy lab zone never turned up");

        await server.CreateUserAsync("dora", "dora duty passphrase", Roles.DutyOfficer);
        var page = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(page, "dora", "dora duty passphrase");
        await page.WaitForSelectorAsync("#dashboard");
        var cell = $"#tld-grid [data-tld='{tld}']";
        (await page.GetAttributeAsync(cell, "data-state")).ShouldBe("up");
        (await TransferredAsync(page)).ShouldBeLessThan(300 * 1024);
        await page.WaitForFunctionAsync("document.getElementById('live-status').textContent.startsWith('Live')");

        // Marks that survive only if the page is never reloaded; the observer notes when the cell turns degraded.
        var navigations = 0;
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame)
            {
                Interlocked.Increment(ref navigations);
            }
        };
        await page.EvaluateAsync($$"""
            () => {
              window.dashboardMarker = 'still here';
              new MutationObserver(() => {
                const c = document.querySelector("{{cell}}");
                if (c && c.dataset.state === 'degraded' && !window.degradedAt) { window.degradedAt = performance.timeOrigin + performance.now(); }
              }).observe(document.body, { childList: true, subtree: true });
            }
            """);

        await server.Lab.BreakAsync(zone.Name, FaultCatalogue.Lame);
        try
        {
            // The change lands when the finding is committed: poll for it every 50 ms (the upper bound of when it landed).
            DateTimeOffset? landed = null;
            (await WaitUntilAsync(async () =>
            {
                if (await CountAsync("SELECT count(*) FROM zone_findings WHERE zone = $1 AND check_id = 'DEL-04' AND cleared_at IS NULL") > 0)
                {
                    landed = DateTimeOffset.UtcNow;
                    return true;
                }

                return false;
            }, TimeSpan.FromSeconds(90), 50)).ShouldBeTrue("DEL-04 never opened");
            await page.WaitForFunctionAsync("window.degradedAt !== undefined", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
            var shown = DateTimeOffset.FromUnixTimeMilliseconds((long)await page.EvaluateAsync<double>("window.degradedAt"));
            var latency = shown - landed!.Value;
            await using (var first = db.CreateCommand("SELECT max(first_seen) FROM zone_findings WHERE zone = $1 AND check_id = 'DEL-04'"))
            {
                first.Parameters.Add(new NpgsqlParameter { Value = fqdn });
                var firstSeen = new DateTimeOffset((DateTime)(await first.ExecuteScalarAsync())!, TimeSpan.Zero);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{DateTimeOffset.UtcNow:O} dashboard latency: {latency.TotalMilliseconds:0} ms after the finding was seen committed ({(shown - firstSeen).TotalMilliseconds:0} ms after its check run's first_seen); load: {File.ReadAllText("/proc/loadavg").Trim()}");
                output.WriteLine(line);
                await File.AppendAllTextAsync(Path.Combine(ConsoleServer.Screenshots, "dashboard-latency.txt"), line + "\n");
            }

            latency.ShouldBeLessThan(TimeSpan.FromSeconds(5));
            (await page.EvaluateAsync<string>("window.dashboardMarker")).ShouldBe("still here", "the page was not reloaded");
            navigations.ShouldBe(0);
            (await page.GetAttributeAsync(cell, "data-state")).ShouldBe("degraded");
            (await page.InnerTextAsync("#dashboard-counts [data-state=degraded] .count")).ShouldBe("1");
            await ConsoleServer.ScreenshotAsync(page, "50-dashboard-live");

            // The public status page: the published zone's TLD, degraded, light enough for a slow link.
            var visitor = await server.NewPageAsync();
            await visitor.GotoAsync("/status");
            (await visitor.GetAttributeAsync($"#status-tlds tr[data-tld='{tld}']", "data-state")).ShouldBe("degraded");
            (await visitor.InnerTextAsync("#status-tlds")).ShouldNotContain(fqdn.TrimEnd('.'));
            (await TransferredAsync(visitor)).ShouldBeLessThan(300 * 1024);
            await ConsoleServer.ScreenshotAsync(visitor, "51-status-page");
            await visitor.GotoAsync("/rfc2350");
            (await TransferredAsync(visitor)).ShouldBeLessThan(300 * 1024);
            await ConsoleServer.ScreenshotAsync(visitor, "52-rfc2350");
        }
        finally
        {
            await server.Lab.FixAsync(zone.Name);
        }
    }
}
