using System.Net;
using System.Text.RegularExpressions;
using DnsCert.Core.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Identity;

public partial class SignInTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private async Task<List<string>> AuditActionsAsync(string actor)
    {
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand("SELECT action FROM audit_log WHERE actor = $1 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = actor });
        var actions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            actions.Add(reader.GetString(0));
        }

        return actions;
    }

    [Fact]
    public async Task A_constituent_signs_in_with_a_password_and_gets_a_hardened_session_cookie()
    {
        var name = People.Unique("registry");
        await People.CreateAsync(factory, name, [Roles.Constituent]);
        var browser = Browser.Open(factory);

        var response = await browser.SignInAsync(name, People.Password);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dnscert.session=", StringComparison.Ordinal)).ToLowerInvariant();
        cookie.ShouldContain("secure");
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("samesite=strict");
        var (home, html) = await browser.GetAsync("/");
        home.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain($"Signed in as {name.ToUpperInvariant()}");
        (await AuditActionsAsync(name)).ShouldBe(["auth.signed-in"]);
    }

    [Fact]
    public async Task A_form_post_without_an_antiforgery_token_is_refused()
    {
        var name = People.Unique("registry");
        await People.CreateAsync(factory, name, [Roles.Constituent]);
        var browser = Browser.Open(factory);

        var (response, _) = await browser.SubmitAsync("/account/sign-in",
            new Dictionary<string, string> { ["UserName"] = name, ["Password"] = People.Password }, withToken: false);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await AuditActionsAsync(name)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var name = People.Unique("registry");
        await People.CreateAsync(factory, name, [Roles.Constituent]);
        var browser = Browser.Open(factory);

        for (var i = 0; i < 5; i++)
        {
            var (wrong, html) = await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string> { ["UserName"] = name, ["Password"] = "not the password" });
            wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
            html.ShouldContain(i < 4 ? "The user name or password is wrong." : "This account is locked");
        }

        var (right, page) = await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string> { ["UserName"] = name, ["Password"] = People.Password });

        right.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.ShouldContain("This account is locked");
        (await AuditActionsAsync(name)).ShouldBe([.. Enumerable.Repeat("auth.sign-in-failed", 4), "auth.locked-out", "auth.locked-out"]);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in()
    {
        var name = People.Unique("gone");
        await People.CreateAsync(factory, name, [Roles.Constituent], disabled: true);

        var (response, html) = await Browser.Open(factory).SubmitAsync("/account/sign-in",
            new Dictionary<string, string> { ["UserName"] = name, ["Password"] = People.Password });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("This account may not sign in.");
    }

    [Fact]
    public async Task Staff_must_enrol_an_authenticator_and_then_sign_in_with_a_fresh_code_each_time()
    {
        var name = People.Unique("analyst");
        await People.CreateAsync(factory, name, [Roles.Analyst]);
        var browser = Browser.Open(factory);
        (await browser.SignInAsync(name, People.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var (gate, _) = await browser.GetAsync("/");
        gate.Headers.Location!.OriginalString.ShouldBe("/account/two-factor/setup");
        // A password alone opens nothing else: no tokens page, no sessions page, no API.
        (await browser.GetAsync("/account/tokens")).Response.Headers.Location!.OriginalString.ShouldBe("/account/two-factor/setup");
        (await browser.GetAsync("/account/sessions")).Response.Headers.Location!.OriginalString.ShouldBe("/account/two-factor/setup");
        (await browser.GetAsync("/api/v1/me")).Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var (_, setup) = await browser.GetAsync("/account/two-factor/setup");
        var key = Base32.Decode(KeyPattern().Match(setup).Groups[1].Value);
        var (_, wrongPage) = await browser.SubmitAsync("/account/two-factor/setup", new Dictionary<string, string> { ["Code"] = "000000" == Totp.Code(key, Totp.StepAt(DateTimeOffset.UtcNow)) ? "111111" : "000000" });
        wrongPage.ShouldContain("The code is wrong or has expired.");
        var enrolStep = Totp.StepAt(DateTimeOffset.UtcNow);
        var (_, done) = await browser.SubmitAsync("/account/two-factor/setup", new Dictionary<string, string> { ["Code"] = Totp.Code(key, enrolStep) });
        var recoveryCodes = RecoveryPattern().Matches(done).Select(m => m.Groups[1].Value).ToList();
        recoveryCodes.Count.ShouldBe(10);
        (await browser.GetAsync("/")).Response.StatusCode.ShouldBe(HttpStatusCode.OK);

        // A new browser: password, then a second factor; the code already used is refused (replay), a newer one works.
        var second = Browser.Open(factory);
        var afterPassword = await second.SignInAsync(name, People.Password);
        afterPassword.Headers.Location!.OriginalString.ShouldStartWith("/account/two-factor");
        var (_, replayPage) = await second.SubmitAsync("/account/two-factor", new Dictionary<string, string> { ["Code"] = Totp.Code(key, enrolStep) });
        replayPage.ShouldContain("The code is wrong or has expired.");
        var (fresh, _) = await second.SubmitAsync("/account/two-factor", new Dictionary<string, string> { ["Code"] = Totp.Code(key, Math.Max(Totp.StepAt(DateTimeOffset.UtcNow), enrolStep + 1)) });
        fresh.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await second.GetAsync("/")).Html.ShouldContain("Signed in as");

        // A recovery code works once.
        var third = Browser.Open(factory);
        await third.SignInAsync(name, People.Password);
        (await third.SubmitAsync("/account/two-factor", new Dictionary<string, string> { ["Code"] = recoveryCodes[0] })).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var fourth = Browser.Open(factory);
        await fourth.SignInAsync(name, People.Password);
        (await fourth.SubmitAsync("/account/two-factor", new Dictionary<string, string> { ["Code"] = recoveryCodes[0] })).Html.ShouldContain("The code is wrong or has expired.");

        (await AuditActionsAsync(name)).ShouldBe([
            "auth.signed-in", "auth.second-factor-enrolled", "auth.second-factor-failed", "auth.signed-in", "auth.signed-in", "auth.second-factor-failed",
        ]);
    }

    [Fact]
    public async Task A_generated_password_must_be_changed_before_anything_else()
    {
        var name = People.Unique("chief");
        await People.CreateAsync(factory, name, [Roles.Constituent], mustChangePassword: true);
        var browser = Browser.Open(factory);
        await browser.SignInAsync(name, People.Password);

        (await browser.GetAsync("/")).Response.Headers.Location!.OriginalString.ShouldBe("/account/password");
        (await browser.GetAsync("/account/tokens")).Response.Headers.Location!.OriginalString.ShouldBe("/account/password");
        var (_, tooShort) = await browser.SubmitAsync("/account/password", new Dictionary<string, string> { ["Current"] = People.Password, ["New"] = "short", ["Confirm"] = "short" });
        tooShort.ShouldContain("Passwords must be at least 12 characters.");
        var (_, changed) = await browser.SubmitAsync("/account/password", new Dictionary<string, string> { ["Current"] = People.Password, ["New"] = "a much longer passphrase", ["Confirm"] = "a much longer passphrase" });

        changed.ShouldContain("Your password has been changed.");
        (await browser.GetAsync("/")).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AuditActionsAsync(name)).ShouldContain("auth.password-changed");
    }

    [Fact]
    public async Task Ending_another_session_signs_that_browser_out_at_its_next_request()
    {
        var name = People.Unique("registry");
        await People.CreateAsync(factory, name, [Roles.Constituent]);
        var laptop = Browser.Open(factory);
        var phone = Browser.Open(factory);
        await laptop.SignInAsync(name, People.Password);
        await phone.SignInAsync(name, People.Password);
        (await phone.GetAsync("/")).Response.StatusCode.ShouldBe(HttpStatusCode.OK);

        var (_, list) = await laptop.GetAsync("/account/sessions");
        var sessions = SessionPattern().Matches(list).Select(m => m.Groups[1].Value).ToList();
        sessions.Count.ShouldBe(2);
        list.ShouldContain("this session");
        var other = SessionFormPattern().Match(list).Groups[1].Value;
        (await laptop.SubmitAsync("/account/sessions", new Dictionary<string, string> { ["id"] = other })).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var (afterRevoke, _) = await phone.GetAsync("/account/sessions");
        afterRevoke.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        afterRevoke.Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");
        (await laptop.GetAsync("/account/sessions")).Html.ShouldContain("Ended");
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_not_only_the_cookie()
    {
        var name = People.Unique("registry");
        await People.CreateAsync(factory, name, [Roles.Constituent]);
        var browser = Browser.Open(factory);
        await browser.SignInAsync(name, People.Password);
        var (_, home) = await browser.GetAsync("/");

        var signOut = await browser.Client.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Browser.Token(home) }));

        signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await AuditActionsAsync(name)).ShouldBe(["auth.signed-in", "auth.signed-out"]);
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand("SELECT count(*) FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.user_name = $1 AND s.revoked_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        ((long)(await command.ExecuteScalarAsync())!).ShouldBe(0);
    }

    [Theory]
    [InlineData("ar", "dir=\"rtl\"", "تسجيل الدخول")]
    [InlineData("fr", "dir=\"ltr\"", "Connexion")]
    [InlineData("es", "dir=\"ltr\"", "Iniciar sesión")]
    [InlineData("pt-BR", "dir=\"ltr\"", "Entrar")]
    [InlineData("en", "dir=\"ltr\"", "Sign in")]
    public async Task The_sign_in_page_speaks_the_browser_language_and_arabic_is_right_to_left(string language, string direction, string title)
    {
        var (_, html) = await Browser.Open(factory).GetAsync("/account/sign-in", language);

        html.ShouldContain(direction);
        html.ShouldContain($"<h1>{title}</h1>");
    }

    [Fact]
    public async Task The_audit_log_records_a_failed_sign_in_without_the_password_tried()
    {
        var name = People.Unique("registry");
        await People.CreateAsync(factory, name, [Roles.Constituent]);
        const string Tried = "Zebra-Unicorn-4711-secret";

        await Browser.Open(factory).SubmitAsync("/account/sign-in", new Dictionary<string, string> { ["UserName"] = name, ["Password"] = Tried });

        (await AuditActionsAsync(name)).ShouldBe(["auth.sign-in-failed"]);
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand("SELECT count(*) FROM audit_log WHERE details::text LIKE '%' || $1 || '%' OR actor LIKE '%' || $1 || '%'");
        command.Parameters.Add(new NpgsqlParameter { Value = Tried });
        ((long)(await command.ExecuteScalarAsync())!).ShouldBe(0);
    }

    [GeneratedRegex("id=\"key\">([a-z2-7 ]+)<")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"<li>([A-Za-z0-9-]+)</li>")]
    private static partial Regex RecoveryPattern();

    [GeneratedRegex("data-session=\"([0-9a-f-]{36})\"")]
    private static partial Regex SessionPattern();

    [GeneratedRegex("name=\"id\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex SessionFormPattern();
}
