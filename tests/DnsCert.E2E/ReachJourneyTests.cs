using System.Diagnostics;
using DnsCert.Core.Accounts;
using DnsCert.Core.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.TestSupport;
using Npgsql;

namespace DnsCert.E2E;

/// <summary>
/// Issue 7's acceptance: a reach test to the lab constituency sends real mail through a real SMTP server; answers
/// through the link, in a real browser, are recorded; the reach report is right.
/// </summary>
public class ReachJourneyTests(MailingConsoleServer server) : IClassFixture<MailingConsoleServer>
{
    private sealed record Expected(string Email, string Language);

    [Fact]
    public async Task A_reach_test_to_the_lab_registries_mails_every_24x7_contact_and_the_report_counts_the_answers()
    {
        var import = await ProcessRunner.RunAsync("dotnet", [RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll"), "directory", "import", "lab"],
            new Dictionary<string, string?> { ["DNSCERT_DATABASE"] = server.Database, ["NO_COLOR"] = "1" });
        import.ExitCode.ShouldBe(0, import.StandardError);
        await server.CreateUserAsync("duty-reach", "duty officer reach passphrase", Roles.DutyOfficer);

        // Whom the campaign must reach: every 24x7 contact of every lab ccTLD registry, in the contact's language.
        var expected = new List<Expected>();
        await using (var db = NpgsqlDataSource.Create(server.Database))
        await using (var command = db.CreateCommand("""
            SELECT c.email, coalesce(c.language, o.languages[1], 'en') FROM contacts c JOIN organisations o ON o.id = c.organisation_id
            WHERE o.kind = 'cctld-registry' AND 'emergency' = ANY(c.roles)
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                expected.Add(new Expected(reader.GetString(0), NotificationLanguages.Choose([reader.GetString(1)])));
            }
        }

        expected.Count.ShouldBeGreaterThanOrEqualTo(3, "the lab constituency has several ccTLD registries with a 24x7 contact");

        var page = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(page, "duty-reach", "duty officer reach passphrase");

        await page.GotoAsync("/reach");
        await page.FillAsync("#name", "Lab reach test");
        await page.SelectOptionAsync("#kind", "cctld-registry");
        await page.ClickAsync("form:has(#kind) button[type=submit]");
        await page.WaitForSelectorAsync("#reach-rate");
        var report = page.Url;
        (await page.InnerTextAsync("#reach-rate")).ShouldContain($"0 / {expected.Count}");
        await ConsoleServer.ScreenshotAsync(page, "30-reach-started");

        // The real server's outbox sends them through the real SMTP server.
        var clock = Stopwatch.StartNew();
        while (server.Mail.Count < expected.Count && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(250);
        }

        var mails = server.Mail.Messages().Select(MailEntity.Parse).ToList();
        mails.Count.ShouldBe(expected.Count);
        var links = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var mail in mails)
        {
            var to = mail.Header("To")!.Split('<')[^1].TrimEnd('>');
            var wanted = expected.Single(e => string.Equals(e.Email, to, StringComparison.OrdinalIgnoreCase));
            mail.Header("Content-Language").ShouldBe(wanted.Language);
            mail.DecodedHeader("Subject")!.ShouldStartWith("[TLP:GREEN] ");
            mail.DecodedHeader("Subject")!.ShouldContain("Lab reach test");
            var text = mail.PlainText()!;
            links[to] = text.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(server.Url + "/reach/answer/", StringComparison.Ordinal));
        }

        links.Count.ShouldBe(expected.Count, "one message, with its own link, per recipient");
        links.Values.Distinct().Count().ShouldBe(expected.Count);

        // Two recipients answer through their link in a browser that is not signed in (as a NOC would).
        var answering = links.Keys.Order(StringComparer.Ordinal).Take(2).ToList();
        foreach (var address in answering)
        {
            var recipientPage = await server.NewPageAsync();
            await recipientPage.GotoAsync(links[address]);
            await recipientPage.ClickAsync("#answer");
            await recipientPage.WaitForSelectorAsync("#answered");
            await ConsoleServer.ScreenshotAsync(recipientPage, "31-reach-answered");
            await recipientPage.Context.CloseAsync();
        }

        await page.GotoAsync(report);
        await page.WaitForSelectorAsync("#reach-rate");
        (await page.InnerTextAsync("#reach-rate")).ShouldContain($"2 / {expected.Count}");
        var neverAnswered = await page.Locator("#never-answered li").AllInnerTextsAsync();
        neverAnswered.Count.ShouldBe(expected.Count - 2);
        foreach (var address in links.Keys.Except(answering, StringComparer.OrdinalIgnoreCase))
        {
            neverAnswered.ShouldContain(line => line.Contains(address, StringComparison.OrdinalIgnoreCase));
        }

        foreach (var address in answering)
        {
            neverAnswered.ShouldNotContain(line => line.Contains(address, StringComparison.OrdinalIgnoreCase));
        }

        (await page.Locator("#rate-over-time li").CountAsync()).ShouldBe(3);
        await ConsoleServer.ScreenshotAsync(page, "32-reach-report");

        // The organisation page shows the delivery of its reach message (staff view).
        await page.ClickAsync($"#never-answered li:has-text('{links.Keys.Except(answering, StringComparer.OrdinalIgnoreCase).First()}') a");
        await page.WaitForSelectorAsync("#delivery-counts");
        (await page.InnerTextAsync("#delivery-counts")).ShouldContain("sent 1");
        (await page.InnerTextAsync("#deliveries")).ShouldContain("Lab reach test");
        await ConsoleServer.ScreenshotAsync(page, "33-organisation-deliveries");

        // …and an answered recipient's message as answered.
        await page.GotoAsync(report);
        await page.ClickAsync($"#stale li:has-text('{answering[0]}') a");
        await page.WaitForSelectorAsync("#delivery-counts");
        (await page.InnerTextAsync("#delivery-counts")).ShouldContain("answered 1");
    }
}
