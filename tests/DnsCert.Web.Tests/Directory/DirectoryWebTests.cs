using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Directory;

/// <summary>The server with the reach-test sender replaced by a recorder (sending only; answers go through real HTTP).</summary>
public sealed class DirectoryWebFactory : DnsCertWebFactory
{
    public RecordingReachMailerForTests Mailer { get; } = new();

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Team:PublicUrl", "https://dns-cert.example");
        builder.ConfigureTestServices(s => s.AddSingleton<IReachMailer>(Mailer));
    }
}

/// <summary>Test double for sending only: the notification outbox (issue 8) will send for real.</summary>
public sealed class RecordingReachMailerForTests : IReachMailer
{
    public List<ReachMessage> Sent { get; } = [];

    public Task SendAsync(ReachMessage message, CancellationToken cancellationToken)
    {
        lock (Sent)
        {
            Sent.Add(message);
        }

        return Task.CompletedTask;
    }
}

public partial class DirectoryWebTests(DirectoryWebFactory factory) : IClassFixture<DirectoryWebFactory>
{
    private async Task<Browser> StaffAsync()
    {
        var name = People.Unique("handler");
        var key = await People.CreateEnrolledAsync(factory, name, [Roles.IncidentHandler]);
        var browser = Browser.Open(factory);
        await browser.SignInFullyAsync(name, key);
        return browser;
    }

    private async Task<Guid> CreateOrganisationAsync(Browser staff, string name, string timeZone = "Africa/Bamako")
    {
        var response = await staff.Client.PostAsJsonAsync("/api/v1/organisations",
            new { name, kind = "cctld-registry", region = "africa", country = "ML", languages = new[] { "fr" }, timeZone, resourceConstrained = true });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<long> CountAsync(string sql, Guid organisation)
    {
        using var scope = factory.Services.CreateScope();
        await using var command = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = organisation });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A signed-in constituent who belongs to <paramref name="organisation"/>.</summary>
    private async Task<Browser> ConstituentOfAsync(Guid organisation)
    {
        var user = await People.CreateAsync(factory, People.Unique("constituent"), [Roles.Constituent]);
        using (var scope = factory.Services.CreateScope())
        {
            await using var command = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>().CreateCommand("UPDATE users SET organisation_id = $1 WHERE id = $2");
            command.Parameters.Add(new NpgsqlParameter { Value = organisation });
            command.Parameters.Add(new NpgsqlParameter { Value = user.Id });
            await command.ExecuteNonQueryAsync();
        }

        var constituent = Browser.Open(factory);
        await constituent.SignInAsync(user.UserName!, People.Password);
        return constituent;
    }

    private static object Contact(string email = "noc@example.org", string? phone = "+223 20 22 00 00", string? key = null) => new
    {
        name = "NOC",
        isRoleMailbox = true,
        roles = new[] { "emergency" },
        email,
        phone,
        language = "fr",
        openPgpKey = key,
    };

    [Theory]
    [InlineData("email", "not-an-address", "+223 20 22 00 00", null)]
    [InlineData("phone", "noc@example.org", "0223 20", null)]
    [InlineData("openPgpKey", "noc@example.org", null, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----")]
    public async Task Api_bad_contact_input_is_a_problem_naming_the_field_and_saves_nothing(string field, string email, string? phone, string? key)
    {
        var staff = await StaffAsync();
        var organisation = await CreateOrganisationAsync(staff, People.Unique("Registry "));

        var response = await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{organisation}/contacts", Contact(email, phone, key));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        (await CountAsync("SELECT count(*) FROM contacts WHERE organisation_id = $1", organisation)).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM audit_log WHERE target_id = $1::text AND action LIKE 'contact.%'", organisation)).ShouldBe(0);
    }

