using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DnsCert.Core.Accounts;
using DnsCert.Core.Duty;
using DnsCert.Core.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Duty;

/// <summary>The duty pages and API on the real server: calendar across time zones, on-duty API, pages, swaps by form, roles.</summary>
public sealed partial class DutyWebTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>, IAsyncLifetime
{
    private readonly Dictionary<string, (Guid Id, string Name, byte[] Key)> _people = [];
    private string _region = "";

    public async Task InitializeAsync()
    {
        _region = "R" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        await AddAsync("head", Roles.HeadOfOperations, "Europe/Paris");
        await AddAsync("pierre", Roles.DutyOfficer, "Europe/Paris");
        await AddAsync("nora", Roles.DutyOfficer, "America/New_York");
        var roster = factory.Services.GetRequiredService<DutyRoster>();
        var head = new Actor(_people["head"].Id, "head", true);
        await roster.SaveRegionAsync(new DutyRegion(_region, "Test region", "Europe/Paris", new TimeOnly(0, 0), new TimeOnly(0, 0), 50, true), head);
        // Every day, 08:00–17:00 Paris for Pierre; New York 00:00–24:00 backup for Nora (so a page always has two rungs).
        await roster.AddShiftAsync(new DutyShift(Guid.Empty, _region, DutyRole.Officer, "day", "Europe/Paris", Enum.GetValues<DayOfWeek>().ToHashSet(),
            new TimeOnly(8, 0), new TimeOnly(17, 0), new DateOnly(2026, 1, 1), null, [_people["pierre"].Id], 1), head);
        await roster.AddShiftAsync(new DutyShift(Guid.Empty, _region, DutyRole.Backup, "all day", "America/New_York", Enum.GetValues<DayOfWeek>().ToHashSet(),
            new TimeOnly(0, 0), new TimeOnly(0, 0), new DateOnly(2026, 1, 1), null, [_people["nora"].Id], 1), head);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task AddAsync(string key, string role, string zone)
    {
        var name = People.Unique(key);
        var enrolled = await People.CreateEnrolledAsync(factory, name, [role]);
        await using var db = NpgsqlDataSource.Create(factory.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
        await using var update = db.CreateCommand("UPDATE users SET time_zone = $2, email = $1 || '@cert.test' WHERE lower(user_name) = lower($1) RETURNING id");
        update.Parameters.Add(new NpgsqlParameter { Value = name });
        update.Parameters.Add(new NpgsqlParameter { Value = zone });
        _people[key] = ((Guid)(await update.ExecuteScalarAsync())!, name, enrolled);
    }

    private async Task<Browser> AsAsync(string key)
    {
        var browser = Browser.Open(factory);
        await browser.SignInFullyAsync(_people[key].Name, _people[key].Key);
        return browser;
    }

    [Fact]
    public async Task The_calendar_shows_each_shift_in_the_viewers_time_and_in_its_own()
    {
        var nora = await AsAsync("nora");
        var (response, html) = await nora.GetAsync("/duty?week=2026-03-30");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("America/New_York");
        // Tuesday 2026-03-31: Paris is on summer time, 08:00–17:00 CEST = 06:00–15:00Z = 02:00–11:00 EDT.
        var slot = SlotPattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Value)).First(s => s.Contains("data-start=\"2026-03-31T06:00Z\"", StringComparison.Ordinal));
        slot.ShouldContain("02:00–11:00");
        slot.ShouldContain("08:00–17:00 Europe/Paris (UTC+02:00)");
        // A week earlier Europe is still on winter time: 07:00Z = 03:00 EDT.
        var (_, before) = await nora.GetAsync("/duty?week=2026-03-23");
        SlotPattern().Matches(before).Select(m => m.Value).First(s => s.Contains("data-start=\"2026-03-24T07:00Z\"", StringComparison.Ordinal))
            .ShouldContain("03:00–12:00");
        // The on-duty panel is on the page and on the dashboard.
        html.ShouldContain("id=\"on-duty-now\"");
        (await nora.GetAsync("/")).Html.ShouldContain("id=\"on-duty-now\"");
    }

