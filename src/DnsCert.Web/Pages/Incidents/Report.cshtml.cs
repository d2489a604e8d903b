using DnsCert.Core;
using DnsCert.Core.Incidents;
using DnsCert.Web.Identity;
using DnsCert.Web.Incidents;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Incidents;

/// <summary>One inbound report: read it, open an incident from it (triage), or link it to an incident already open.</summary>
[Authorize]
public sealed class ReportModel(IncidentService service, IIncidentStore store, IncidentRouting routing) : PageModel
{
    public ReportDetails Report { get; private set; } = null!;

    public bool IsHandler { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostOpenAsync(long id, string? title, string? classification, string? technique, string? scope, string? effect,
        string? severity, string? tlp, string? pap, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        try
        {
            var viewer = Viewers.From(User);
            var assets = Report.Assets;
            var incident = await service.OpenAsync(viewer, new NewIncident(string.IsNullOrWhiteSpace(title) ? Report.Summary.Subject : title, Report.Body,
                IncidentsApi.ParseTriage(classification, technique, scope, effect, severity, tlp, pap), assets, await routing.AffectedAsync(assets, cancellationToken), [],
                [id], Report.Summary.Source, null, null, viewer.UserId), IncidentsApi.Actor(HttpContext), cancellationToken);
            return Redirect($"/incidents/{incident}");
        }
        catch (ValidationException e)
        {
            Error = e.Message;
            return Page();
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }
    }

    public async Task<IActionResult> OnPostLinkAsync(long id, long? incident, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        try
        {
            await service.LinkReportAsync(Viewers.From(User), incident ?? throw new ValidationException("incident", "give an incident number"), id,
                IncidentsApi.Actor(HttpContext), cancellationToken);
            return Redirect($"/incidents/{incident}");
        }
        catch (ValidationException e)
        {
            Error = e.Message;
            return Page();
        }
        catch (IncidentNotFoundException)
        {
            Error = "incident: no such incident";
            return Page();
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }
    }

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        IsHandler = IncidentService.IsHandler(viewer);
        if (await store.GetReportAsync(viewer, id, cancellationToken) is not { } report)
        {
            return false;
        }

        Report = report;
        return true;
    }
}
