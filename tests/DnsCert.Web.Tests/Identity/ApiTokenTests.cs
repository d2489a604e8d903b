using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Identity;

public partial class ApiTokenTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private async Task<(Browser Browser, DnsCertUserRef User)> SignedInAsync(string role = Roles.Constituent)
    {
        var name = People.Unique("partner");
        var user = await People.CreateAsync(factory, name, [role]);
        var browser = Browser.Open(factory);
        await browser.SignInAsync(name, People.Password);
        return (browser, new DnsCertUserRef(user.Id, name));
    }

    private async Task<string> CreateOnPageAsync(Browser browser, string name, params string[] scopes)
    {
        var (_, page) = await browser.GetAsync("/account/tokens");
        var form = new List<KeyValuePair<string, string>> { new("Name", name), new("Days", "30"), new("__RequestVerificationToken", Browser.Token(page)) };
        form.AddRange(scopes.Select(s => new KeyValuePair<string, string>("Scopes", s)));
        var response = await browser.Client.PostAsync("/account/tokens?handler=Create", new FormUrlEncodedContent(form));
        var html = await response.Content.ReadAsStringAsync();
        var match = NewTokenPattern().Match(html);
        match.Success.ShouldBeTrue(html);
        return match.Groups[1].Value;
    }

    private async Task<HttpResponseMessage> CallMeAsync(string? token)
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.GetAsync("/api/v1/me");
    }

    [Fact]
    public async Task A_token_is_shown_once_stored_only_as_a_hash_and_acts_as_its_owner_with_its_scopes()
    {
        var (browser, user) = await SignedInAsync();

        var token = await CreateOnPageAsync(browser, "registry script", ApiScopes.Read);
        var me = await CallMeAsync(token);

        me.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("userName").GetString().ShouldBe(user.Name);
        body.GetProperty("authenticatedBy").GetString().ShouldBe("api-token");
        body.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()).ShouldBe([ApiScopes.Read]);
        body.GetProperty("roles").EnumerateArray().Select(e => e.GetString()).ShouldBe([Roles.Constituent]);
        (await browser.GetAsync("/account/tokens")).Html.ShouldNotContain(token);
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var stored = db.CreateCommand("SELECT count(*) FROM api_tokens WHERE owner_id = $1 AND (name || prefix || scopes::text) LIKE '%' || $2 || '%'");
        stored.Parameters.Add(new NpgsqlParameter { Value = user.Id });
        stored.Parameters.Add(new NpgsqlParameter { Value = token.Split('_')[2] });
        ((long)(await stored.ExecuteScalarAsync())!).ShouldBe(0, "the secret part is nowhere in the table");
    }

    [Fact]
    public async Task Missing_unknown_and_malformed_tokens_get_401_not_a_redirect()
    {
        (await CallMeAsync(null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CallMeAsync("dnsc_abcdefghij_" + new string('A', 43))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var garbage = await CallMeAsync("not-a-token");
        garbage.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        garbage.Headers.WwwAuthenticate.ToString().ShouldContain("Bearer");
    }

    [Fact]
    public async Task A_token_whose_secret_is_altered_is_refused()
    {
        var (browser, _) = await SignedInAsync();
        var token = await CreateOnPageAsync(browser, "altered", ApiScopes.Read);
        var altered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        (await CallMeAsync(altered)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CallMeAsync(token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_without_the_scope_gets_403()
    {
        var (browser, _) = await SignedInAsync();
        var agentOnly = await CreateOnPageAsync(browser, "probe agent", ApiScopes.Agent);

        (await CallMeAsync(agentOnly)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Revoked_and_expired_tokens_stop_working()
    {
        var (browser, _) = await SignedInAsync();
        var revoked = await CreateOnPageAsync(browser, "to revoke", ApiScopes.Read);
        var expiring = await CreateOnPageAsync(browser, "to expire", ApiScopes.Read);
        (await CallMeAsync(revoked)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var (_, page) = await browser.GetAsync("/account/tokens");
        var revokedId = RowPattern().Matches(page).Select(m => m.Groups[1].Value).Last(); // newest first: the first made
        await browser.Client.PostAsync("/account/tokens?handler=Revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = revokedId,
            ["__RequestVerificationToken"] = Browser.Token(page),
        }));
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var expire = db.CreateCommand("UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE prefix = $1"))
        {
            expire.Parameters.Add(new NpgsqlParameter { Value = ApiTokenFormat.PrefixOf(expiring) });
            await expire.ExecuteNonQueryAsync();
        }

        (await CallMeAsync(revoked)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CallMeAsync(expiring)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var (_, after) = await browser.GetAsync("/account/tokens");
        after.ShouldContain("Revoked");
        after.ShouldContain("Expired");
    }

    [Fact]
    public async Task A_disabled_owner_disables_the_tokens()
    {
        var (browser, user) = await SignedInAsync();
        var token = await CreateOnPageAsync(browser, "owner leaves", ApiScopes.Read);
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var disable = db.CreateCommand("UPDATE users SET disabled = true WHERE id = $1"))
        {
            disable.Parameters.Add(new NpgsqlParameter { Value = user.Id });
            await disable.ExecuteNonQueryAsync();
        }

        (await CallMeAsync(token)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_never_opens_a_page()
    {
        var (browser, _) = await SignedInAsync();
        var token = await CreateOnPageAsync(browser, "no pages", ApiScopes.Read, ApiScopes.Write);
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await client.GetAsync("/account/sessions");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");
    }

    [Fact]
    public async Task Creating_a_token_without_a_scope_is_refused_and_writes_nothing()
    {
        var (browser, user) = await SignedInAsync();
        var (_, page) = await browser.GetAsync("/account/tokens");

        var response = await browser.Client.PostAsync("/account/tokens?handler=Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Name"] = "nothing",
            ["Days"] = "30",
            ["__RequestVerificationToken"] = Browser.Token(page),
        }));

        (await response.Content.ReadAsStringAsync()).ShouldContain("scopes: choose at least one scope");
        var store = factory.Services.GetRequiredService<ApiTokenStore>();
        (await store.ListAsync(user.Id, default)).ShouldBeEmpty();
    }

    public sealed record DnsCertUserRef(Guid Id, string Name);

    [GeneratedRegex("id=\"new-token\">(dnsc_[a-z0-9]{10}_[A-Za-z0-9_-]{43})<")]
    private static partial Regex NewTokenPattern();

    [GeneratedRegex("data-token=\"([0-9a-f-]{36})\"")]
    private static partial Regex RowPattern();
}