    [Fact]
    public async Task The_api_answers_who_is_on_duty_at_an_instant_and_refuses_an_unknown_region()
    {
        var pierre = await AsAsync("pierre");
        var now = await pierre.Client.GetFromJsonAsync<JsonElement>($"/api/v1/duty/now?region={_region}&at=2026-03-30T09:00:00Z");
        now.GetProperty("officer").GetProperty("person").GetProperty("userName").GetString().ShouldBe(_people["pierre"].Name);
        now.GetProperty("backup").GetProperty("person").GetProperty("userName").GetString().ShouldBe(_people["nora"].Name);
        now.GetProperty("officer").GetProperty("until").GetDateTimeOffset().ShouldBe(DateTimeOffset.Parse("2026-03-30T15:00:00Z", CultureInfo.InvariantCulture));
        var night = await pierre.Client.GetFromJsonAsync<JsonElement>($"/api/v1/duty/now?region={_region}&at=2026-03-30T20:00:00Z");
        night.GetProperty("officer").GetProperty("person").GetProperty("userName").GetString().ShouldBe(_people["nora"].Name);
        night.GetProperty("officer").GetProperty("source").GetString().ShouldBe("fallback");
        var bad = await pierre.Client.GetAsync("/api/v1/duty/now?region=NOWHERE");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("region");
        var roster = await pierre.Client.GetFromJsonAsync<JsonElement>($"/api/v1/duty/roster?from=2026-03-29T00:00:00Z&to=2026-03-30T00:00:00Z&region={_region}");
        roster.EnumerateArray().Select(s => s.GetProperty("localStart").GetString()).ShouldContain("2026-03-29T08:00:00+02:00");
    }

