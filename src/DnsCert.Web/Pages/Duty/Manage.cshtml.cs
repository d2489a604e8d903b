using System.Globalization;
using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Duty;
using DnsCert.Web.Duty;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Duty;

/// <summary>The head of operations' page: regions (follow-the-sun windows), recurring shifts in local time, one-off overrides.</summary>
[Authorize(Roles = $"{Roles.Administrator},{Roles.HeadOfOperations}")]
public sealed class ManageModel(DutyRoster roster, TimeProvider clock) : PageModel
{
    public DutySnapshot Snapshot { get; private set; } = new([], [], [], [], [], []);

    public string ViewerZone { get; private set; } = "UTC";

    public string? Error { get; private set; }

    public string? Name(Guid id) => Snapshot.People.FirstOrDefault(p => p.Id == id)?.DisplayName;

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostRegionAsync(string code, string name, string timeZone, string coverFrom, string coverUntil, int position,
        bool swapsNeedApproval, CancellationToken cancellationToken) =>
        RunAsync(() => roster.SaveRegionAsync(new DutyRegion(code, name, timeZone, Time(coverFrom, "coverFrom"), Time(coverUntil, "coverUntil"), position,
            swapsNeedApproval), DutyAccess.Actor(HttpContext), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostShiftAsync(string region, string role, string name, string timeZone, int[]? days, string start, string end,
        string? validFrom, Guid[]? members, int rotationWeeks, CancellationToken cancellationToken) =>
        RunAsync(() => roster.AddShiftAsync(new DutyShift(Guid.Empty, region, DutyCodes.ParseRole(role), name, timeZone,
            (days ?? []).Where(d => d is >= 0 and <= 6).Select(d => (DayOfWeek)d).ToHashSet(), Time(start, "start"), Time(end, "end"),
            DateOnly.TryParseExact(validFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                ? from : DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime),
            null, members ?? [], Math.Max(1, rotationWeeks)), DutyAccess.Actor(HttpContext), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostEndShiftAsync(Guid id, string lastDate, CancellationToken cancellationToken) =>
        RunAsync(() => roster.EndShiftAsync(id,
            DateOnly.TryParseExact(lastDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last)
                ? last : throw new ValidationException("lastDate", "a date such as 2026-03-31"),
            DutyAccess.Actor(HttpContext), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostOverrideAsync(string region, string role, Guid person, string from, string until, string? reason,
        CancellationToken cancellationToken) =>
        RunAsync(() =>
        {
            var zone = DutyAccess.TimeZone(User);
            return roster.AddOverrideAsync(region, DutyCodes.ParseRole(role), person,
                DutyFormat.ParseLocal(from, zone, "from") ?? throw new ValidationException("from", "is required"),
                DutyFormat.ParseLocal(until, zone, "until") ?? throw new ValidationException("until", "is required"),
                reason, DutyAccess.Actor(HttpContext), cancellationToken);
        }, cancellationToken);

    private static TimeOnly Time(string? text, string field) =>
        TimeOnly.TryParseExact(text, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t : throw new ValidationException(field, "a time such as 09:00");

    private async Task<IActionResult> RunAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
            return Redirect("/duty/manage");
        }
        catch (ValidationException e)
        {
            Error = e.Message;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        ViewerZone = DutyAccess.TimeZone(User);
        var now = clock.GetUtcNow();
        (_, Snapshot) = await roster.RosterAsync(now, now.AddDays(14), null, cancellationToken);
    }
}
