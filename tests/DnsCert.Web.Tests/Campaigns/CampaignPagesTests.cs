using System.Net;
using System.Text;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Campaigns;

/// <summary>
/// The campaign console on the real server pipeline and PostgreSQL: creating through the form (antiforgery), field
/// and line errors, the same list twice, the coverage view and its drill-down, the export, and the registry portal —
/// where registry A's users never see registry B's request or names.
/// </summary>
public sealed class CampaignPagesTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private sealed record Setup(string TldA, string TldB, Guid A, Guid B, Browser Staff);

    private async Task<Setup> SetupAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (tldA, tldB) = ("ta" + suffix, "tb" + suffix);
        var directory = factory.Services.GetRequiredService<IDirectoryRepository>();
        async Task<Guid> RegistryAsync(string name, string tld, string language)
        {
            var id = await directory.CreateOrganisationAsync(new OrganisationInput(name, OrganisationKind.CcTldRegistry, IcannRegion.Africa, "ML", [language],
                "Africa/Bamako", true), DirectoryActor.System, CancellationToken.None);
            await directory.AddAssetAsync(id, AssetKind.Zone, DirectoryValidation.AssetValue(AssetKind.Zone, tld), DirectoryActor.System, CancellationToken.None);
            return id;
        }

        var a = await RegistryAsync("Registry A " + suffix, tldA, "fr");
        var b = await RegistryAsync("Registry B " + suffix, tldB, "ar");
        var staffName = People.Unique("handler");
        var key = await People.CreateEnrolledAsync(factory, staffName, [Roles.IncidentHandler]);
        var staff = Browser.Open(factory);
        await staff.SignInFullyAsync(staffName, key);
        return new Setup(tldA, tldB, a, b, staff);
    }

    private async Task<Browser> RegistryUserAsync(Guid organisation)
    {
        var created = await People.CreateAsync(factory, People.Unique("registry"), [Roles.Constituent]);
        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DnsCertUser>>();
            var user = (await users.FindByIdAsync(created.Id.ToString()))!;
            user.OrganisationId = organisation;
            (await users.UpdateAsync(user)).Succeeded.ShouldBeTrue();
        }

        var browser = Browser.Open(factory);
        (await browser.SignInAsync(created.UserName!, People.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return browser;
    }

    private static Dictionary<string, string> Form(string name, string names, string tlp = "TLP:GREEN", string action = "block") => new()
    {
        ["Name"] = name,
        ["Action"] = action,
        ["Tlp"] = tlp,
        ["Deadline"] = DateTimeOffset.UtcNow.AddDays(3).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture),
        ["NamesPerDay"] = "250",
        ["Day"] = "2026-11-21",
        ["Names"] = names,
    };

    private async Task<Guid> RequestIdAsync(Guid campaign, Guid organisation)
    {
        await using var command = factory.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT id FROM campaign_requests WHERE campaign_id = $1 AND organisation_id = $2");
        command.Parameters.AddWithValue(campaign);
        command.Parameters.AddWithValue(organisation);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    private static Guid CampaignIdFrom(string html)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, "href=\"/campaigns/([0-9a-f-]{36})\" id=\"open-campaign\"");
        match.Success.ShouldBeTrue("the result links to the campaign");
        return Guid.Parse(match.Groups[1].Value);
    }

    [Fact]
    public async Task A_campaign_created_through_the_form_is_split_per_registry_once_and_its_coverage_drills_down_to_names()
    {
        var s = await SetupAsync();
        var names = $"domain\nOne.{s.TldA}\ntwo.{s.TldA}.\none.{s.TldA}\nthree.{s.TldB}\nlost.museum\n";
        var (response, html) = await s.Staff.SubmitAsync("/campaigns/new", Form("Conficker " + s.TldA, names));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain("id=\"created\"");
        html.ShouldContain($"<tr data-registry=\"{s.A}\"><td>Registry A");
        html.ShouldContain($"<tr data-registry=\"{s.B}\"><td>Registry B");
        html.ShouldContain("(.museum)");
        var id = CampaignIdFrom(html);

        // The same list again: recognised, nothing new written.
        var (_, again) = await s.Staff.SubmitAsync("/campaigns/new", Form("Conficker " + s.TldA, names));
        again.ShouldContain("id=\"already-uploaded\"");
        CampaignIdFrom(again).ShouldBe(id);

        var (_, list) = await s.Staff.GetAsync("/campaigns");
        list.ShouldContain($"<tr data-campaign=\"{id}\">");

        var (page, view) = await s.Staff.GetAsync($"/campaigns/{id}");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        view.ShouldContain($"data-registry=\"{s.A}\"");
        view.ShouldContain("2026-11-21");
        view.ShouldContain("/campaigns/" + id + "/export.csv");

        var (_, drill) = await s.Staff.GetAsync($"/campaigns/{id}?registry={s.A}");
        drill.ShouldContain($"one.{s.TldA}.");
        drill.ShouldContain($"two.{s.TldA}.");
        drill.ShouldNotContain($"three.{s.TldB}.");
        var (_, unroutable) = await s.Staff.GetAsync($"/campaigns/{id}?unroutable=true");
        unroutable.ShouldContain("lost.museum.");
        unroutable.ShouldContain("no registry in the directory runs .museum");

        var export = await s.Staff.Client.GetStringAsync($"/campaigns/{id}/export.csv");
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe(Pages.Campaigns.ExportModel.Header);
        lines.Length.ShouldBe(1 + 4);
        lines.ShouldContain($"one.{s.TldA},{s.TldA},Registry A {s.TldA[2..]},2026-11-21,requested,,,,,");
        lines.ShouldContain("lost.museum,museum,,2026-11-21,unroutable,,,,,");
    }

    [Fact]
    public async Task Bad_input_names_the_field_or_lists_the_lines_and_stores_nothing()
    {
        var s = await SetupAsync();
        var (noName, html) = await s.Staff.SubmitAsync("/campaigns/new", Form("", $"a.{s.TldA}\n"));
        noName.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        html.ShouldContain("id=\"error-name\"");

        var sinkhole = Form("Sinkhole " + s.TldA, $"a.{s.TldA}\n", action: "sinkhole");
        (_, html) = await s.Staff.SubmitAsync("/campaigns/new", sinkhole);
        html.ShouldContain("id=\"error-sinkholeNameServers\"");

        (_, html) = await s.Staff.SubmitAsync("/campaigns/new", Form("Empty " + s.TldA, ""));
        html.ShouldContain("id=\"error-file\"");

        var (bad, lines) = await s.Staff.SubmitAsync("/campaigns/new", Form("Bad " + s.TldA, $"ok.{s.TldA}\nbad..{s.TldA}\nx.notatld{s.TldA}\n"));
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        lines.ShouldContain("id=\"line-errors\"");
        lines.ShouldContain($"<tr><td>2</td><td dir=\"ltr\">bad..{s.TldA}</td><td>has an empty label</td></tr>");
        lines.ShouldContain($"<tr><td>3</td>");
        await using var command = factory.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT count(*) FROM campaigns WHERE name = $1");
        command.Parameters.AddWithValue("Bad " + s.TldA);
        ((long)(await command.ExecuteScalarAsync())!).ShouldBe(0);

        // A form posted without its antiforgery token is refused.
        var (forged, _) = await s.Staff.SubmitAsync("/campaigns/new", Form("Forged " + s.TldA, $"a.{s.TldA}\n"), withToken: false);
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_uploaded_file_is_read_like_pasted_names()
    {
        var s = await SetupAsync();
        var (_, form) = await s.Staff.GetAsync("/campaigns/new");
        using var content = new MultipartFormDataContent();
        foreach (var (key, value) in Form("File " + s.TldA, ""))
        {
            content.Add(new StringContent(value), key);
        }

        content.Add(new StringContent(Browser.Token(form)), "__RequestVerificationToken");
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes($"# a list\nfqdn,source\nx.{s.TldA},feed\ny.{s.TldB},feed\n"));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        content.Add(file, "Upload", "list.csv");
        var response = await s.Staff.Client.PostAsync("/campaigns/new", content);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain("id=\"created\"");
        html.ShouldContain($"<tr data-registry=\"{s.A}\">");
        html.ShouldContain($"<tr data-registry=\"{s.B}\">");
    }

    [Fact]
    public async Task A_registry_sees_and_answers_only_its_own_request()
    {
        var s = await SetupAsync();
        var (_, html) = await s.Staff.SubmitAsync("/campaigns/new", Form("Portal " + s.TldA, $"a.{s.TldA}\nb.{s.TldA}\nc.{s.TldA}\nsecret.{s.TldB}\n"));
        var id = CampaignIdFrom(html);
        var (requestA, requestB) = (await RequestIdAsync(id, s.A), await RequestIdAsync(id, s.B));
        var userA = await RegistryUserAsync(s.A);

        // A TLP:GREEN campaign: still, registry A's user sees its own request only, and no staff page.
        var (toPortal, _) = await userA.GetAsync("/campaigns");
        toPortal.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        toPortal.Headers.Location!.OriginalString.ShouldBe("/campaigns/portal");
        var (_, portal) = await userA.GetAsync("/campaigns/portal");
        portal.ShouldContain($"data-request=\"{requestA}\"");
        portal.ShouldNotContain(requestB.ToString());
        portal.ShouldNotContain(s.TldB);
        (await userA.GetAsync($"/campaigns/portal/{requestB}")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await userA.GetAsync($"/campaigns/{id}")).Response.StatusCode.ShouldNotBe(HttpStatusCode.OK);
        (await userA.GetAsync($"/campaigns/{id}/export.csv")).Response.StatusCode.ShouldNotBe(HttpStatusCode.OK);
        var (page, mine) = await userA.GetAsync($"/campaigns/portal/{requestA}");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        mine.ShouldContain($"a.{s.TldA}");
        mine.ShouldNotContain("secret.");

        // Posting to B's request from A's own page is refused as unknown, and writes nothing.
        var token = Browser.Token(mine);
        var forged = await userA.Client.PostAsync($"/campaigns/portal/{requestB}?handler=Report", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["selected"] = $"secret.{s.TldB}.",
            ["outcome"] = "actioned",
        }));
        forged.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Acknowledge, then report two names actioned with the bulk selection, then one refused by CSV.
        var ack = await userA.Client.PostAsync($"/campaigns/portal/{requestA}?handler=Acknowledge",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        ack.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ack.Content.ReadAsStringAsync()).ShouldContain("Acknowledged: 3 names.");
        var report = new FormUrlEncodedContent(new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", token), new("selected", $"a.{s.TldA}."), new("selected", $"b.{s.TldA}."), new("outcome", "actioned"),
        });
        var reported = await userA.Client.PostAsync($"/campaigns/portal/{requestA}?handler=Report", report);
        (await reported.Content.ReadAsStringAsync()).ShouldContain("Recorded: 2 names.");

        using var bad = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes($"name,outcome\nc.{s.TldA},refused\nsecret.{s.TldB},actioned\n")), "csv", "outcomes.csv" },
        };
        var refused = await userA.Client.PostAsync($"/campaigns/portal/{requestA}?handler=Upload", bad);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain($"not in this request: secret.{s.TldB}.; nothing was recorded");

        using var good = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes($"name,outcome,detail\nc.{s.TldA},refused,court order needed\n")), "csv", "outcomes.csv" },
        };
        var uploaded = await userA.Client.PostAsync($"/campaigns/portal/{requestA}?handler=Upload", good);
        (await uploaded.Content.ReadAsStringAsync()).ShouldContain("Recorded: 1 names.");

        // The coverage view counts it: A has 2 actioned and 1 acknowledged (refused), B still 1 requested.
        var (_, coverage) = await s.Staff.GetAsync($"/campaigns/{id}");
        coverage.ShouldContain($"data-registry=\"{s.A}\" data-counts=\"0/1/2/0/0\"");
        coverage.ShouldContain($"data-registry=\"{s.B}\" data-counts=\"1/0/0/0/0\"");
        var (_, drill) = await s.Staff.GetAsync($"/campaigns/{id}?registry={s.A}");
        drill.ShouldContain("refused: court order needed");

        // Registry B's user sees B's request, untouched, and none of A's names.
        var userB = await RegistryUserAsync(s.B);
        var (_, portalB) = await userB.GetAsync($"/campaigns/portal/{requestB}");
        portalB.ShouldContain($"secret.{s.TldB}");
        portalB.ShouldNotContain($"a.{s.TldA}");
        portalB.ShouldContain("data-status=\"requested\"");
        (await userB.GetAsync($"/campaigns/portal/{requestA}")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
