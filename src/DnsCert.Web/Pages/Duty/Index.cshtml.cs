using System.Globalization;
using DnsCert.Core.Duty;
using DnsCert.Web.Duty;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Duty;

/// <summary>The roster calendar: a week across time zones (the viewer's and each shift's own), and who is on duty now.</summary>
[Authorize(Roles = DutyAccess.TeamRolesText)]
public sealed class IndexModel(DutyRoster roster, TimeProvider clock) : PageModel
{
    public string ViewerZone { get; private set; } = "UTC";

    public DateOnly Monday { get; private set; }

    public IReadOnlyList<DateOnly> Days { get; private set; } = [];

    public IReadOnlyList<DutyRegion> Regions { get; private set; } = [];

    /// <summary>(region, day in the viewer's zone) → occurrences starting that day.</summary>
    public Dictionary<(string Region, DateOnly Day), List<CalendarSlot>> Cells { get; } = [];

    public OnDutyPanel Panel { get; private set; } = new([], "UTC");

    public bool MayEdit { get; private set; }

    public async Task OnGetAsync(string? week, CancellationToken cancellationToken)
    {
        ViewerZone = DutyAccess.TimeZone(User);
        MayEdit = DutyAccess.MayEdit(User);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(DutyTime.InZone(now, ViewerZone).DateTime);
        var day = DateOnly.TryParseExact(week, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asked) ? asked : today;
        Monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        Days = [.. Enumerable.Range(0, 7).Select(Monday.AddDays)];
        var zone = DutyTime.Zone(ViewerZone);
        var from = DutyTime.ToInstant(Monday, TimeOnly.MinValue, zone);
        var until = DutyTime.ToInstant(Monday.AddDays(7), TimeOnly.MinValue, zone);
        var (slots, snapshot) = await roster.RosterAsync(from, until, null, cancellationToken);
        Regions = snapshot.Regions;
        var people = snapshot.People.ToDictionary(p => p.Id);
        foreach (var slot in slots.Where(s => people.ContainsKey(s.PersonId)))
        {
            var cell = CalendarSlot.Of(slot, people[slot.PersonId], ViewerZone);
            var startDay = DateOnly.FromDateTime(cell.ViewerStart.DateTime);
            var key = (slot.Region, startDay < Monday ? Monday : startDay);
            if (!Cells.TryGetValue(key, out var list))
            {
                Cells[key] = list = [];
            }

            list.Add(cell);
        }

        Panel = new OnDutyPanel(await roster.OnDutyEverywhereAsync(now, cancellationToken), ViewerZone);
    }
}
