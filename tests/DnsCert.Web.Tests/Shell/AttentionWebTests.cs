using System.Net;
using System.Text.RegularExpressions;
using DnsCert.Core.Accounts;

namespace DnsCert.Web.Tests.Shell;

/// <summary>The notification panel (/attention) and its header count, through the real server and database.</summary>
public sealed partial class AttentionWebTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private readonly ShellPeople _people = new(factory);

    private static int HeaderCount(string html) => int.Parse(HeaderCountPattern().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Items(string html) => [.. ItemPattern().Matches(html).Select(m => m.Groups[1].Value + ":" + m.Groups[2].Value)];

    [Fact]
    public async Task Assignments_declined_requests_and_due_tasks_reach_their_person_once_read_they_stop_counting_and_visibility_applies()
    {
        var (handler, me) = await _people.StaffAsync();
        var (other, otherId) = await _people.StaffAsync(Roles.IncidentHandler);
        var organisation = await ShellPeople.OrganisationAsync(handler, People.Unique("Attention registry "));
        var mine = await ShellPeople.IncidentAsync(handler, People.Unique("attention assigned "), "amber");
        // A TLP:RED incident someone else created and did not address to me: assigning it does not reveal it.
        var red = await ShellPeople.IncidentAsync(other, People.Unique("attention red "), "red");
        var theirs = await ShellPeople.IncidentAsync(other, People.Unique("attention theirs "), "amber");
        await _people.ExecuteAsync("UPDATE incidents SET assignee = $1 WHERE id = ANY($2)", me, new[] { mine, red });
        await _people.ExecuteAsync("UPDATE incidents SET assignee = $1 WHERE id = $2", otherId, theirs);
        await _people.ExecuteAsync("""
            INSERT INTO coordination_requests (id, incident_id, organisation_id, organisation_name, recipient, language, action, due, status, reason,
                                               token_hash, created_at, status_changed_at)
            VALUES (gen_random_uuid(), $1, $2, 'Attention registry', 'noc@example.test', 'en', 'fix it', now() + interval '1 day', 'declined',
                    'not our zone', sha256(gen_random_uuid()::text::bytea), now(), now())
            """, mine, organisation);
        await _people.ExecuteAsync(
            "INSERT INTO incident_tasks (incident_id, title, assignee, due, status, created_at) VALUES ($1, 'call the registry', $2, now() + interval '2 hours', 'open', now())",
            mine, me);
        // Not due yet within a day, and someone else's: neither is mine to see.
        await _people.ExecuteAsync(
            "INSERT INTO incident_tasks (incident_id, title, assignee, due, status, created_at) VALUES ($1, 'next week', $2, now() + interval '7 days', 'open', now())",
            mine, me);
        await _people.ExecuteAsync(
            "INSERT INTO incident_tasks (incident_id, title, assignee, due, status, created_at) VALUES ($1, 'their task', $2, now() + interval '1 hour', 'open', now())",
            theirs, otherId);

        var (response, html) = await handler.GetAsync("/attention");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var items = Items(html);
        items.ShouldContain($"assigned:{mine}:unread");
        items.Count(i => i.StartsWith("request:", StringComparison.Ordinal)).ShouldBe(1);
        items.Count(i => i.StartsWith("task:", StringComparison.Ordinal)).ShouldBe(1);
        items.ShouldNotContain(i => i.Contains($"assigned:{red}", StringComparison.Ordinal));
        items.Count.ShouldBe(3);
        html.ShouldContain("not our zone");
        html.ShouldNotContain("their task");
        HeaderCount(html).ShouldBe(3);

        // The other handler has their own panel: their assignment and task, none of mine.
        var theirItems = Items((await other.GetAsync("/attention")).Html);
        theirItems.ShouldContain($"assigned:{theirs}:unread");
        theirItems.ShouldNotContain(i => i.Contains($":{mine}:", StringComparison.Ordinal));

        // Mark one read: it stays listed (read), the count drops.
        (await handler.SubmitAsync("/attention?handler=Read", new Dictionary<string, string> { ["item"] = $"assigned:{mine}" })).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var (_, afterOne) = await handler.GetAsync("/attention");
        HeaderCount(afterOne).ShouldBe(2);
        Items(afterOne).ShouldContain($"assigned:{mine}:read");

        // Someone else's item (or a made-up key) is refused and plants nothing.
        var (forged, forgedHtml) = await handler.SubmitAsync("/attention?handler=Read", new Dictionary<string, string> { ["item"] = $"assigned:{theirs}" });
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        forgedHtml.ShouldContain("is not an item of your panel");
        (await _people.ScalarAsync<long>("SELECT count(*) FROM attention_reads WHERE user_id = $1 AND item = $2", me, $"assigned:{theirs}")).ShouldBe(0);

        (await handler.SubmitAsync("/attention?handler=AllRead", new Dictionary<string, string>())).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var (_, afterAll) = await handler.GetAsync("/attention");
        HeaderCount(afterAll).ShouldBe(0);
        Items(afterAll).ShouldAllBe(i => i.EndsWith(":read", StringComparison.Ordinal));
        HeaderCount((await other.GetAsync("/directory")).Html).ShouldBeGreaterThanOrEqualTo(2, "marking mine read leaves theirs unread");

        // A new event is a new item: the registry acknowledges a second request.
        await _people.ExecuteAsync("""
            INSERT INTO coordination_requests (id, incident_id, organisation_id, organisation_name, recipient, language, action, due, status,
                                               token_hash, created_at, status_changed_at, acknowledged_at)
            VALUES (gen_random_uuid(), $1, $2, 'Attention registry', 'noc@example.test', 'en', 'confirm', now() + interval '1 day', 'acknowledged',
                    sha256(gen_random_uuid()::text::bytea), now(), now(), now())
            """, mine, organisation);
        HeaderCount((await handler.GetAsync("/attention")).Html).ShouldBe(1);
    }

    [Fact]
    public async Task Marking_read_needs_the_antiforgery_token()
    {
        var (handler, _) = await _people.StaffAsync();
        var (response, _) = await handler.SubmitAsync("/attention?handler=AllRead", new Dictionary<string, string>(), withToken: false);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [GeneratedRegex("<span class=\"badge\" id=\"attention-count\" data-count=\"(\\d+)\"")]
    private static partial Regex HeaderCountPattern();

    [GeneratedRegex("<tr data-item=\"([^\"]+)\" class=\"(read|unread)\"")]
    private static partial Regex ItemPattern();
}
