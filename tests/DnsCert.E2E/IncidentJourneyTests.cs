using System.Diagnostics;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.TestSupport;
using Microsoft.Playwright;
using Npgsql;

namespace DnsCert.E2E;

/// <summary>
/// Issue 9 in the browser, on the real server, database and SMTP server: monitoring reports a lab TLD down (a row in
/// zone_state_changes, as the monitoring runtime writes it) → the incident opens with its classification and the
/// registry's 24x7 contact is mailed in its language → the duty officer finds it in the queue, adds a coordination
/// request → the registry acknowledges through the link in the mail → the zone comes back → resolution is proposed and
/// confirmed; the timeline shows every step.
/// </summary>
public class IncidentJourneyTests(MailingConsoleServer server) : IClassFixture<MailingConsoleServer>
{
    private async Task<(string Zone, string Email, string Language)> LabRegistryAsync()
    {
        await using var db = NpgsqlDataSource.Create(server.Database);
        await using var command = db.CreateCommand("""
            SELECT a.value, c.email, coalesce(c.language, o.languages[1], 'en')
            FROM assets a JOIN organisations o ON o.id = a.organisation_id JOIN contacts c ON c.organisation_id = o.id
            WHERE o.kind = 'cctld-registry' AND a.kind = 'zone' AND 'emergency' = ANY(c.roles) AND a.value NOT LIKE '%.%'
            ORDER BY (coalesce(c.language, o.languages[1], 'en') = 'en'), a.value LIMIT 1
            """);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue("the lab constituency has a ccTLD registry with a 24x7 contact");
        return (reader.GetString(0), reader.GetString(1), reader.GetString(2));
    }

    private async Task ZoneChangeAsync(string zone, string from, string to, string reason)
    {
        await using var db = NpgsqlDataSource.Create(server.Database);
        await using var command = db.CreateCommand(
            "INSERT INTO zone_state_changes (zone, from_state, to_state, changed_at, reason, recorded_at) VALUES ($1, $2, $3, now(), $4, now())");
        foreach (var value in new object[] { zone, from, to, reason })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }

    private async Task<IReadOnlyList<MailEntity>> MailAsync(int count)
    {
        var clock = Stopwatch.StartNew();
        while (server.Mail.Count < count && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(250);
        }

        server.Mail.Count.ShouldBeGreaterThanOrEqualTo(count);
        return [.. server.Mail.Messages().Select(MailEntity.Parse)];
    }

    private static async Task ReloadUntilAsync(IPage page, string selector, string text)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await page.ReloadAsync();
            if ((await page.Locator(selector).AllInnerTextsAsync()).Any(t => t.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(1000);
        }

        (await page.InnerTextAsync(selector)).ShouldContain(text);
    }

    [Fact]
    public async Task A_failing_tld_becomes_an_incident_its_registry_acknowledges_by_link_and_it_closes_on_confirmation()
    {
        var import = await ProcessRunner.RunAsync("dotnet", [RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll"), "directory", "import", "lab"],
            new Dictionary<string, string?> { ["DNSCERT_DATABASE"] = server.Database, ["NO_COLOR"] = "1" });
        import.ExitCode.ShouldBe(0, import.StandardError);
        var (zone, email, language) = await LabRegistryAsync();
        await server.CreateUserAsync("duty-incidents", "duty officer incident passphrase", Roles.DutyOfficer);

        await ZoneChangeAsync(zone + ".", "up", "down", $"RRSIG expired: the signatures of {zone}. SOA and DNSKEY ended");

        // The feed opens the incident and asks the registry; the outbox sends it through the real SMTP server.
        var first = (await MailAsync(1)).Single();
        first.Header("To")!.ShouldContain(email, Case.Insensitive);
        first.Header("Content-Language").ShouldBe(language);
        first.DecodedHeader("Subject")!.ShouldStartWith("[TLP:AMBER] ");

        var page = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(page, "duty-incidents", "duty officer incident passphrase");

        // Queue → incident.
        await page.GotoAsync("/incidents?view=unassigned");
        await page.WaitForSelectorAsync("#queue");
        (await page.InnerTextAsync("#queue")).ShouldContain($"Zone {zone}. misconfigured");
        await ConsoleServer.ScreenshotAsync(page, "40-incident-queue");
        await page.ClickAsync($"#queue a:has-text('Zone {zone}.')");
        await page.WaitForSelectorAsync("#timeline");
        (await page.InnerTextAsync("#classification")).ShouldContain("availability:misconfiguration");
        (await page.InnerTextAsync("#severity")).ShouldContain("critical");
        (await page.InnerTextAsync("#state")).ShouldBe("new");
        (await page.InnerTextAsync("#requests")).ShouldContain("notified");
        var incidentUrl = page.Url;

        // Add a coordination request from the page: a second message, in the registry's language, with its own link.
        await page.FillAsync("#action", "Please confirm when the zone is re-signed and tell us the new signature expiry.");
        await page.ClickAsync("#send-request");
        await page.WaitForSelectorAsync("#requests tr[data-request] >> nth=1");
        await ConsoleServer.ScreenshotAsync(page, "41-incident-request-sent");
        var mails = await MailAsync(2);
        var second = mails.Single(m => m.PlainText()!.Contains("new signature expiry", StringComparison.Ordinal));
        second.Header("Content-Language").ShouldBe(language);
        var link = second.PlainText()!.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(server.Url + "/incidents/ack/", StringComparison.Ordinal));

        // The registry's NOC follows the link, without an account.
        var noc = await server.NewPageAsync();
        await noc.GotoAsync(link);
        await noc.ClickAsync("#acknowledge");
        await noc.WaitForSelectorAsync("#acknowledged");
        (await noc.InnerTextAsync("#request-status")).ShouldBe("acknowledged");
        await ConsoleServer.ScreenshotAsync(noc, "42-incident-request-acknowledged");
        await noc.Context.CloseAsync();

        await page.GotoAsync(incidentUrl);
        (await page.Locator("#requests .request-status").AllInnerTextsAsync()).ShouldBe(["notified", "acknowledged"], ignoreOrder: true);
        (await page.InnerTextAsync("#timeline")).ShouldContain("acknowledged the coordination request");

        // The zone comes back: resolution is proposed; the duty officer confirms the closing.
        await ZoneChangeAsync(zone + ".", "down", "up", "all checks pass");
        await ReloadUntilAsync(page, "#state", "resolution-proposed");
        await page.SelectOptionAsync("#state-form select[name=state]", "closed");
        await page.FillAsync("#state-form input[name=note]", "signatures renewed, confirmed from every vantage point");
        await page.ClickAsync("#move");
        await page.WaitForSelectorAsync("#timeline");
        (await page.InnerTextAsync("#state")).ShouldBe("closed");
        var timeline = await page.Locator("#timeline li").AllInnerTextsAsync();
        timeline.ShouldContain(t => t.Contains("Opened (monitoring)", StringComparison.Ordinal));
        timeline.Count(t => t.Contains("mail-out", StringComparison.Ordinal)).ShouldBe(2);
        timeline.ShouldContain(t => t.Contains("new → resolution-proposed", StringComparison.Ordinal));
        timeline.ShouldContain(t => t.Contains("resolution-proposed → closed", StringComparison.Ordinal));
        await ConsoleServer.ScreenshotAsync(page, "43-incident-closed");

        await page.ClickAsync("#after-action");
        await page.WaitForSelectorAsync("#after-action-text");
        (await page.InputValueAsync("#after-action-text")).ShouldContain("| resolution |");
        await ConsoleServer.ScreenshotAsync(page, "44-incident-after-action");
    }
}
