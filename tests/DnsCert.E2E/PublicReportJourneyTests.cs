using System.Diagnostics;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Notifications.Mail;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DnsCert.E2E;

/// <summary>
/// Issue 9's public intake in the browser, on the real server, database and SMTP server (aiosmtpd into a Maildir): a
/// visitor without an account files a report on /report (a light page), the confirmation mail arrives, its link
/// confirms the report, the duty officer sees it confirmed in the queue; a burst of submissions from the same address
/// is refused with a sentence saying why and for how long.
/// </summary>
public class PublicReportJourneyTests(MailingConsoleServer server, ITestOutputHelper output) : IClassFixture<MailingConsoleServer>
{
    private async Task<MailEntity> MailToAsync(string address)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            var mail = server.Mail.Messages().Select(MailEntity.Parse)
                .FirstOrDefault(m => m.Header("To")?.Contains(address, StringComparison.OrdinalIgnoreCase) == true);
            if (mail is not null)
            {
                return mail;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"no mail to {address} within 90 s ({server.Mail.Count} in the Maildir)");
    }

    private static async Task<IResponse> SubmitAsync(IPage page, string sender, string subject)
    {
        await page.GotoAsync("/report");
        await page.FillAsync("#sender", sender);
        await page.FillAsync("#subject", subject);
        await page.FillAsync("#assets", "example.ml");
        await page.FillAsync("#body", "Every resolver we tried answers SERVFAIL for example.ml since 06:00 UTC; dig +cd works.");
        return await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#submit-report"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/report", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_visitor_reports_confirms_by_mail_the_duty_officer_sees_it_and_a_burst_is_refused()
    {
        var visitor = await server.NewPageAsync();

        // The form is light: everything it loads stays under 300 KB, and its stylesheet did load.
        await visitor.GotoAsync("/report", new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        var bytes = await ConsoleServer.TransferredBytesAsync(visitor);
        output.WriteLine($"/report: {bytes:0} bytes transferred");
        (await visitor.EvaluateAsync<int>("performance.getEntriesByType('resource').filter(e => e.name.endsWith('.css')).length")).ShouldBe(1);
        bytes.ShouldBeGreaterThan(0);
        bytes.ShouldBeLessThan(300 * 1024);

        var sender = $"reporter-{Guid.NewGuid():N}@example.org";
        var subject = "SERVFAIL for example.ml " + Guid.NewGuid().ToString("N")[..6];
        (await SubmitAsync(visitor, sender, subject)).Status.ShouldBe(200);
        (await visitor.InnerTextAsync("#filed")).ShouldContain("confirm");
        await ConsoleServer.ScreenshotAsync(visitor, "50-public-report-filed");

        // The duty officer already sees it, marked "not confirmed yet".
        await server.CreateUserAsync("duty-reports", "duty officer reports passphrase", Roles.DutyOfficer);
        var duty = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(duty, "duty-reports", "duty officer reports passphrase");
        await duty.GotoAsync("/incidents");
        var row = duty.Locator("#new-reports tr", new PageLocatorOptions { HasText = subject });
        (await row.InnerTextAsync()).ShouldContain("not confirmed yet");

        // The confirmation mail reaches the real SMTP server; its link (on Team:PublicUrl) confirms the report.
        var mail = await MailToAsync(sender);
        var link = mail.PlainText()!.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(server.Url + "/report/confirm/", StringComparison.Ordinal));
        await visitor.GotoAsync(link);
        await ConsoleServer.ScreenshotAsync(visitor, "51-public-report-confirm");
        await visitor.ClickAsync("#confirm");
        await visitor.WaitForSelectorAsync("#confirmed");

        await duty.GotoAsync("/incidents");
        var confirmed = await duty.Locator("#new-reports tr", new PageLocatorOptions { HasText = subject }).InnerTextAsync();
        confirmed.ShouldContain(sender);
        confirmed.ShouldNotContain("not confirmed yet");
        await ConsoleServer.ScreenshotAsync(duty, "52-public-report-in-queue");

        // A burst from the same address: the window allows 5 submissions (Incidents:PublicReportsPerWindow); the next
        // is refused with 429, a sentence saying why, and when to come back.
        IResponse? refused = null;
        for (var i = 0; i < 6 && refused is null; i++)
        {
            var response = await SubmitAsync(visitor, sender, subject + " again " + i);
            if (response.Status == 429)
            {
                refused = response;
            }
            else
            {
                response.Status.ShouldBe(200);
                i.ShouldBeLessThan(4, "the sixth submission in the window must be refused");
            }
        }

        refused.ShouldNotBeNull();
        int.Parse((await refused.AllHeadersAsync())["retry-after"], System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        var message = await visitor.InnerTextAsync("#too-many");
        message.ShouldContain("Too many reports from your address");
        message.ShouldContain("at most 5 every 10 minutes");
        await ConsoleServer.ScreenshotAsync(visitor, "53-public-report-rate-limited");
        // Reading the form stays free.
        (await visitor.GotoAsync("/report"))!.Status.ShouldBe(200);
    }
}
