using System.Globalization;
using System.IO.Compression;
using System.Text;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Infrastructure.Constituency;
using DnsCert.TestSupport;
using Microsoft.Playwright;
using Npgsql;
using Xunit.Abstractions;

namespace DnsCert.E2E;

/// <summary>
/// A Conficker-style campaign in a real browser: the core team uploads the first 500 names of the real Conficker.B list
/// of 2020 and sees the split over its 8 TLD registries; the .com registry's user acknowledges and reports outcomes in
/// the portal; the coverage view counts them. The campaign page's weight is measured (DESIGN §4: under 300 KB).
/// </summary>
public class CampaignJourneyTests(ConsoleServer server, ITestOutputHelper output) : IClassFixture<ConsoleServer>
{
    private const int Names = 500;
    private static readonly string[] s_tlds = ["biz", "cc", "cn", "com", "info", "net", "org", "ws"];

    /// <summary>The first names of the list, read in place from the shared data (decompressed in memory).</summary>
    private static async Task<List<string>> ConfickerAsync(int count)
    {
        var path = Path.Combine(RepoPaths.SharedData, "conficker", "conficker-b-2020.txt.gz");
        await using var file = File.OpenRead(path);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var names = new List<string>();
        while (names.Count < count && await reader.ReadLineAsync() is { } line)
        {
            names.Add(line.Trim());
        }

        return names;
    }

    private async Task ImportRegistriesAsync(NpgsqlDataSource db)
    {
        var csv = new StringBuilder("organisation,kind,region,country,languages,time_zone,item,item_kind,value,email,phone,language\n");
        foreach (var tld in s_tlds)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Registry {tld} (e2e),gtld-registry,north-america,US,en,UTC,organisation,,,,,\n");
            csv.Append(CultureInfo.InvariantCulture, $"Registry {tld} (e2e),,,,,,contact,security-abuse,Abuse desk,abuse@nic.{tld}.example,,en\n");
            csv.Append(CultureInfo.InvariantCulture, $"Registry {tld} (e2e),,,,,,asset,zone,{tld},,,\n");
        }

