using System.Net;
using System.Text;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Infrastructure.Identity;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Tests.Monitoring;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Dashboard;

/// <summary>
/// The dashboard page and its server-sent events on the real server and database: who may open the stream, its
/// headers, that each person's events carry only what the visibility predicate lets them see, Last-Event-ID, the
/// per-person limit, and that a database change reaches an open stream through LISTEN/NOTIFY (well before the
/// fallback re-read).
/// </summary>
public sealed class DashboardTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private const string Stream = "/api/v1/dashboard/stream";

    private NpgsqlDataSource Db => factory.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>alpha held by organisation A (up), beta held by B (down), each under a TLD of its own.</summary>
    private async Task<(string Alpha, string Beta, string AlphaTld, string BetaTld, Guid A)> ZonesAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (alphaTld, betaTld) = ("ta" + suffix, "tb" + suffix);
        var (alpha, beta) = ($"alpha.{alphaTld}.", $"beta.{betaTld}.");
        var directory = factory.Services.GetRequiredService<IDirectoryRepository>();
        var a = await directory.CreateOrganisationAsync(new OrganisationInput("Registry A " + suffix, OrganisationKind.CcTldRegistry, IcannRegion.Africa, "ML", ["fr"],
            "Africa/Bamako", true), DirectoryActor.System, CancellationToken.None);
        var b = await directory.CreateOrganisationAsync(new OrganisationInput("Registry B " + suffix, OrganisationKind.CcTldRegistry, IcannRegion.Europe, "FR", ["fr"],
            "Europe/Paris", true), DirectoryActor.System, CancellationToken.None);
        await directory.AddAssetAsync(a, AssetKind.Zone, alpha.TrimEnd('.'), DirectoryActor.System, CancellationToken.None);
        await directory.AddAssetAsync(b, AssetKind.Zone, beta.TrimEnd('.'), DirectoryActor.System, CancellationToken.None);
        // Each organisation is also the registry of its TLD: the grid places the TLD in its region.
        await directory.AddAssetAsync(a, AssetKind.Zone, alphaTld, DirectoryActor.System, CancellationToken.None);
        await directory.AddAssetAsync(b, AssetKind.Zone, betaTld, DirectoryActor.System, CancellationToken.None);
        var seed = new MonitoringSeed(Db);
        await seed.ZoneAsync(alpha, ZoneState.Up);
        await seed.ZoneAsync(beta, ZoneState.Down, MonitoringSeed.Finding("DEL-02", beta, beta));
        return (alpha, beta, alphaTld, betaTld, a);
    }

    private async Task<Browser> ConstituentOfAsync(Guid organisation)
    {
        var created = await People.CreateAsync(factory, People.Unique("constituent"), [Roles.Constituent]);
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

    private async Task<Browser> StaffAsync(string role = Roles.DutyOfficer)
    {
        var name = People.Unique("staff");
        var key = await People.CreateEnrolledAsync(factory, name, [role]);
        var browser = Browser.Open(factory);
        await browser.SignInFullyAsync(name, key);
        return browser;
    }

    /// <summary>A zone changes state, as the monitoring runtime writes it (state row and change row in one transaction).</summary>
    private async Task ChangeStateAsync(string zone, ZoneState to, string reason)
    {
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("UPDATE zone_states SET state = $2, since = now(), updated_at = now() WHERE zone = $1", connection, transaction))
        {
            command.Parameters.Add(new() { Value = zone });
            command.Parameters.Add(new() { Value = to.ToString().ToLowerInvariant() });
            (await command.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        await using (var command = new NpgsqlCommand("""
            INSERT INTO zone_state_changes (zone, from_state, to_state, changed_at, reason, recorded_at)
            SELECT zone, 'up', $2, now(), $3, now() FROM zone_states WHERE zone = $1
            """, connection, transaction))
        {
            command.Parameters.Add(new() { Value = zone });
            command.Parameters.Add(new() { Value = to.ToString().ToLowerInvariant() });
            command.Parameters.Add(new() { Value = reason });
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    [Fact]
    public async Task The_stream_needs_a_session_and_is_an_uncached_event_stream_of_the_dashboard()
    {
        var anonymous = await Browser.Open(factory).Client.GetAsync(Stream);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var staff = await StaffAsync();
        await using var events = await SseReader.OpenAsync(staff.Client, Stream);
        events.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        events.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        events.Response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        events.Response.Headers.CacheControl.NoStore.ShouldBeTrue();
        var first = await events.NextAsync(TimeSpan.FromSeconds(30));
        first.ShouldNotBeNull();
        first.Name.ShouldBe("dashboard");
        first.Id.Length.ShouldBe(24);
        first.Data.ShouldStartWith("<div id=\"dashboard\"");
        first.Data.ShouldContain("id=\"on-duty-now\"", customMessage: "a duty officer sees who is on duty");
        events.Retry.ShouldBe(3000);
    }

    [Fact]
    public async Task The_page_works_without_javascript_and_shows_only_what_the_viewer_may_see()
    {
        var (alpha, beta, alphaTld, betaTld, a) = await ZonesAsync();
        var staff = await StaffAsync(Roles.Analyst);
        var (response, html) = await staff.GetAsync("/");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("id=\"dashboard\"");
        html.ShouldContain($"data-tld=\"{betaTld}\" data-state=\"down\"");
        html.ShouldContain($"data-tld=\"{alphaTld}\" data-state=\"up\"");
        html.ShouldContain("data-region=\"africa\"");
        html.ShouldContain("data-region=\"europe\"");
        html.ShouldContain(beta, customMessage: "the state change of the last hour is a recent change");
        html.ShouldContain("src=\"/js/dashboard");

        var constituent = await ConstituentOfAsync(a);
        var (_, own) = await constituent.GetAsync("/");
        own.ShouldContain(alpha);
        own.ShouldContain($"data-tld=\"{alphaTld}\"");
        own.ShouldNotContain(beta);
        own.ShouldNotContain(betaTld);
        own.ShouldNotContain("id=\"on-duty-now\"", customMessage: "the roster is the team's");
    }

    [Fact]
    public async Task A_constituents_stream_never_carries_another_organisations_zone_while_a_change_reaches_it_through_notify()
    {
        var (alpha, beta, alphaTld, betaTld, a) = await ZonesAsync();
        var constituent = await ConstituentOfAsync(a);
        var staff = await StaffAsync(Roles.Analyst);
        await using var mine = await SseReader.OpenAsync(constituent.Client, Stream);
        await using var all = await SseReader.OpenAsync(staff.Client, Stream);
        var first = (await mine.NextAsync(TimeSpan.FromSeconds(30)))!;
        first.Data.ShouldContain(alphaTld);
        (await all.NextAsync(TimeSpan.FromSeconds(30)))!.Data.ShouldContain(betaTld);

        // Both zones change; the fallback re-read is 30 s away, so events within 15 s come from the notification.
        await ChangeStateAsync(beta, ZoneState.Up, "beta recovered " + betaTld);
        await ChangeStateAsync(alpha, ZoneState.Down, "alpha went down " + alphaTld);
        var seen = new StringBuilder();
        var changed = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!changed && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var next = await mine.NextAsync(TimeSpan.FromSeconds(15) - clock.Elapsed);
            if (next is null)
            {
                break;
            }

            seen.Append(next.Data);
            changed = next.Data.Contains($"data-tld=\"{alphaTld}\" data-state=\"down\"", StringComparison.Ordinal);
        }

        changed.ShouldBeTrue("the constituent's own zone went down: " + seen);
        var text = seen.ToString() + first.Data + mine.Raw;
        text.ShouldNotContain(beta);
        text.ShouldNotContain(betaTld);
        text.ShouldNotContain("beta recovered");

        var staffSaw = new StringBuilder();
        while (!staffSaw.ToString().Contains("beta recovered", StringComparison.Ordinal))
        {
            var next = await all.NextAsync(TimeSpan.FromSeconds(15));
            next.ShouldNotBeNull("staff see the other organisation's change: " + staffSaw);
            staffSaw.Append(next.Data);
        }
    }

    [Fact]
    public async Task Last_event_id_holds_back_an_unchanged_picture_and_streams_per_person_are_bounded()
    {
        var staff = await StaffAsync(Roles.Analyst);
        string id;
        await using (var first = await SseReader.OpenAsync(staff.Client, Stream))
        {
            id = (await first.NextAsync(TimeSpan.FromSeconds(30)))!.Id;
        }

        await using var resumed = await SseReader.OpenAsync(staff.Client, Stream, id);
        resumed.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        // The same picture: nothing is sent (a heartbeat comment at most) until something changes.
        (await resumed.NextAsync(TimeSpan.FromSeconds(2))).ShouldBeNull();
        await new MonitoringSeed(Db).ZoneAsync($"late.t{Guid.NewGuid().ToString("N")[..8]}.", ZoneState.Down);
        var changed = await resumed.NextAsync(TimeSpan.FromSeconds(15));
        changed.ShouldNotBeNull("a new down zone changes the picture");
        changed.Id.ShouldNotBe(id);

        // Someone else, so the streams above do not count: four at once are fine, a fifth is refused.
        var other = await StaffAsync(Roles.Analyst);
        var open = new List<SseReader>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var reader = await SseReader.OpenAsync(other.Client, Stream);
                open.Add(reader);
                reader.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            var refused = await other.Client.GetAsync(Stream, HttpCompletionOption.ResponseHeadersRead);
            refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            refused.Headers.RetryAfter.ShouldNotBeNull();
        }
        finally
        {
            foreach (var reader in open)
            {
                await reader.DisposeAsync();
            }
        }
    }
}