    [Fact]
    public async Task A_page_is_raised_and_acknowledged_once_through_the_api()
    {
        var pierre = await AsAsync("pierre");
        var created = await pierre.Client.PostAsJsonAsync("/api/v1/duty/pages", new { region = _region, subject = "Lab root unreachable", body = "all NS time out" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var page = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = page.GetProperty("id").GetGuid();
        page.GetProperty("notices").GetArrayLength().ShouldBeGreaterThan(0);
        // A gateway may acknowledge only for somebody the page reached; the head was not paged yet.
        (await pierre.Client.PostAsJsonAsync($"/api/v1/duty/pages/{id}/acknowledge", new { userName = _people["head"].Name, via = "sms" }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var first = await pierre.Client.PostAsJsonAsync($"/api/v1/duty/pages/{id}/acknowledge", new { via = "phone" });
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        (await pierre.Client.PostAsJsonAsync($"/api/v1/duty/pages/{id}/acknowledge", new { via = "phone" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await pierre.Client.PostAsJsonAsync("/api/v1/duty/pages", new { region = _region, subject = "" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Page_mail_links_point_at_Team_PublicUrl_and_the_retired_Duty_ConsoleUrl_is_only_its_fallback()
    {
        await using var site = factory.WithWebHostBuilder(b => b.UseSetting("Team:PublicUrl", "https://cert.example.test")
            .UseSetting("Duty:ConsoleUrl", "https://old.example.test/"));
        var page = await site.Services.GetRequiredService<IDutyPager>().PageAsync(_region, "Links test", "body", null);
        await using var db = NpgsqlDataSource.Create(factory.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
        await using var select = db.CreateCommand("SELECT content FROM notification_messages WHERE idempotency_key LIKE 'duty-page-' || $1 || '-%'");
        select.Parameters.Add(new NpgsqlParameter { Value = page.Id.ToString("N") });
        var text = DnsCert.Infrastructure.Notifications.Mail.MailEntity.Parse((byte[])(await select.ExecuteScalarAsync())!).PlainText()!;
        text.ShouldContain($"https://cert.example.test/duty/pages?id={page.Id}");
        text.ShouldNotContain("old.example.test");

        // An installation configured before the clean-up keeps its links until it moves the value to Team:PublicUrl.
        await using var retired = factory.WithWebHostBuilder(b => b.UseSetting("Duty:ConsoleUrl", "https://old.example.test/"));
        retired.Services.GetRequiredService<PublicLinks>().Link("/duty/pages?id=1").ShouldBe("https://old.example.test/duty/pages?id=1");
    }

    [Fact]
    public async Task A_swap_requested_on_the_page_is_accepted_by_the_counterpart_and_approved_by_the_head()
    {
        var pierre = await AsAsync("pierre");
        var (_, requests) = await pierre.GetAsync("/duty/requests");
        var occurrence = OccurrencePattern().Match(requests);
        occurrence.Success.ShouldBeTrue(requests);
        var (asked, _) = await pierre.SubmitAsync("/duty/requests?handler=Swap", new Dictionary<string, string>
        {
            ["occurrence"] = WebUtility.HtmlDecode(occurrence.Groups[1].Value),
            ["counterpart"] = _people["nora"].Id.ToString(),
            ["note"] = "family",
        });
        asked.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var nora = await AsAsync("nora");
        var (_, noraPage) = await nora.GetAsync("/duty/requests");
        var swapId = SwapPattern().Match(noraPage).Groups[1].Value;
        swapId.ShouldNotBeEmpty();
        (await nora.SubmitAsync("/duty/requests?handler=Accept", new Dictionary<string, string> { ["id"] = swapId })).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        // Pierre cannot approve (not head of operations): the page says why with 403.
        (await pierre.SubmitAsync("/duty/requests?handler=Approve", new Dictionary<string, string> { ["id"] = swapId })).Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var head = await AsAsync("head");
        (await head.SubmitAsync("/duty/requests?handler=Approve", new Dictionary<string, string> { ["id"] = swapId })).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var (_, after) = await head.GetAsync("/duty/requests");
        after.ShouldContain($"data-swap=\"{swapId}\" data-status=\"effective\"");
    }

    [Fact]
    public async Task Only_the_head_of_operations_edits_the_roster_and_constituents_see_no_roster()
    {
        var pierre = await AsAsync("pierre");
        (await pierre.GetAsync("/duty/manage")).Response.Headers.Location!.AbsolutePath.ShouldBe("/account/denied");
        var head = await AsAsync("head");
        (await head.GetAsync("/duty/manage")).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var (bad, html) = await head.SubmitAsync("/duty/manage?handler=Shift", new Dictionary<string, string>
        {
            ["region"] = _region,
            ["role"] = "officer",
            ["name"] = "x",
            ["timeZone"] = "Mars/Olympus",
            ["days"] = "1",
            ["start"] = "09:00",
            ["end"] = "17:00",
            ["members"] = _people["pierre"].Id.ToString(),
            ["rotationWeeks"] = "1",
        });
        bad.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("timeZone: &#x27;Mars/Olympus&#x27; is not an IANA time zone");
        var name = People.Unique("constituent");
        await People.CreateAsync(factory, name, [Roles.Constituent]);
        var constituent = Browser.Open(factory);
        await constituent.SignInFullyAsync(name, null);
        (await constituent.GetAsync("/duty")).Response.Headers.Location!.AbsolutePath.ShouldBe("/account/denied");
        (await constituent.Client.GetAsync("/api/v1/duty/now")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [GeneratedRegex("<div class=\"slot[^\"]*\"[\\s\\S]*?</div>")]
    private static partial Regex SlotPattern();

    [GeneratedRegex("<option value=\"([0-9a-f-]{36}\\|[^\"]+)\"")]
    private static partial Regex OccurrencePattern();

    [GeneratedRegex("data-swap=\"([0-9a-f-]{36})\" data-status=\"requested\"")]
    private static partial Regex SwapPattern();
}
