using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DnsCert.Core.Accounts;
using DnsCert.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Incidents;

/// <summary>Incidents through the real server: visibility on pages, API and exports; the acknowledgement link; the public form.</summary>
public sealed partial class IncidentWebTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private async Task<Browser> StaffAsync()
    {
        var name = People.Unique("duty");
        var key = await People.CreateEnrolledAsync(factory, name, [Roles.DutyOfficer]);
        var browser = Browser.Open(factory);
        await browser.SignInFullyAsync(name, key);
        return browser;
    }

    private async Task<Browser> ConstituentOfAsync(Guid organisation)
    {
        var user = await People.CreateAsync(factory, People.Unique("constituent"), [Roles.Constituent]);
        await ExecuteAsync("UPDATE users SET organisation_id = $1 WHERE id = $2", organisation, user.Id);
        var constituent = Browser.Open(factory);
        (await constituent.SignInAsync(user.UserName!, People.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return constituent;
    }

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        using var scope = factory.Services.CreateScope();
        await using var command = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }

    private async Task<byte[]?> ScalarBytesAsync(string sql, object value)
    {
        using var scope = factory.Services.CreateScope();
        await using var command = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return await command.ExecuteScalarAsync() as byte[];
    }

    /// <summary>A registry with a 24x7 contact writing in <paramref name="language"/> that holds zone <paramref name="zone"/>.</summary>
    private static async Task<Guid> RegistryAsync(Browser staff, string zone, string language)
    {
        var created = await staff.Client.PostAsJsonAsync("/api/v1/organisations",
            new { name = People.Unique("Registry "), kind = "cctld-registry", region = "africa", languages = new[] { language }, timeZone = "UTC" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{id}/contacts",
            new { name = "NOC", isRoleMailbox = true, roles = new[] { "emergency" }, email = $"noc@{zone}.test", language })).StatusCode.ShouldBe(HttpStatusCode.Created);
        return id;
    }

    private static async Task<long> OpenAsync(Browser staff, string title, string tlp, string assets = "")
    {
        var response = await staff.Client.PostAsJsonAsync("/api/v1/incidents", new
        {
            title,
            classification = "availability:outage",
            scope = "tld",
            tlp,
            pap = "amber",
            assets,
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task A_constituent_sees_their_organisations_incident_on_pages_api_and_export_and_nothing_of_others()
    {
        var staff = await StaffAsync();
        var zoneA = "a" + Guid.NewGuid().ToString("N")[..8];
        var zoneB = "b" + Guid.NewGuid().ToString("N")[..8];
        var orgA = await RegistryAsync(staff, zoneA, "fr");
        var orgB = await RegistryAsync(staff, zoneB, "en");
        // The zone is orgA's (as an import would record it): routing the incident's asset makes orgA its audience.
        await ExecuteAsync("INSERT INTO assets (id, organisation_id, kind, value, source, created_at) VALUES (gen_random_uuid(), $1, 'zone', $2, 'manual', now())", orgA, zoneA);

        var amber = await OpenAsync(staff, $"{zoneA} down", "amber", assets: zoneA);
        var red = await OpenAsync(staff, $"{zoneA} red matter", "red", assets: zoneA);
        (await staff.Client.PostAsJsonAsync($"/api/v1/incidents/{amber}/comments", new { text = "internal suspicion", @internal = true })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await staff.Client.PostAsJsonAsync($"/api/v1/incidents/{amber}/comments", new { text = "we are on it", @internal = false })).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var a = await ConstituentOfAsync(orgA);
        var b = await ConstituentOfAsync(orgB);

        // Pages.
        var (page, html) = await a.GetAsync($"/incidents/{amber}");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("we are on it");
        html.ShouldNotContain("internal suspicion");
        html.ShouldNotContain("id=\"comment-form\"");
        (await a.GetAsync("/incidents")).Html.ShouldContain($"data-incident=\"{amber}\"");
        (await a.GetAsync("/incidents")).Html.ShouldNotContain($"data-incident=\"{red}\"");
        (await a.GetAsync($"/incidents/{red}")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await b.GetAsync($"/incidents/{amber}")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await b.GetAsync("/incidents")).Html.ShouldNotContain($"data-incident=\"{amber}\"");

        // API.
        var list = await a.Client.GetFromJsonAsync<JsonElement>("/api/v1/incidents");
        list.EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ShouldContain(amber);
        list.EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ShouldNotContain(red);
        (await b.Client.GetFromJsonAsync<JsonElement>("/api/v1/incidents")).EnumerateArray().ShouldBeEmpty();
        (await b.Client.GetAsync($"/api/v1/incidents/{amber}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await a.Client.GetAsync($"/api/v1/incidents/{red}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var detail = await a.Client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{amber}");
        detail.GetProperty("timeline").EnumerateArray().ShouldNotContain(e => e.GetProperty("internal").GetBoolean());
        (await a.Client.PostAsJsonAsync($"/api/v1/incidents/{amber}/comments", new { text = "x", @internal = false })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Exports: the after-action Markdown from the API and from the page.
        var export = await a.Client.GetStringAsync($"/api/v1/incidents/{amber}/after-action.md");
        export.ShouldContain("we are on it");
        export.ShouldNotContain("internal suspicion");
        (await staff.Client.GetStringAsync($"/api/v1/incidents/{amber}/after-action.md")).ShouldContain("internal suspicion");
        (await b.Client.GetAsync($"/api/v1/incidents/{amber}/after-action.md")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await a.Client.GetAsync($"/api/v1/incidents/{red}/after-action.md")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await b.GetAsync($"/incidents/{amber}/after-action?handler=Markdown")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var (file, markdown) = await a.GetAsync($"/incidents/{amber}/after-action?handler=Markdown");
        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        markdown.ShouldNotContain("internal suspicion");

        // The creator of the TLP:RED incident sees it; another duty officer does not (RED is for named people).
        (await staff.Client.GetAsync($"/api/v1/incidents/{red}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await StaffAsync()).Client.GetAsync($"/api/v1/incidents/{red}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    /// <summary>The text of a PDF, by poppler's pdftotext (Debian poppler-utils, in ./dnscert's package list).</summary>
    private static async Task<string> PdfTextAsync(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), "dnscert-test-" + Guid.NewGuid().ToString("N") + ".pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            var text = await ProcessRunner.RunAsync("pdftotext", [file, "-"]);
            text.ExitCode.ShouldBe(0, text.StandardError);
            // Lines as laid out: a long title may wrap, so runs of blanks and line ends become one space (pages stay
            // apart: pdftotext ends each page with a form feed).
            return string.Join('\f', text.StandardOutput.Split('\f').Select(page => string.Join(' ', page.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_after_action_pdf_has_the_title_and_the_tlp_label_on_every_page_and_only_the_incidents_audience_gets_it()
    {
        var staff = await StaffAsync();
        var zoneA = "p" + Guid.NewGuid().ToString("N")[..8];
        var zoneB = "q" + Guid.NewGuid().ToString("N")[..8];
        var orgA = await RegistryAsync(staff, zoneA, "en");
        var orgB = await RegistryAsync(staff, zoneB, "en");
        await ExecuteAsync("INSERT INTO assets (id, organisation_id, kind, value, source, created_at) VALUES (gen_random_uuid(), $1, 'zone', $2, 'manual', now())", orgA, zoneA);
        var title = $"{zoneA} signatures expired";
        var id = await OpenAsync(staff, title, "amber", assets: zoneA);
        // Enough timeline for several pages, and markup that must stay text.
        for (var i = 0; i < 40; i++)
        {
            (await staff.Client.PostAsJsonAsync($"/api/v1/incidents/{id}/comments", new { text = $"step {i}: <b>re-signed</b> | checked", @internal = false }))
                .StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        var response = await staff.Client.GetAsync($"/api/v1/incidents/{id}/after-action.pdf");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Encoding.ASCII.GetString(pdf, 0, 5).ShouldBe("%PDF-");
        var text = await PdfTextAsync(pdf);
        text.ShouldContain(title);
        text.ShouldContain("step 39: <b>re-signed</b> | checked");
        // TLP 2.0: the label in the header and the footer of each page (pdftotext ends each page with a form feed).
        var pages = text.Split('\f', StringSplitOptions.RemoveEmptyEntries).Where(p => p.Trim().Length > 0).ToList();
        pages.Count.ShouldBeGreaterThan(1);
        pages.ShouldAllBe(p => p.Split("TLP:AMBER", StringSplitOptions.None).Length > 2);
        text.ShouldContain("DNS Computer Emergency Response Team");

        // The page links it, and its handler gives the same PDF to the incident's audience.
        (await staff.GetAsync($"/incidents/{id}/after-action")).Html.ShouldContain($"href=\"/incidents/{id}/after-action?handler=Pdf\"");
        var a = await ConstituentOfAsync(orgA);
        var (own, _) = await a.GetAsync($"/incidents/{id}/after-action?handler=Pdf");
        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        own.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");

        // Another organisation's constituent: as if the incident did not exist, through the API and the page.
        var b = await ConstituentOfAsync(orgB);
        (await b.Client.GetAsync($"/api/v1/incidents/{id}/after-action.pdf")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await b.GetAsync($"/incidents/{id}/after-action?handler=Pdf")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_chromium_the_pdf_export_is_a_clear_problem_and_a_page_message_never_a_stack_trace()
    {
        await using var site = factory.WithWebHostBuilder(b => b.UseSetting("Printing:ChromiumPath", "/nonexistent/chromium"));
        var name = People.Unique("duty");
        var key = await People.CreateEnrolledAsync(site, name, [Roles.DutyOfficer]);
        var staff = Browser.Open(site);
        await staff.SignInFullyAsync(name, key);
        var id = await OpenAsync(staff, People.Unique("no printer "), "amber");

        var response = await staff.Client.GetAsync($"/api/v1/incidents/{id}/after-action.pdf");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString()!.ShouldContain("Chromium at /nonexistent/chromium");

        var (page, html) = await staff.GetAsync($"/incidents/{id}/after-action?handler=Pdf");
        page.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        html.ShouldContain("role=\"alert\"");
        html.ShouldContain("Chromium at /nonexistent/chromium");
        html.ShouldNotContain("Exception");
    }

    [Fact]
    public async Task A_coordination_request_is_mailed_in_the_partys_language_and_its_link_acknowledges_it_without_an_account()
    {
        var staff = await StaffAsync();
        var zone = "c" + Guid.NewGuid().ToString("N")[..8];
        var org = await RegistryAsync(staff, zone, "es");
        var incident = await OpenAsync(staff, $"{zone} bogus", "amber");

        var bad = await staff.Client.PostAsJsonAsync($"/api/v1/incidents/{incident}/requests", new { organisationId = org, action = "", due = (DateTimeOffset?)null });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("action", out _).ShouldBeTrue();

        var sent = await staff.Client.PostAsJsonAsync($"/api/v1/incidents/{incident}/requests", new { organisationId = org, action = "Re-sign the zone", due = (DateTimeOffset?)null });
        sent.StatusCode.ShouldBe(HttpStatusCode.Created, await sent.Content.ReadAsStringAsync());
        var content = await ScalarBytesAsync(
            "SELECT m.content FROM notification_messages m JOIN coordination_requests r ON r.message = m.id WHERE r.incident_id = $1 AND m.language = 'es'", incident);
        var mime = Encoding.UTF8.GetString(content!).Replace("=\r\n", "", StringComparison.Ordinal);
        var link = AckLink().Match(mime);
        link.Success.ShouldBeTrue(mime);

        var party = Browser.Open(factory);
        (await party.GetAsync(link.Groups[1].Value)).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await party.SubmitAsync(link.Groups[1].Value + "x", new Dictionary<string, string>())).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var (response, html) = await party.SubmitAsync(link.Groups[1].Value, new Dictionary<string, string>());
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("id=\"acknowledged\"");

        var detail = await staff.Client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{incident}");
        detail.GetProperty("requests")[0].GetProperty("status").GetString().ShouldBe("acknowledged");
        detail.GetProperty("timeline").EnumerateArray().ShouldContain(e => e.GetProperty("text").GetString()!.Contains("acknowledged the coordination request", StringComparison.Ordinal));
        var page = (await staff.GetAsync($"/incidents/{incident}")).Html;
        page.ShouldContain("acknowledged");

        // Declining needs a reason: a field error, and the status stays.
        var requestId = detail.GetProperty("requests")[0].GetProperty("id").GetGuid();
        var decline = await staff.Client.PostAsJsonAsync($"/api/v1/incidents/{incident}/requests/{requestId}/status", new { status = "declined", reason = "" });
        decline.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await decline.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _).ShouldBeTrue();
    }

    [GeneratedRegex("https?://[^/\\s]+(/incidents/ack/[A-Za-z0-9_-]{20,})")]
    private static partial Regex AckLink();

    [Fact]
    public async Task The_public_form_needs_no_account_names_the_bad_field_and_files_a_report_the_duty_officer_sees()
    {
        var visitor = Browser.Open(factory);
        (await visitor.GetAsync("/report")).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var subject = People.Unique("Bogus answers ");
        var (_, bad) = await visitor.SubmitAsync("/report", new Dictionary<string, string> { ["Sender"] = "nobody", ["Subject"] = subject, ["Body"] = "x" });
        bad.ShouldContain("data-field=\"sender\"");
        var (ok, html) = await visitor.SubmitAsync("/report", new Dictionary<string, string>
        {
            ["Sender"] = "reporter@example.org",
            ["Subject"] = subject,
            ["Body"] = "SERVFAIL from every resolver",
            ["Assets"] = "example.ml",
        });
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("id=\"filed\"");

        var staff = await StaffAsync();
        var queue = (await staff.GetAsync("/incidents")).Html;
        queue.ShouldContain(subject);
        (await Browser.Open(factory).GetAsync("/incidents")).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }
}

/// <summary>A server whose public form allows two reports per window.</summary>
public sealed class StrictReportFactory : DnsCertWebFactory
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Incidents:PublicReportsPerWindow", "2");
    }
}

public sealed class PublicReportRateLimitTests(StrictReportFactory factory) : IClassFixture<StrictReportFactory>
{
    [Fact]
    public async Task Submissions_beyond_the_limit_are_refused_with_429_while_reading_the_form_stays_free()
    {
        var visitor = Browser.Open(factory);
        for (var i = 0; i < 2; i++)
        {
            (await visitor.SubmitAsync("/report", new Dictionary<string, string> { ["Sender"] = "r@example.org", ["Subject"] = "s", ["Body"] = "b" }))
                .Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await visitor.SubmitAsync("/report", new Dictionary<string, string> { ["Sender"] = "r@example.org", ["Subject"] = "s", ["Body"] = "b" }))
            .Response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await visitor.GetAsync("/report")).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
