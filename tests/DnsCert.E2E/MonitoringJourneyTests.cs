using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Tests.Monitoring;
using Microsoft.Playwright;
using Npgsql;
using Xunit.Abstractions;

namespace DnsCert.E2E;

/// <summary>A registry's operator opens its watched zones (worst first), a zone page with its charts, and the evidence of a finding.</summary>
public class MonitoringJourneyTests(ConsoleServer server, ITestOutputHelper output) : IClassFixture<ConsoleServer>
{
    private async Task<double> TransferredAsync(IPage page)
    {
        var bytes = await page.EvaluateAsync<double>(
            "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)");
        output.WriteLine($"{page.Url}: {bytes:0} bytes transferred");
        return bytes;
    }

    [Fact]
    public async Task A_constituent_reads_its_zones_worst_first_opens_one_and_drills_into_the_evidence()
    {
        await using var db = NpgsqlDataSource.Create(server.Database);
        var directory = new DirectoryRepository(db, TimeProvider.System);
        var registry = await directory.CreateOrganisationAsync(new OrganisationInput("Registre du Sahel E2E", OrganisationKind.CcTldRegistry, IcannRegion.Africa,
            "ML", ["fr"], "Africa/Bamako", true), DirectoryActor.System, CancellationToken.None);
        var seed = new MonitoringSeed(db);
        // Added best first, so the page's order comes from the ranking, not from insertion.
        await seed.ZoneAsync("up.sahel.test.", ZoneState.Up);
        await seed.ProbesAsync("up.sahel.test.", 3, 35, 110);
        await seed.ZoneAsync("degraded.sahel.test.", ZoneState.Up, MonitoringSeed.Finding("DEL-04", "degraded.sahel.test.", "ns2.degraded.sahel.test."));
        await seed.ZoneAsync("down.sahel.test.", ZoneState.Down, MonitoringSeed.Finding("DEL-02", "down.sahel.test.", "down.sahel.test."));
        await seed.ZoneAsync("someone-else.test.", ZoneState.Down);
        foreach (var zone in new[] { "up.sahel.test", "degraded.sahel.test", "down.sahel.test" })
        {
            await directory.AddAssetAsync(registry, AssetKind.Zone, zone, DirectoryActor.System, CancellationToken.None);
        }

        await server.CreateUserAsync("sahel-noc", "sahel noc passphrase 2026", Roles.Constituent);
        await using (var command = db.CreateCommand("UPDATE users SET organisation_id = $1 WHERE user_name = 'sahel-noc'"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = registry });
            (await command.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var page = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(page, "sahel-noc", "sahel noc passphrase 2026");

        await page.ClickAsync("nav a[href='/monitoring']");
        await page.WaitForSelectorAsync("#zones");
        (await page.Locator("#zones tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.state)")).ShouldBe(["down", "degraded", "up"]);
        (await page.Locator("#zones tbody th").AllInnerTextsAsync()).ShouldBe(["down.sahel.test.", "degraded.sahel.test.", "up.sahel.test."]);
        (await page.InnerTextAsync("#state-counts [data-state=down]")).ShouldContain("1");
        (await TransferredAsync(page)).ShouldBeLessThan(300 * 1024);
        await ConsoleServer.ScreenshotAsync(page, "40-monitoring-zones");

        await page.ClickAsync("#zones a:text('degraded.sahel.test.')");
        await page.WaitForSelectorAsync("#findings");
        (await page.InnerTextAsync("#zone-state")).ShouldBe("Degraded");
        (await page.InnerTextAsync("#findings")).ShouldContain("DEL-04");
        (await TransferredAsync(page)).ShouldBeLessThan(300 * 1024);
        await ConsoleServer.ScreenshotAsync(page, "41-monitoring-zone");

        await page.ClickAsync("#findings .evidence-link");
        await page.WaitForSelectorAsync("#evidence");
        var dig = await page.InnerTextAsync("#evidence pre.dig");
        dig.ShouldContain("degraded.sahel.test. SOA +norec");
        dig.ShouldContain("status: REFUSED");
        await page.ClickAsync("#evidence summary");
        (await page.InnerTextAsync("#evidence pre.wire")).ShouldStartWith("0000  12 34");
        await ConsoleServer.ScreenshotAsync(page, "42-monitoring-evidence");

        await page.GotoAsync("/monitoring/zone?name=up.sahel.test.&days=1");
        await page.WaitForSelectorAsync("#rtt-chart-0");
        (await page.Locator("svg.chart").CountAsync()).ShouldBe(3);
        (await page.GetAttributeAsync("#rtt-chart-0", "role")).ShouldBe("img");
        (await page.TextContentAsync("#rtt-chart-0-t"))!.ShouldContain("ns1.up.sahel.test.");
        var weight = await TransferredAsync(page);
        weight.ShouldBeLessThan(300 * 1024);
        await ConsoleServer.ScreenshotAsync(page, "43-monitoring-charts");

        // Not this registry's zone: as if it were not watched.
        var other = await page.GotoAsync("/monitoring/zone?name=someone-else.test.");
        other!.Status.ShouldBe(404);
    }
}
