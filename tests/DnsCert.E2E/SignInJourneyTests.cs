using DnsCert.Core.Accounts;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DnsCert.E2E;

public class SignInJourneyTests(ConsoleServer server, ITestOutputHelper output) : IClassFixture<ConsoleServer>
{
    private static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("/account/sign-in");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", password);
        await SubmitAsync(page, "#sign-in");
    }

    /// <summary>Clicks a submit button and waits until the navigation it starts (with its redirects) has finished.</summary>
    private static async Task SubmitAsync(IPage page, string button)
    {
        // The last document of the redirect chain (POST 302, GET 302, GET 200) is what the person finally sees.
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync(button),
            r => r.Request.IsNavigationRequest && (r.Status < 300 || r.Status >= 400));
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    [Fact]
    public async Task The_first_administrator_changes_the_given_password_enrols_totp_and_signs_in_again_with_a_code()
    {
        var page = await server.NewPageAsync();

        // 1. The password printed by `./dnscert up` works once, and must be replaced first.
        await SignInAsync(page, "admin", server.AdminPassword);
        await page.GotoAsync("/");
        page.Url.ShouldEndWith("/account/password");
        (await page.IsVisibleAsync("#must-change")).ShouldBeTrue();
        await ConsoleServer.ScreenshotAsync(page, "01-password-must-change");
        const string NewPassword = "night shift at the coordination center";
        await page.FillAsync("#current", server.AdminPassword);
        await page.FillAsync("#new", NewPassword);
        await page.FillAsync("#confirm", NewPassword);
        await SubmitAsync(page, "#change");
        (await page.IsVisibleAsync("#changed")).ShouldBeTrue();

        // 2. Staff cannot work without a second factor: the console sends them to enrol.
        await page.GotoAsync("/");
        page.Url.ShouldEndWith("/account/two-factor/setup");
        await ConsoleServer.ScreenshotAsync(page, "02-two-factor-setup");
        var key = Base32.Decode((await page.InnerTextAsync("#key")).Replace(" ", "", StringComparison.Ordinal));
        (await page.GetAttributeAsync("#otpauth", "href"))!.ShouldStartWith("otpauth://totp/DnsCert%3Aadmin?secret=");
        var enrolStep = Totp.StepAt(DateTimeOffset.UtcNow);
        await page.FillAsync("#code", Totp.Code(key, enrolStep));
        await SubmitAsync(page, "#turn-on");
        (await page.Locator("#recovery-codes li").CountAsync()).ShouldBe(10);
        await ConsoleServer.ScreenshotAsync(page, "03-recovery-codes");
        await SubmitAsync(page, "#continue");
        (await page.InnerTextAsync("#signed-in-as")).ShouldBe("Signed in as Administrator");
        // The dashboard keeps the roles in a closed <details>: their text, not their rendering.
        (await page.TextContentAsync("#roles")).ShouldBe("administrator");
        await ConsoleServer.ScreenshotAsync(page, "04-console-home");

        // The session cookie is Secure, HttpOnly and SameSite=Strict as the browser stored it.
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "dnscert.session");
        session.Secure.ShouldBeTrue();
        session.HttpOnly.ShouldBeTrue();
        session.SameSite.ShouldBe(SameSiteAttribute.Strict);

        // 3. Sign out; signing in again takes the new password and then a code: a wrong one is refused.
        await SubmitAsync(page, "nav form button:has-text('Sign out')");
        await SignInAsync(page, "admin", NewPassword);
        page.Url.ShouldContain("/account/two-factor");
        var now = Totp.StepAt(DateTimeOffset.UtcNow);
        var valid = Enumerable.Range(-2, 5).Select(d => Totp.Code(key, now + d)).ToHashSet();
        var wrong = new[] { "123456", "654321", "111111" }.First(c => !valid.Contains(c));
        await page.FillAsync("#code", wrong);
        await SubmitAsync(page, "#verify");
        (await page.InnerTextAsync("#error")).ShouldBe("The code is wrong or has expired.");
        await ConsoleServer.ScreenshotAsync(page, "05-two-factor-wrong-code");
        // The current step's code, unless that is the one already used at enrolment (replays are refused).
        await page.FillAsync("#code", Totp.Code(key, Math.Max(Totp.StepAt(DateTimeOffset.UtcNow), enrolStep + 1)));
        await SubmitAsync(page, "#verify");
        (await page.InnerTextAsync("#signed-in-as")).ShouldBe("Signed in as Administrator");
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_and_the_right_password_no_longer_helps()
    {
        await server.CreateUserAsync("registry-ml", "bamako registry passphrase", Roles.Constituent);
        var page = await server.NewPageAsync();

        for (var i = 0; i < 5; i++)
        {
            await SignInAsync(page, "registry-ml", "guess " + i);
        }

        (await page.InnerTextAsync("#error")).ShouldStartWith("This account is locked");
        await SignInAsync(page, "registry-ml", "bamako registry passphrase");
        (await page.InnerTextAsync("#error")).ShouldStartWith("This account is locked");
        await ConsoleServer.ScreenshotAsync(page, "06-locked-out");
    }

    [Fact]
    public async Task Choosing_arabic_renders_the_console_right_to_left()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/account/sign-in");

        await page.SelectOptionAsync("#language", "ar");
        await SubmitAsync(page, "#language-form button");

        (await page.EvaluateAsync<string>("document.documentElement.dir")).ShouldBe("rtl");
        (await page.EvaluateAsync<string>("getComputedStyle(document.body).direction")).ShouldBe("rtl");
        (await page.InnerTextAsync("h1")).ShouldBe("تسجيل الدخول");
        // The brand sits at the right edge in a right-to-left page.
        var brand = (await page.Locator(".brand").BoundingBoxAsync())!;
        brand.X.ShouldBeGreaterThan(page.ViewportSize!.Width / 2f);
        await ConsoleServer.ScreenshotAsync(page, "07-sign-in-arabic");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/account/sign-in")]
    public async Task Public_pages_transfer_under_300_KB(string path)
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

        var bytes = await page.EvaluateAsync<double>(
            "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)");

        output.WriteLine($"{path}: {bytes:0} bytes transferred");
        // The page must be whole (its stylesheet fetched and applied), or a missing file would look like a light page.
        (await page.EvaluateAsync<int>("performance.getEntriesByType('resource').filter(e => e.name.endsWith('.css')).length")).ShouldBe(1);
        (await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.bar')).display")).ShouldBe("flex");
        bytes.ShouldBeGreaterThan(0);
        bytes.ShouldBeLessThan(300 * 1024);
    }
}
