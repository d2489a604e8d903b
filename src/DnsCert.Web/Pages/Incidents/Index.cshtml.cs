using DnsCert.Core;
using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Incidents;

/// <summary>The queue: active, new, unassigned, late, mine, closed — only incidents the viewer may see; new reports for handlers.</summary>
[Authorize]
public sealed class IndexModel(IIncidentStore store, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? View { get; set; }

    public QueueView Current { get; private set; } = QueueView.Active;

    public IReadOnlyList<IncidentSummary> Incidents { get; private set; } = [];

    public IReadOnlyList<ReportSummary> NewReports { get; private set; } = [];

    public bool IsHandler { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        IsHandler = IncidentService.IsHandler(viewer);
        Now = time.GetUtcNow();
        try
        {
            Current = string.IsNullOrEmpty(View) ? QueueView.Active : Codes.Parse<QueueView>(View, "view");
        }
        catch (ValidationException e)
        {
            Error = e.Message;
        }

        Incidents = await store.QueueAsync(viewer, Current, Now, 200, cancellationToken);
        NewReports = await store.ReportsAsync(viewer, unlinkedOnly: true, 50, cancellationToken);
    }
}
