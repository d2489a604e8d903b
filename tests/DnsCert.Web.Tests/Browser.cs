using System.Net;
using System.Text.RegularExpressions;
using DnsCert.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DnsCert.Web.Tests;

/// <summary>
/// A cookie-keeping HTTP client that fills in forms the way a browser does: it reads the antiforgery token from the
/// page it posts from. Over https, so Secure cookies travel.
/// </summary>
public sealed partial class Browser(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public static Browser Open(WebApplicationFactory<Program> factory) => new(factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        AllowAutoRedirect = false,
        HandleCookies = true,
    }));

    public async Task<(HttpResponseMessage Response, string Html)> GetAsync(string path, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptLanguage is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        var response = await Client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GETs <paramref name="page"/>, takes its antiforgery token, and posts the fields to the page's own form.</summary>
    public async Task<(HttpResponseMessage Response, string Html)> SubmitAsync(string page, IDictionary<string, string> fields, bool withToken = true)
    {
        var (_, html) = await GetAsync(page);
        var form = new Dictionary<string, string>(fields);
        if (withToken)
        {
            form["__RequestVerificationToken"] = Token(html);
        }

        var response = await Client.PostAsync(page, new FormUrlEncodedContent(form));
        return (response, await response.Content.ReadAsStringAsync());
    }

    public async Task<HttpResponseMessage> SignInAsync(string userName, string password) =>
        (await SubmitAsync("/account/sign-in", new Dictionary<string, string> { ["UserName"] = userName, ["Password"] = password })).Response;

    /// <summary>Password, then — when the account has an authenticator — the current TOTP code.</summary>
    public async Task SignInFullyAsync(string userName, byte[]? authenticatorKey)
    {
        var response = await SignInAsync(userName, People.Password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        if (authenticatorKey is not null)
        {
            response.Headers.Location!.OriginalString.ShouldStartWith("/account/two-factor");
            var code = Core.Accounts.Totp.Code(authenticatorKey, Core.Accounts.Totp.StepAt(DateTimeOffset.UtcNow));
            var (second, _) = await SubmitAsync("/account/two-factor", new Dictionary<string, string> { ["Code"] = code });
            second.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
    }

    public static string Token(string html)
    {
        var match = TokenPattern().Match(html);
        match.Success.ShouldBeTrue("the page has no antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

/// <summary>Creates people directly through the application's own UserManager, as an administrator would.</summary>
public static class People
{
    public const string Password = "correct horse battery staple";

    /// <summary>A user name no other test in the shared database uses.</summary>
    public static string Unique(string stem) => stem + Guid.NewGuid().ToString("N")[..8];

    public static async Task<DnsCertUser> CreateAsync(WebApplicationFactory<Program> factory, string userName, string[] roles,
        bool mustChangePassword = false, bool disabled = false, string language = "en")
    {
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DnsCertUser>>();
        var user = new DnsCertUser
        {
            Id = Guid.CreateVersion7(),
            UserName = userName,
            DisplayName = userName.ToUpperInvariant(),
            Roles = [.. roles],
            MustChangePassword = mustChangePassword,
            Disabled = disabled,
            Language = language,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var result = await users.CreateAsync(user, Password);
        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>A person with an authenticator already enrolled, as staff must have; returns the TOTP key.</summary>
    public static async Task<byte[]> CreateEnrolledAsync(WebApplicationFactory<Program> factory, string userName, string[] roles)
    {
        var created = await CreateAsync(factory, userName, roles);
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DnsCertUser>>();
        var user = (await users.FindByIdAsync(created.Id.ToString()))!;
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return Core.Accounts.Base32.Decode((await users.GetAuthenticatorKeyAsync(user))!);
    }
}
