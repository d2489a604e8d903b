using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace DnsCert.Web.Tests.Shell;

/// <summary>The console search (/search and GET /api/v1/search) through the real server: visibility, IDN input, validation.</summary>
public sealed class SearchWebTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private readonly ShellPeople _people = new(factory);

    private static async Task<Dictionary<string, JsonElement>> ApiAsync(Browser browser, string q)
    {
        var response = await browser.Client.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(q));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("kind").GetString()!, g => g);
    }

    private static IEnumerable<string> Links(JsonElement group) => group.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("link").GetString()!);

    [Fact]
    public async Task A_constituent_never_finds_another_organisations_incident_nor_a_red_one_not_addressed_to_them_on_the_page_or_in_the_api()
    {
        var (staff, _) = await _people.StaffAsync();
        var token = "srch" + Guid.NewGuid().ToString("N")[..10];
        var orgA = await ShellPeople.OrganisationAsync(staff, $"Registry {token} A");
        var orgB = await ShellPeople.OrganisationAsync(staff, $"Registry {token} B");
        await _people.ExecuteAsync("INSERT INTO assets (id, organisation_id, kind, value, source, created_at) VALUES (gen_random_uuid(), $1, 'zone', $2, 'manual', now())",
            orgA, token + "a");
        await _people.ExecuteAsync("INSERT INTO assets (id, organisation_id, kind, value, source, created_at) VALUES (gen_random_uuid(), $1, 'zone', $2, 'manual', now())",
            orgB, token + "b");
        var amberA = await ShellPeople.IncidentAsync(staff, $"{token} outage of A", "amber", assets: token + "a");
        var redA = await ShellPeople.IncidentAsync(staff, $"{token} red matter of A", "red", assets: token + "a");
        var amberB = await ShellPeople.IncidentAsync(staff, $"{token} outage of B", "amber", assets: token + "b");
        var a = await _people.ConstituentOfAsync(orgA);
        var b = await _people.ConstituentOfAsync(orgB);

        // The staff member sees the AMBER incidents (the core team is their audience) but the RED one only as its creator.
        var all = await ApiAsync(staff, token);
        Links(all["incident"]).ShouldBe([$"/incidents/{amberB}", $"/incidents/{redA}", $"/incidents/{amberA}"], ignoreOrder: true);
        all.ShouldContainKey("contact");

        var forA = await ApiAsync(a, token);
        Links(forA["incident"]).ShouldBe([$"/incidents/{amberA}"]);
        forA["incident"].GetProperty("count").GetInt32().ShouldBe(1, "a hidden record is not counted either");
        forA.ShouldNotContainKey("contact");
        var forB = await ApiAsync(b, token);
        Links(forB["incident"]).ShouldBe([$"/incidents/{amberB}"]);

        // By number: "#123" and "123" alike; another organisation's number finds nothing.
        Links((await ApiAsync(a, "#" + amberA.ToString(CultureInfo.InvariantCulture)))["incident"]).ShouldContain($"/incidents/{amberA}");
        Links((await ApiAsync(b, amberA.ToString(CultureInfo.InvariantCulture)))["incident"]).ShouldNotContain($"/incidents/{amberA}");
        Links((await ApiAsync(a, "#" + redA.ToString(CultureInfo.InvariantCulture)))["incident"]).ShouldNotContain($"/incidents/{redA}");

        // The page: the same, grouped by kind with counts.
        var (response, html) = await b.GetAsync("/search?q=" + Uri.EscapeDataString(token));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain($"href=\"/incidents/{amberB}\"");
        html.ShouldNotContain($"href=\"/incidents/{amberA}\"");
        html.ShouldNotContain($"href=\"/incidents/{redA}\"");
        html.ShouldContain("id=\"search-incident\" aria-labelledby=\"search-incident-title\" data-count=\"1\"");
        html.ShouldNotContain("id=\"search-contact\"");
        var (_, aHtml) = await a.GetAsync("/search?q=" + Uri.EscapeDataString(token));
        aHtml.ShouldContain($"href=\"/incidents/{amberA}\"");
        aHtml.ShouldNotContain($"href=\"/incidents/{redA}\"");
        aHtml.ShouldNotContain($"href=\"/incidents/{amberB}\"");
    }

    [Fact]
    public async Task A_zone_is_found_from_its_unicode_or_ascii_spelling_in_any_case_with_or_without_the_final_dot()
    {
        var (staff, _) = await _people.StaffAsync();
        var stem = "bücher" + Guid.NewGuid().ToString("N")[..8];
        var unicode = stem + ".example";
        var ascii = new IdnMapping().GetAscii(unicode);
        ascii.ShouldStartWith("xn--");
        var organisation = await ShellPeople.OrganisationAsync(staff, People.Unique("Buchhandlung "));
        await _people.ExecuteAsync("INSERT INTO assets (id, organisation_id, kind, value, source, created_at) VALUES (gen_random_uuid(), $1, 'zone', $2, 'manual', now())",
            organisation, ascii);
        var constituent = await _people.ConstituentOfAsync(organisation);

        foreach (var q in new[] { unicode, unicode.ToUpperInvariant() + ".", ascii, ascii.ToUpperInvariant() + "." })
        {
            var groups = await ApiAsync(constituent, q);
            groups["zone"].GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("title").GetString()).ShouldBe([ascii + "."], q);
            Links(groups["organisation"]).ShouldContain($"/directory/{organisation}", q);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("overlong")]
    public async Task An_empty_or_overlong_query_is_a_clear_error_naming_the_field(string q)
    {
        var (staff, _) = await _people.StaffAsync();
        var text = q == "overlong" ? new string('a', 254) : q;

        var response = await staff.Client.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(text));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("q")[0].GetString()!.ShouldStartWith(q == "overlong" ? "must be at most 253 characters" : "must not be empty");

        var (page, html) = await staff.GetAsync("/search?q=" + Uri.EscapeDataString(text));
        page.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // The error summary links to the field it is about, and the field says it is invalid.
        html.ShouldContain("<a href=\"#search-q\" id=\"search-error\">");
        html.ShouldContain("aria-invalid=\"true\"");
    }

    [Fact]
    public async Task The_search_api_needs_a_read_scope_and_is_documented_in_openapi()
    {
        (await Browser.Open(factory).Client.GetAsync("/api/v1/search?q=x")).StatusCode.ShouldBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Redirect, HttpStatusCode.Forbidden);
        var openApi = await factory.CreateClient().GetStringAsync("/openapi/v1.json");
        openApi.ShouldContain("\"/api/v1/search\"");
        openApi.ShouldContain("\"operationId\": \"Search\"");
    }
}
