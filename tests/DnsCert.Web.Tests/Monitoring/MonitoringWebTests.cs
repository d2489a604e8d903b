using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Infrastructure.Identity;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;
using DnsCert.Tests.Monitoring;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Monitoring;

/// <summary>
/// The monitoring pages and API on the real server and database: who sees which zone (the visibility predicate),
/// worst-first order and counts, field errors, and the four-eyes baseline approval.
/// </summary>
public sealed class MonitoringWebTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private MonitoringSeed Seed => new(factory.Services.GetRequiredService<NpgsqlDataSource>());

    /// <summary>Three zones of one test: alpha held by organisation A and down, beta held by B and degraded, gamma held by nobody and up.</summary>
    private async Task<(string Alpha, string Beta, string Gamma, Guid A, Guid B)> ZonesAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (alpha, beta, gamma) = ($"alpha{suffix}.test.", $"beta{suffix}.test.", $"gamma{suffix}.test.");
        var directory = factory.Services.GetRequiredService<IDirectoryRepository>();
        var a = await directory.CreateOrganisationAsync(new OrganisationInput("Registry A " + suffix, OrganisationKind.CcTldRegistry, IcannRegion.Africa, "ML", ["fr"],
            "Africa/Bamako", true), DirectoryActor.System, CancellationToken.None);
        var b = await directory.CreateOrganisationAsync(new OrganisationInput("Registry B " + suffix, OrganisationKind.CcTldRegistry, IcannRegion.Africa, "SN", ["fr"],
            "Africa/Dakar", true), DirectoryActor.System, CancellationToken.None);
        await directory.AddAssetAsync(a, AssetKind.Zone, DirectoryValidation.AssetValue(AssetKind.Zone, alpha), DirectoryActor.System, CancellationToken.None);
        await directory.AddAssetAsync(b, AssetKind.Zone, DirectoryValidation.AssetValue(AssetKind.Zone, beta), DirectoryActor.System, CancellationToken.None);
        var seed = Seed;
        await seed.ZoneAsync(alpha, ZoneState.Down, MonitoringSeed.Finding("DEL-02", alpha, alpha));
        await seed.ZoneAsync(beta, ZoneState.Up, MonitoringSeed.Finding("DEL-04", beta, "ns2." + beta), MonitoringSeed.Finding("ZN-03", beta, beta));
        await seed.ZoneAsync(gamma, ZoneState.Up);
        return (alpha, beta, gamma, a, b);
    }

    private async Task<Browser> ConstituentOfAsync(Guid organisation, string role = Roles.Constituent, string language = "en")
    {
        var created = await People.CreateAsync(factory, People.Unique("constituent"), [role], language: language);
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

    private async Task<Browser> StaffAsync(string role = Roles.Analyst)
    {
        var name = People.Unique("staff");
        var key = await People.CreateEnrolledAsync(factory, name, [role]);
        var browser = Browser.Open(factory);
        await browser.SignInFullyAsync(name, key);
        return browser;
    }

    /// <summary>A page's refusal: the console sends to "Not allowed".</summary>
    private static void Denied(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.ShouldBe("/account/denied");
    }

    private static string Page(string zone) => "/monitoring/zone?name=" + Uri.EscapeDataString(zone);

    private static string Api(string zone) => "/api/v1/monitoring/zones/" + Uri.EscapeDataString(zone);

    [Fact]
    public async Task A_constituent_sees_only_its_organisations_zones_in_pages_and_api()
    {
        var (alpha, beta, gamma, a, _) = await ZonesAsync();
        var constituent = await ConstituentOfAsync(a);

        var (list, html) = await constituent.GetAsync("/monitoring");
        list.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain(alpha);
        html.ShouldNotContain(beta);
        html.ShouldNotContain(gamma);
        (await constituent.GetAsync(Page(alpha))).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await constituent.GetAsync(Page(beta))).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await constituent.GetAsync("/monitoring/evidence?name=" + Uri.EscapeDataString(beta) + "&finding=0")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await constituent.GetAsync("/monitoring/evidence?name=" + Uri.EscapeDataString(alpha) + "&finding=0")).Html.ShouldContain("status: REFUSED");

        var zones = await constituent.Client.GetFromJsonAsync<JsonElement>("/api/v1/monitoring/zones");
        zones.GetProperty("zones").EnumerateArray().Select(z => z.GetProperty("zone").GetString()).ShouldBe([alpha]);
        (await constituent.Client.GetAsync(Api(beta))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await constituent.Client.GetAsync(Api(beta) + "/history")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await constituent.Client.GetAsync(Api(alpha) + "/history")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Governance is signed in but holds no zone: nothing (TLP:AMBER is not for the whole community).
        var governance = await ConstituentOfAsync(a, Roles.Governance);
        (await governance.GetAsync("/monitoring")).Html.ShouldNotContain(alpha);
        (await governance.Client.GetAsync(Api(alpha))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Not signed in: the page sends to sign-in, the API refuses.
        var anonymous = Browser.Open(factory);
        (await anonymous.GetAsync("/monitoring")).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await anonymous.Client.GetAsync("/api/v1/monitoring/zones")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Staff_see_every_zone_worst_first_with_counts_and_filters()
    {
        var (alpha, beta, gamma, _, b) = await ZonesAsync();
        var analyst = await StaffAsync();

        var mine = new[] { alpha, beta, gamma };
        var zones = await analyst.Client.GetFromJsonAsync<JsonElement>("/api/v1/monitoring/zones?tld=test&limit=1000");
        var order = zones.GetProperty("zones").EnumerateArray().Select(z => (Zone: z.GetProperty("zone").GetString()!, Health: z.GetProperty("health").GetString()))
            .Where(z => mine.Contains(z.Zone)).ToList();
        order.ShouldBe([(alpha, "Down"), (beta, "Degraded"), (gamma, "Up")]);
        zones.GetProperty("counts").GetProperty("Down").GetInt32().ShouldBeGreaterThanOrEqualTo(1);

        var degraded = await analyst.Client.GetFromJsonAsync<JsonElement>($"/api/v1/monitoring/zones?state=degraded&organisation={b}");
        degraded.GetProperty("zones").EnumerateArray().Select(z => z.GetProperty("zone").GetString()).ShouldBe([beta]);

        var (_, html) = await analyst.GetAsync("/monitoring?state=degraded");
        html.ShouldContain(beta);
        html.ShouldNotContain(alpha);
        var (page, detail) = await analyst.GetAsync(Page(beta));
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        detail.ShouldContain("DEL-04");
        detail.ShouldContain("<svg class=\"chart\" id=\"availability-chart\"");

        var bad = await analyst.Client.GetAsync("/api/v1/monitoring/zones?state=sideways");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("state", out _).ShouldBeTrue();
        var (badPage, badHtml) = await analyst.GetAsync("/monitoring?state=sideways");
        badPage.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        badHtml.ShouldContain("data-field=\"state\"");
    }

    [Fact]
    public async Task History_has_rtt_per_address_and_the_zone_page_draws_it()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var zone = $"rtt{suffix}.test.";
        var seed = Seed;
        await seed.ZoneAsync(zone, ZoneState.Up);
        await seed.ProbesAsync(zone, 3, 40, 120);
        var analyst = await StaffAsync();

        var history = await analyst.Client.GetFromJsonAsync<JsonElement>(Api(zone) + "/history?days=1");
        var rtt = history.GetProperty("rtt").EnumerateArray().ToList();
        rtt.Select(r => r.GetProperty("address").GetString()).Distinct().Order().ShouldBe(["127.0.0.1", "127.0.0.2"]);
        rtt.Where(r => r.GetProperty("transport").GetString() == "udp").ShouldAllBe(r => r.GetProperty("medianMs").GetDouble() == 40);
        rtt.Where(r => r.GetProperty("transport").GetString() == "tcp").ShouldAllBe(r => r.GetProperty("p95Ms").GetDouble() == 120);
        history.GetProperty("days").GetArrayLength().ShouldBeGreaterThanOrEqualTo(1);

        var (_, html) = await analyst.GetAsync(Page(zone) + "&days=1");
        html.ShouldContain("id=\"rtt-chart-0\"");
        html.ShouldContain("id=\"rtt-chart-1\"");
        html.ShouldContain("UDP 500 ms");
        html.ShouldContain("class=\"rtt-table\"");
        (await analyst.Client.GetAsync(Api(zone) + "/history?days=90")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_baseline_needs_a_second_person_and_constituents_cannot_change_anything()
    {
        var (alpha, _, _, a, _) = await ZonesAsync();
        var first = await StaffAsync(Roles.DutyOfficer);
        var second = await StaffAsync(Roles.IncidentHandler);
        var constituent = await ConstituentOfAsync(a);

        Denied((await constituent.SubmitAsync(Page(alpha) + "&handler=Capture", new Dictionary<string, string>())).Response);
        Denied((await constituent.SubmitAsync("/monitoring?handler=Add", new Dictionary<string, string> { ["Zone"] = "x.test", ["IntervalSeconds"] = "60" })).Response);
        (await Seed.Zones.GetAsync("x.test", CancellationToken.None)).ShouldBeNull();
        (await Seed.Zones.GetAsync(alpha, CancellationToken.None))!.Proposed.ShouldBeNull();

        var (captured, _) = await first.SubmitAsync(Page(alpha) + "&handler=Capture", new Dictionary<string, string>());
        captured.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var (own, ownHtml) = await first.SubmitAsync(Page(alpha) + "&handler=Approve", new Dictionary<string, string>());
        own.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        ownHtml.ShouldContain("data-field=\"baseline\"");
        (await Seed.Zones.GetAsync(alpha, CancellationToken.None))!.Baseline.ShouldBeNull();

        var (approved, _) = await second.SubmitAsync(Page(alpha) + "&handler=Approve", new Dictionary<string, string>());
        approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var stored = (await Seed.Zones.GetAsync(alpha, CancellationToken.None))!;
        stored.Baseline!.NameServers.ShouldBe(["ns1." + alpha, "ns2." + alpha]);
        stored.Proposed.ShouldBeNull();
        (await constituent.GetAsync(Page(alpha))).Html.ShouldContain("ns2." + alpha);
        await using (var audit = factory.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT string_agg(action, ' ' ORDER BY id) FROM audit_log WHERE target_type = 'watched-zone' AND target_id = $1"))
        {
            audit.Parameters.Add(new NpgsqlParameter { Value = alpha });
            (await audit.ExecuteScalarAsync()).ShouldBe("monitoring.baseline-proposed monitoring.baseline-approved");
        }

        var (pasted, pastedHtml) = await first.SubmitAsync(Page(alpha) + "&handler=Propose", new Dictionary<string, string> { ["BaselineJson"] = "{\"zone\":\"other.test.\"}" });
        pasted.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        pastedHtml.ShouldContain("id=\"error-baselineJson\"");
        (await Seed.Zones.GetAsync(alpha, CancellationToken.None))!.Proposed.ShouldBeNull();
    }

    [Fact]
    public async Task Adding_a_zone_names_the_wrong_field_and_saves_nothing()
    {
        var analyst = await StaffAsync(Roles.Administrator);
        var zone = $"new{Guid.NewGuid().ToString("N")[..8]}.test";

        var (badName, nameHtml) = await analyst.SubmitAsync("/monitoring?handler=Add", new Dictionary<string, string> { ["Zone"] = "not a name!", ["IntervalSeconds"] = "60" });
        badName.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        nameHtml.ShouldContain("id=\"error-zone\"");
        var (badInterval, intervalHtml) = await analyst.SubmitAsync("/monitoring?handler=Add", new Dictionary<string, string> { ["Zone"] = zone, ["IntervalSeconds"] = "5" });
        badInterval.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        intervalHtml.ShouldContain("id=\"error-intervalSeconds\"");
        (await Seed.Zones.GetAsync(zone, CancellationToken.None)).ShouldBeNull();

        var (added, _) = await analyst.SubmitAsync("/monitoring?handler=Add", new Dictionary<string, string> { ["Zone"] = zone, ["IntervalSeconds"] = "300" });
        added.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await Seed.Zones.GetAsync(zone, CancellationToken.None))!.IntervalSeconds.ShouldBe(300);
        var (again, againHtml) = await analyst.SubmitAsync("/monitoring?handler=Add", new Dictionary<string, string> { ["Zone"] = zone.ToUpperInvariant() + ".", ["IntervalSeconds"] = "60" });
        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        againHtml.ShouldContain("id=\"error-zone\"");

        var page = Page(zone + ".");
        (await analyst.SubmitAsync(page + "&handler=Interval", new Dictionary<string, string> { ["IntervalSeconds"] = "120" })).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await Seed.Zones.GetAsync(zone, CancellationToken.None))!.IntervalSeconds.ShouldBe(120);
        (await analyst.SubmitAsync(page + "&handler=Remove", new Dictionary<string, string>())).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await Seed.Zones.GetAsync(zone, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Check_remediation_is_translated_and_every_catalogue_check_has_its_strings()
    {
        var (alpha, _, _, a, _) = await ZonesAsync();
        var (_, french) = await (await ConstituentOfAsync(a, language: "fr")).GetAsync(Page(alpha));
        french.ShouldContain("Configurez la zone sur les serveurs délégués");
        french.ShouldContain("Le parent publie une délégation NS pour la zone.");
        var (_, english) = await (await ConstituentOfAsync(a)).GetAsync(Page(alpha));
        english.ShouldContain(DnsCert.Monitoring.Checks.CheckCatalogue.Get("DEL-02").Remediation);
        _ = Severity.Critical;
    }
}
