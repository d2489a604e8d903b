using System.Diagnostics;
using DnsCert.Core.Accounts;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Notifications;
using Npgsql;

namespace DnsCert.E2E;

/// <summary>
/// Issue 8 in the browser: the duty officer's /notifications page lists what the real outbox did through a real SMTP
/// server (a delivered message, a refused one as a dead letter with its alert); a constituent is turned away.
/// </summary>
public class NotificationsJourneyTests(MailingConsoleServer server) : IClassFixture<MailingConsoleServer>
{
    [Fact]
    public async Task The_duty_officer_sees_deliveries_and_dead_letters_and_a_constituent_does_not()
    {
        // Two messages queued as the directive planner queues them; the server's outbox sends them to aiosmtpd, which
        // stores one and refuses the other with a 550 (a dead letter at once).
        var options = Microsoft.Extensions.Options.Options.Create(new NotificationOptions { Enabled = true, FromAddress = "duty@dnscert.test" });
        var factory = new MessageFactory(options, new TeamKey((OpenPgpSigner?)null));
        var now = DateTimeOffset.UtcNow;
        OutboxMessage Message(string recipient, long ticket) => factory.Create(new OutgoingNotification(
            "e2e-" + recipient, Guid.Empty, NotificationKind.ReachTest, Tlp.Green, new Recipient(recipient, "", ["en"], null),
            [new Dictionary<string, string> { ["test"] = "RT-E2E", ["due"] = "2026-11-22 12:00 UTC" }]), ticket, now);
        await using var db = NpgsqlDataSource.Create(server.Database);
        (await OutboxWriter.InsertManyAsync(db, [Message("ops@operator.test", 880001), Message("reject-me@operator.test", 880002)], now, default))
            .ShouldBe(2);

        var clock = Stopwatch.StartNew();
        while (await FailedAsync(db) == 0 || server.Mail.Count == 0)
        {
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), "the outbox to send one message and dead-letter the other");
            await Task.Delay(250);
        }

        await server.CreateUserAsync("duty-notify", "duty officer notify passphrase", Roles.DutyOfficer);
        var page = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(page, "duty-notify", "duty officer notify passphrase");
        await page.GotoAsync("/notifications");
        var alert = page.Locator("#alerts li[data-kind=dead-letter]");
        (await alert.CountAsync()).ShouldBe(1);
        (await alert.InnerTextAsync()).ShouldContain("reject-me@operator.test");
        (await page.Locator("#deliveries tr[data-ticket='880001']").InnerTextAsync()).ShouldContain("sent");
        var refused = await page.Locator("#deliveries tr[data-ticket='880002']").InnerTextAsync();
        refused.ShouldContain("failed");
        refused.ShouldContain("550");
        (await page.InnerTextAsync("#delivery-counts")).ShouldContain("sent 1");
        await ConsoleServer.ScreenshotAsync(page, "40-notifications-duty-officer");

        // A constituent may not see other organisations' deliveries or the team's alerts.
        await server.CreateUserAsync("registry-notify", "registry notify passphrase", Roles.Constituent);
        var constituent = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(constituent, "registry-notify", "registry notify passphrase");
        await constituent.GotoAsync("/notifications");
        constituent.Url.ShouldContain("/account/denied");
        (await constituent.Locator("#alerts, #deliveries").CountAsync()).ShouldBe(0);
        (await constituent.ContentAsync()).ShouldNotContain("reject-me@operator.test");
        await ConsoleServer.ScreenshotAsync(constituent, "41-notifications-constituent-denied");
    }

    private static async Task<long> FailedAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM notification_messages WHERE status = 'failed'");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
