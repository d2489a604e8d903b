using DnsCert.Core.Accounts;
using DnsCert.Core.Duty;
using DnsCert.Infrastructure.Duty;
using Microsoft.Playwright;
using Npgsql;

namespace DnsCert.E2E;

/// <summary>
/// Issue 9's roster in a real browser against the real server: a duty officer in New York reads the week with a Paris
/// colleague's shifts in both time zones, the Paris officer asks for a swap and the New York one accepts it.
/// </summary>
public class DutyJourneyTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    private async Task<Guid> PersonAsync(string name, string zone)
    {
        await server.CreateUserAsync(name, name + " duty passphrase", Roles.DutyOfficer);
        await using var db = NpgsqlDataSource.Create(server.Database);
        await using var update = db.CreateCommand("UPDATE users SET time_zone = $2, display_name = $3 WHERE user_name = $1 RETURNING id");
        update.Parameters.Add(new NpgsqlParameter { Value = name });
        update.Parameters.Add(new NpgsqlParameter { Value = zone });
        update.Parameters.Add(new NpgsqlParameter { Value = char.ToUpperInvariant(name[0]) + name[1..] });
        return (Guid)(await update.ExecuteScalarAsync())!;
    }

    private async Task<IPage> SignInAsync(string name)
    {
        var page = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(page, name, name + " duty passphrase");
        return page;
    }

    [Fact]
    public async Task The_roster_reads_across_time_zones_and_a_swap_request_is_accepted_in_the_browser()
    {
        var pierre = await PersonAsync("pierre", "Europe/Paris");
        var nora = await PersonAsync("nora", "America/New_York");
        await using (var db = NpgsqlDataSource.Create(server.Database))
        {
            var roster = new DutyRoster(new DutyRepository(db), TimeProvider.System);
            var head = new Actor(Guid.Empty, "e2e", true);
            await roster.SaveRegionAsync(new DutyRegion("EMEA", "Europe, Middle East, Africa", "Europe/Paris", new TimeOnly(7, 0), new TimeOnly(15, 0), 1, false), head);
            await roster.SaveRegionAsync(new DutyRegion("AMER", "Americas", "America/New_York", new TimeOnly(15, 0), new TimeOnly(7, 0), 2, false), head);
            var every = Enum.GetValues<DayOfWeek>().ToHashSet();
            await roster.AddShiftAsync(new DutyShift(Guid.Empty, "EMEA", DutyRole.Officer, "Paris day", "Europe/Paris", every, new TimeOnly(8, 0), new TimeOnly(17, 0),
                new DateOnly(2026, 1, 1), null, [pierre], 1), head);
            await roster.AddShiftAsync(new DutyShift(Guid.Empty, "AMER", DutyRole.Officer, "New York day", "America/New_York", every, new TimeOnly(10, 0), new TimeOnly(19, 0),
                new DateOnly(2026, 1, 1), null, [nora], 1), head);
        }

        var noraPage = await SignInAsync("nora");
        await noraPage.ClickAsync("nav a[href='/duty']");
        await noraPage.WaitForSelectorAsync("#roster");
        (await noraPage.InnerTextAsync("#viewer-zone")).ShouldBe("America/New_York");
        // The week of the US change to winter time is past; in November Paris 08:00–17:00 CET is 02:00–11:00 EST.
        var parisSlot = noraPage.Locator("#roster .slot[data-person='pierre']").First;
        var text = await parisSlot.InnerTextAsync();
        text.ShouldContain("Europe/Paris");
        text.ShouldContain("08:00–17:00");
        await ConsoleServer.ScreenshotAsync(noraPage, "40-duty-roster-new-york");

        var pierrePage = await SignInAsync("pierre");
        await pierrePage.GotoAsync("/duty/requests");
        // The first of Pierre's coming shifts is offered first: "<shift id>|<start in UTC>".
        var offered = (await pierrePage.InputValueAsync("#occurrence")).Split('|')[1];
        await pierrePage.SelectOptionAsync("#counterpart", nora.ToString());
        await pierrePage.FillAsync("#note", "family day");
        await pierrePage.ClickAsync("#swap-form button[type=submit]");
        await pierrePage.WaitForSelectorAsync("#done");
        await pierrePage.WaitForSelectorAsync("#swaps tr[data-status='requested']");
        await ConsoleServer.ScreenshotAsync(pierrePage, "41-duty-swap-requested");

        await noraPage.GotoAsync("/duty/requests");
        await noraPage.ClickAsync("#swaps tr[data-status='requested'] button.accept");
        await noraPage.WaitForSelectorAsync("#swaps tr[data-status='effective']");
        await ConsoleServer.ScreenshotAsync(noraPage, "42-duty-swap-accepted");

        // The calendar of that week shows Nora on Pierre's swapped shift (07:00Z is the same date in New York).
        await noraPage.GotoAsync("/duty?week=" + offered[..10]);
        (await noraPage.Locator("#roster .slot[data-person='nora']").AllInnerTextsAsync()).ShouldContain(t => t.Contains("swap", StringComparison.Ordinal));
        (await noraPage.InnerTextAsync("#on-duty-now")).ShouldNotBeNullOrWhiteSpace();
    }
}
