using DnsCert.Core.Accounts;
using DnsCert.TestSupport;
using Microsoft.Playwright;
using Npgsql;

namespace DnsCert.E2E;

/// <summary>A constituent finds its organisation in the directory and edits its contacts, in a real browser.</summary>
public class DirectoryJourneyTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    /// <summary>Clicks and waits for the element the next page must show (robust against redirects and 400 answers).</summary>
    private static async Task ClickAndWaitAsync(IPage page, string button, string expected)
    {
        await page.ClickAsync(button);
        await page.WaitForSelectorAsync(expected);
    }

    [Fact]
    public async Task A_constituent_searches_opens_its_organisation_and_a_bad_phone_is_shown_beside_the_field()
    {
        var import = await ProcessRunner.RunAsync("dotnet", [RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll"), "directory", "import", "lab"],
            new Dictionary<string, string?> { ["DNSCERT_DATABASE"] = server.Database, ["NO_COLOR"] = "1" });
        import.ExitCode.ShouldBe(0, import.StandardError);
        await server.CreateUserAsync("registry-sahel", "sahel registry passphrase", Roles.Constituent);
        await using (var db = NpgsqlDataSource.Create(server.Database))
        await using (var command = db.CreateCommand(
            "UPDATE users SET organisation_id = (SELECT id FROM organisations WHERE name = 'Agence des Noms du Sahel (fictional)') WHERE user_name = 'registry-sahel'"))
        {
            (await command.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var page = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(page, "registry-sahel", "sahel registry passphrase");

        await page.GotoAsync("/directory");
        await page.FillAsync("#q", "Sahel");
        await page.SelectOptionAsync("#region", "");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForURLAsync("**/directory?q=Sahel*");
        await page.WaitForSelectorAsync("#directory-results");
        (await page.Locator("#directory-results tbody tr").CountAsync()).ShouldBe(1);
        await ConsoleServer.ScreenshotAsync(page, "20-directory-search");

        await ClickAndWaitAsync(page, "#directory-results a", "#organisation-name");
        (await page.InnerTextAsync("#organisation-name")).ShouldBe("Agence des Noms du Sahel (fictional)");
        (await page.InnerTextAsync("#contacts")).ShouldContain("awa.traore@example.org");
        (await page.InnerTextAsync("#assets")).ShouldContain("ml");
        await ConsoleServer.ScreenshotAsync(page, "21-organisation");

        await ClickAndWaitAsync(page, "#add-contact", "#save");
        await page.FillAsync("#name", "Fatoumata Diarra");
        await page.CheckAsync("input[name=Roles][value=technical]");
        await page.FillAsync("#email", "fatoumata@example.org");
        await page.FillAsync("#phone", "+000 555 12");
        await ClickAndWaitAsync(page, "#save", "#error-phone");
        (await page.InnerTextAsync("#error-phone")).ShouldContain("E.164");
        (await page.GetAttributeAsync("#phone", "aria-invalid")).ShouldBe("true");
        (await page.InputValueAsync("#email")).ShouldBe("fatoumata@example.org");
        await ConsoleServer.ScreenshotAsync(page, "22-contact-field-error");

        await page.FillAsync("#phone", "+223 20 22 33 44");
        await ClickAndWaitAsync(page, "#save", "#organisation-name");
        (await page.InnerTextAsync("#contacts")).ShouldContain("fatoumata@example.org");
        (await page.InnerTextAsync("#contacts")).ShouldContain("+22320223344");
    }
}