        await new DirectoryImporter(db, TimeProvider.System).ImportAsync(RecordSources.Csv, DirectoryCsv.Read(new StringReader(csv.ToString())), complete: false,
            new DirectoryActor(null, "e2e", null), null, default);
    }

    /// <summary>Bytes the browser fetched for the page it shows (document and every resource), from Resource Timing.</summary>
    private static async Task<long> PageWeightAsync(IPage page) => await page.EvaluateAsync<long>("""
        () => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
            .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)
        """);

    [Fact]
    public async Task The_core_team_uploads_500_conficker_names_a_registry_reports_in_its_portal_and_coverage_follows()
    {
        var names = (await ConfickerAsync(Names)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var expected = names.GroupBy(n => n[(n.LastIndexOf('.') + 1)..]).ToDictionary(g => g.Key, g => g.Count());
        await using (var db = NpgsqlDataSource.Create(server.Database))
        {
            await ImportRegistriesAsync(db);
        }

        await server.CreateUserAsync("campaign-lead", "campaign lead passphrase", Roles.IncidentHandler);
        var page = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(page, "campaign-lead", "campaign lead passphrase");

        // New campaign: the list as a file (the browser holds it; nothing is copied to disk).
        await page.GotoAsync("/campaigns/new");
        await page.FillAsync("#Name", "Conficker B 2020 (first 500)");
        await page.SelectOptionAsync("#Action", "suspend");
        await page.SelectOptionAsync("#Tlp", "TLP:AMBER");
        await page.FillAsync("#NamesPerDay", "250");
        await page.SetInputFilesAsync("#Upload", new FilePayload
        {
            Name = "conficker-b-2020-first-500.txt",
            MimeType = "text/plain",
            Buffer = Encoding.UTF8.GetBytes(string.Join('\n', names) + "\n"),
        });
        await page.ClickAsync("#create");
        await page.WaitForSelectorAsync("#result");
        (await page.InnerTextAsync("#created")).ShouldContain($"{names.Count} names stored, split over 8 registries");
        var slices = page.Locator("#slices tbody tr");
        (await slices.CountAsync()).ShouldBe(8);
        foreach (var tld in s_tlds)
        {
            var row = await page.InnerTextAsync($"#slices tbody tr:has-text('Registry {tld} (e2e)')");
            row.ShouldContain(expected[tld].ToString("N0", CultureInfo.GetCultureInfo("en-GB")));
        }

        await ConsoleServer.ScreenshotAsync(page, "60-campaign-split");

        await page.ClickAsync("#open-campaign");
        await page.WaitForSelectorAsync("#coverage");
        (await page.Locator("#coverage tbody tr").CountAsync()).ShouldBe(8);
        var campaignUrl = page.Url;
        await ConsoleServer.ScreenshotAsync(page, "61-campaign-coverage");

        // The .com registry's user, in the portal.
        await server.CreateUserAsync("registry-com", "com registry passphrase", Roles.Constituent);
        await using (var db = NpgsqlDataSource.Create(server.Database))
        await using (var command = db.CreateCommand(
            "UPDATE users SET organisation_id = (SELECT id FROM organisations WHERE name = 'Registry com (e2e)') WHERE user_name = 'registry-com'"))
        {
            (await command.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var registry = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(registry, "registry-com", "com registry passphrase");
        await registry.GotoAsync("/campaigns");
        await registry.WaitForSelectorAsync("#requests");
        (await registry.Locator("#requests tbody tr").CountAsync()).ShouldBe(1, "only its own registry's request");
        await registry.ClickAsync("#requests a");
        await registry.WaitForSelectorAsync("#name-list");
        (await registry.InnerTextAsync("#registry")).ShouldContain("Registry com (e2e)");
        await registry.ClickAsync("#acknowledge");
        await registry.WaitForSelectorAsync("#notice");
        (await registry.InnerTextAsync("#notice")).ShouldBe($"Acknowledged: {expected["com"]} names.");

        var checkboxes = registry.Locator("#name-list input[type=checkbox]");
        for (var i = 0; i < 3; i++)
        {
            await checkboxes.Nth(i).CheckAsync();
        }

        await registry.SelectOptionAsync("#outcome", "actioned");
        await registry.ClickAsync("#report-selected");
        await registry.WaitForSelectorAsync("#notice:has-text('Recorded: 3 names.')");
        (await registry.InnerTextAsync("#outstanding")).ShouldBe((expected["com"] - 3).ToString("N0", CultureInfo.GetCultureInfo("en-GB")));
        await ConsoleServer.ScreenshotAsync(registry, "62-registry-portal");

        // Coverage follows; the .com row has moved down, behind the registries that did nothing.
        await page.GotoAsync(campaignUrl);
        await page.WaitForSelectorAsync("#coverage");
        var com = page.Locator("#coverage tbody tr:has-text('Registry com (e2e)')");
        (await com.GetAttributeAsync("data-counts")).ShouldBe($"0/{expected["com"] - 3}/3/0/0");
        (await page.Locator("#coverage tbody tr").Last.InnerTextAsync()).ShouldContain("Registry com (e2e)");
        var weight = await PageWeightAsync(page);
        output.WriteLine($"campaign page (8 registries, 500 names): {weight:N0} bytes");
        weight.ShouldBeLessThan(300 * 1024);
        weight.ShouldBeGreaterThan(0);

        await page.ClickAsync("#coverage tbody tr:has-text('Registry com (e2e)') a");
        await page.WaitForSelectorAsync("#name-list");
        (await page.Locator("#name-list tbody tr").CountAsync()).ShouldBe(expected["com"]);
        await ConsoleServer.ScreenshotAsync(page, "63-campaign-drill-down");
    }
}
