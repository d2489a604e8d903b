using System.Globalization;
using DnsCert.Core;
using DnsCert.Core.Duty;
using DnsCert.Infrastructure.Duty;
using DnsCert.Web.Duty;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Duty;

/// <summary>
/// Swaps and absences: people ask for their own (give or swap one of their shifts, record an absence), the counterpart
/// accepts or declines, the head of operations approves where the region asks for it.
/// </summary>
[Authorize(Roles = DutyAccess.TeamRolesText)]
public sealed class RequestsModel(DutyRoster roster, DutyRequests requests, DutyRepository repository, TimeProvider clock) : PageModel
{
    /// <summary>How far ahead a person's own shifts are offered for a swap.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(28);

    public string ViewerZone { get; private set; } = "UTC";

    public Guid Me { get; private set; }

    public bool MayEdit { get; private set; }

    public IReadOnlyList<CalendarSlot> MyShifts { get; private set; } = [];

    public IReadOnlyList<DutyPerson> People { get; private set; } = [];

    public IReadOnlyList<DutySwap> Swaps { get; private set; } = [];

    public IReadOnlyList<DutyAbsence> Absences { get; private set; } = [];

    public Dictionary<Guid, DutyShift> Shifts { get; } = [];

    public string? Error { get; private set; }

    public string? Done { get; private set; }

    public string? Name(Guid id) => People.FirstOrDefault(p => p.Id == id)?.DisplayName;

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Done = done;
        await LoadAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostSwapAsync(string occurrence, Guid counterpart, string? note, CancellationToken cancellationToken) =>
        RunAsync(async actor =>
        {
            var parts = (occurrence ?? "").Split('|');
            if (parts.Length != 2 || !Guid.TryParse(parts[0], out var shift)
                || !DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start))
            {
                throw new ValidationException("occurrence", "choose one of your shifts");
            }

            await requests.RequestSwapAsync(shift, start, counterpart, null, null, note, actor, cancellationToken);
            return "requested";
        }, cancellationToken);

    public Task<IActionResult> OnPostAcceptAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async actor => (await requests.AcceptSwapAsync(id, actor, cancellationToken)).Status.Name(), cancellationToken);

    public Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async actor => (await requests.ApproveSwapAsync(id, actor, cancellationToken)).Status.Name(), cancellationToken);

    public Task<IActionResult> OnPostDeclineAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async actor => (await requests.DeclineSwapAsync(id, actor, cancellationToken)).Status.Name(), cancellationToken);

    public Task<IActionResult> OnPostAbsenceAsync(Guid? person, string? from, string? until, string? reason, CancellationToken cancellationToken) =>
        RunAsync(async actor =>
        {
            var zone = DutyAccess.TimeZone(User);
            var start = DutyFormat.ParseLocal(from, zone, "from") ?? throw new ValidationException("from", "is required");
            var end = DutyFormat.ParseLocal(until, zone, "until") ?? throw new ValidationException("until", "is required");
            await requests.AddAbsenceAsync(person ?? actor.Id, start, end, reason, actor, cancellationToken);
            return "absence";
        }, cancellationToken);

    private async Task<IActionResult> RunAsync(Func<Actor, Task<string>> action, CancellationToken cancellationToken)
    {
        try
        {
            var done = await action(DutyAccess.Actor(HttpContext));
            return Redirect("/duty/requests?done=" + Uri.EscapeDataString(done));
        }
        catch (ValidationException e)
        {
            Error = e.Message;
        }
        catch (DutyForbiddenException e)
        {
            Error = e.Message;
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        ViewerZone = DutyAccess.TimeZone(User);
        var actor = DutyAccess.Actor(HttpContext);
        Me = actor.Id;
        MayEdit = actor.MayEditRoster;
        var now = clock.GetUtcNow();
        var (slots, snapshot) = await roster.RosterAsync(now, now + Horizon, null, cancellationToken);
        People = snapshot.People;
        foreach (var s in snapshot.Shifts)
        {
            Shifts[s.Id] = s;
        }

        var me = snapshot.People.FirstOrDefault(p => p.Id == Me);
        MyShifts = me is null ? [] : [.. slots.Where(s => s.PersonId == Me && s.Source != DutySource.Override && s.Start > now).Select(s => CalendarSlot.Of(s, me, ViewerZone))];
        Swaps = await repository.ListSwapsAsync(MayEdit ? null : Me, 100, cancellationToken);
        Absences = [.. (await repository.ListAbsencesAsync(now, cancellationToken)).Where(a => MayEdit || a.PersonId == Me)];
    }
}
