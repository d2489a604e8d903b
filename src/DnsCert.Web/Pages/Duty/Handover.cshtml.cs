using DnsCert.Core;
using DnsCert.Core.Duty;
using DnsCert.Web.Duty;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Duty;

/// <summary>Hand-over notes at shift change: the outgoing officer writes, the incoming one acknowledges; open items stay listed.</summary>
[Authorize(Roles = DutyAccess.TeamRolesText)]
public sealed class HandoverModel(DutyRequests requests, IDutyRepository repository, DutyRoster roster, TimeProvider clock) : PageModel
{
    public IReadOnlyList<HandoverNote> Notes { get; private set; } = [];

    public IReadOnlyList<DutyRegion> Regions { get; private set; } = [];

    public IReadOnlyList<DutyPerson> People { get; private set; } = [];

    public string ViewerZone { get; private set; } = "UTC";

    public Guid Me { get; private set; }

    public string? Error { get; private set; }

    public string? Name(Guid? id) => People.FirstOrDefault(p => p.Id == id)?.DisplayName;

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostWriteAsync(string region, string? body, string? openItems, CancellationToken cancellationToken)
    {
        try
        {
            await requests.WriteHandoverAsync(region, body, (openItems ?? "").Split('\n'), DutyAccess.Actor(HttpContext), cancellationToken);
            return Redirect("/duty/handover");
        }
        catch (ValidationException e)
        {
            Error = e.Message;
            await LoadAsync(cancellationToken);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            await requests.AcknowledgeHandoverAsync(id, DutyAccess.Actor(HttpContext), cancellationToken);
            return Redirect("/duty/handover");
        }
        catch (ValidationException e)
        {
            Error = e.Message;
            await LoadAsync(cancellationToken);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        ViewerZone = DutyAccess.TimeZone(User);
        Me = DutyAccess.Actor(HttpContext).Id;
        Notes = await repository.ListHandoversAsync(null, 50, cancellationToken);
        var (_, snapshot) = await roster.RosterAsync(clock.GetUtcNow(), clock.GetUtcNow().AddMinutes(1), null, cancellationToken);
        Regions = snapshot.Regions;
        People = snapshot.People;
    }
}