    [Fact]
    public async Task Api_bad_time_zone_and_duplicate_claim_are_field_errors()
    {
        var staff = await StaffAsync();
        var bad = await staff.Client.PostAsJsonAsync("/api/v1/organisations",
            new { name = "Nowhere", kind = "registrar", timeZone = "Europe/Atlantis" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("timeZone", out _).ShouldBeTrue();

        var organisation = await CreateOrganisationAsync(staff, People.Unique("Claimer "));
        (await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{organisation}/asset-claims", new { kind = "zone", value = "ml" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var duplicate = await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{organisation}/asset-claims", new { kind = "zone", value = "ML." });
        duplicate.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await duplicate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("value", out _).ShouldBeTrue();
        (await CountAsync("SELECT count(*) FROM asset_claims WHERE organisation_id = $1", organisation)).ShouldBe(1);
    }

    [Fact]
    public async Task Contact_page_shows_the_field_error_saves_nothing_then_saves_and_the_directory_finds_it()
    {
        var staff = await StaffAsync();
        var name = People.Unique("Agence ");
        var organisation = await CreateOrganisationAsync(staff, name);
        var page = $"/directory/{organisation}/contact";
        var fields = new Dictionary<string, string>
        {
            ["Name"] = "Awa Traoré",
            ["Roles"] = "technical",
            ["Email"] = "awa@example.org",
            ["Phone"] = "+000 555",
            ["Language"] = "fr",
        };

        var (bad, html) = await staff.SubmitAsync(page, fields);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        html.ShouldContain("id=\"error-phone\"");
        html.ShouldContain("value=\"awa@example.org\"");
        (await CountAsync("SELECT count(*) FROM contacts WHERE organisation_id = $1", organisation)).ShouldBe(0);

        fields["Phone"] = "+223 20 22 00 01";
        var (good, _) = await staff.SubmitAsync(page, fields);
        good.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var (_, directory) = await staff.GetAsync("/directory?q=" + Uri.EscapeDataString(name) + "&kind=cctld-registry&region=africa&language=fr");
        directory.ShouldContain($"/directory/{organisation}");
        var (_, organisationPage) = await staff.GetAsync($"/directory/{organisation}");
        organisationPage.ShouldContain("22320220001");
        organisationPage.ShouldContain("contact.created");
        organisationPage.ShouldContain("Africa/Bamako");
    }

    [Fact]
    public async Task A_constituent_24x7_change_waits_for_approval_and_others_cannot_see_its_contacts()
    {
        var staff = await StaffAsync();
        var organisation = await CreateOrganisationAsync(staff, People.Unique("Own "));
        var constituent = await ConstituentOfAsync(organisation);
        var response = await constituent.Client.PostAsJsonAsync($"/api/v1/organisations/{organisation}/contacts", Contact());
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        (await CountAsync("SELECT count(*) FROM contacts WHERE organisation_id = $1", organisation)).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM pending_contact_changes WHERE organisation_id = $1", organisation)).ShouldBe(1);

        var other = await CreateOrganisationAsync(staff, People.Unique("Other "));
        (await constituent.Client.PostAsJsonAsync($"/api/v1/organisations/{other}/contacts", Contact())).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Reads: once staff add a (TLP:AMBER) contact, its own constituent sees it and a constituent of another organisation does not.
        (await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{organisation}/contacts", Contact("seen@example.org"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await constituent.Client.GetFromJsonAsync<JsonElement>($"/api/v1/organisations/{organisation}")).GetProperty("contacts").GetArrayLength().ShouldBe(1);
        var stranger = await ConstituentOfAsync(other);
        var read = await stranger.Client.GetAsync($"/api/v1/organisations/{organisation}");
        var body = await read.Content.ReadAsStringAsync();
        read.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        JsonDocument.Parse(body).RootElement.GetProperty("contacts").GetArrayLength().ShouldBe(0);
        body.ShouldNotContain("seen@example.org");
    }

    [Fact]
    public async Task Routing_api_names_the_registry_contact_and_language()
    {
        var staff = await StaffAsync();
        var tld = "t" + Guid.NewGuid().ToString("N")[..10];
        var organisation = await CreateOrganisationAsync(staff, People.Unique("Router "));
        (await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{organisation}/contacts", Contact())).StatusCode.ShouldBe(HttpStatusCode.Created);
        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IDirectoryRepository>()
                .AddAssetAsync(organisation, AssetKind.Zone, tld, DirectoryActor.System, default);
        }

        var route = await staff.Client.GetFromJsonAsync<JsonElement>($"/api/v1/route?name=www.example.{tld}&purpose=abuse");
        var registry = route.GetProperty("chain")[0];
        registry.GetProperty("organisationId").GetGuid().ShouldBe(organisation);
        registry.GetProperty("contactEmail").GetString().ShouldBe("noc@example.org");
        registry.GetProperty("language").GetString().ShouldBe("fr");
        route.GetProperty("registrableDomain").GetString().ShouldBe($"example.{tld}");
    }

    [Fact]
    public async Task Routing_api_names_an_amber_contact_to_staff_but_not_to_a_constituent_of_another_organisation()
    {
        var staff = await StaffAsync();
        var tld = "t" + Guid.NewGuid().ToString("N")[..10];
        var organisation = await CreateOrganisationAsync(staff, People.Unique("Amber "));
        (await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{organisation}/contacts", Contact("amber@example.org"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await CountAsync("SELECT count(*) FROM contacts WHERE organisation_id = $1 AND tlp = 2 AND email = 'amber@example.org'", organisation)).ShouldBe(1);
        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IDirectoryRepository>()
                .AddAssetAsync(organisation, AssetKind.Zone, tld, DirectoryActor.System, default);
        }

        var url = $"/api/v1/route?name=www.example.{tld}&purpose=emergency";
        var stranger = await ConstituentOfAsync(await CreateOrganisationAsync(staff, People.Unique("Stranger ")));
        var response = await stranger.Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        body.ShouldNotContain("amber@example.org");
        var seen = JsonDocument.Parse(body).RootElement.GetProperty("chain")[0];
        seen.GetProperty("organisationId").GetGuid().ShouldBe(organisation);
        seen.GetProperty("contactEmail").ValueKind.ShouldBe(JsonValueKind.Null);

        var route = await staff.Client.GetFromJsonAsync<JsonElement>(url);
        route.GetProperty("chain")[0].GetProperty("contactEmail").GetString().ShouldBe("amber@example.org");
    }

    [Fact]
    public async Task A_reach_test_is_answered_through_its_link_and_the_report_shows_it()
    {
        var staff = await StaffAsync();
        var answering = await CreateOrganisationAsync(staff, People.Unique("Answers "));
        var silent = await CreateOrganisationAsync(staff, People.Unique("Silent "));
        (await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{answering}/contacts", Contact("yes@example.org"))).EnsureSuccessStatusCode();
        (await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{silent}/contacts", Contact("silent@example.org"))).EnsureSuccessStatusCode();
        var campaign = People.Unique("Quarterly ");

        staff.Client.DefaultRequestHeaders.Host = "attacker.example"; // a spoofed Host header (AllowedHosts is "*")
        var (started, _) = await staff.SubmitAsync("/reach", new Dictionary<string, string> { ["name"] = campaign, ["kind"] = "cctld-registry" });
        started.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var report = started.Headers.Location!.OriginalString;
        staff.Client.DefaultRequestHeaders.Host = null;

        ReachMessage message;
        lock (factory.Mailer.Sent)
        {
            message = factory.Mailer.Sent.Single(m => m.Email == "yes@example.org" && m.CampaignId.ToString() == report.Split('/')[^1]);
        }

        var recipient = Browser.Open(factory);
        // The link is built from Team:PublicUrl, not from the Host the staff request came with.
        message.AnswerLink.Host.ShouldBe("dns-cert.example");
        var link = message.AnswerLink.AbsolutePath;
        link.ShouldStartWith("/reach/answer/");
        var (opened, openedHtml) = await recipient.GetAsync(link);
        opened.StatusCode.ShouldBe(HttpStatusCode.OK);
        openedHtml.ShouldNotContain("id=\"answered\"");
        var (answered, answeredHtml) = await recipient.SubmitAsync(link, new Dictionary<string, string>());
        answered.StatusCode.ShouldBe(HttpStatusCode.OK);
        answeredHtml.ShouldContain("id=\"answered\"");
        // A valid antiforgery token (from the real answer page, same browser), so only the forged answer token can refuse.
        var forged = await recipient.Client.PostAsync("/reach/answer/forged-token",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Browser.Token(openedHtml) }));
        forged.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var (_, reportHtml) = await staff.GetAsync(report);
        NeverAnswered().Match(reportHtml).Value.ShouldContain("silent@example.org");
        NeverAnswered().Match(reportHtml).Value.ShouldNotContain("yes@example.org");

        // The report names TLP:AMBER emergency contacts: governance, outside the core team, may not open it.
        var governanceName = People.Unique("governance");
        var governanceKey = await People.CreateEnrolledAsync(factory, governanceName, [Roles.Governance]);
        var governance = Browser.Open(factory);
        await governance.SignInFullyAsync(governanceName, governanceKey);
        var (refused, refusedHtml) = await governance.GetAsync(report);
        // Pages answer a forbidden request with the access-denied page (the cookie scheme's 403 is for API calls).
        refused.StatusCode.ShouldBe(HttpStatusCode.Found);
        refused.Headers.Location!.AbsolutePath.ShouldBe("/account/denied");
        refusedHtml.ShouldNotContain("silent@example.org");
    }

    [Fact]
    public async Task Staff_edit_an_organisation_a_bad_time_zone_is_a_field_error_and_vetting_needs_a_voucher()
    {
        var staff = await StaffAsync();
        var organisation = await CreateOrganisationAsync(staff, People.Unique("Editable "));
        var page = $"/directory/{organisation}/edit";
        var fields = new Dictionary<string, string>
        {
            ["Name"] = "Renamed registry",
            ["Kind"] = "cctld-registry",
            ["Region"] = "africa",
            ["Country"] = "ML",
            ["Languages"] = "fr en",
            ["TimeZone"] = "Africa/Nowhere",
            ["Vetting"] = "vetted",
            ["VouchedBy"] = "AfricaCERT",
        };

        var (bad, html) = await staff.SubmitAsync(page, fields);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        html.ShouldContain("id=\"error-timeZone\"");
        fields["TimeZone"] = "Africa/Bamako";
        fields["VouchedBy"] = "";
        (await staff.SubmitAsync(page, fields)).Html.ShouldContain("id=\"error-vouchedBy\"");
        (await CountAsync("SELECT count(*) FROM organisations WHERE id = $1 AND name = 'Renamed registry'", organisation)).ShouldBe(0);

        fields["VouchedBy"] = "AfricaCERT";
        (await staff.SubmitAsync(page, fields)).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var (_, after) = await staff.GetAsync($"/directory/{organisation}");
        after.ShouldContain("Renamed registry");
        after.ShouldContain("AfricaCERT");
        after.ShouldContain("organisation.vetted");
    }

    [GeneratedRegex("<ul id=\"never-answered\">.*?</ul>", RegexOptions.Singleline)]
    private static partial Regex NeverAnswered();
}
