using DnsCert.Core;
using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Web.Identity;
using DnsCert.Web.Incidents;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Incidents;

/// <summary>
/// One incident: classification, clocks, affected organisations, timeline, tasks, coordination requests, reports; the
/// handlers' forms. What a constituent sees is what the visibility predicate lets through (no tasks, no internal entries).
/// </summary>
[Authorize]
public sealed class IncidentModel(IncidentService service, IIncidentStore store, IDirectoryRepository directory, TimeProvider time) : PageModel
{
    public IncidentDetails Incident { get; private set; } = null!;

    public bool IsHandler { get; private set; }

    public IReadOnlyList<DutyOfficer> Handlers { get; private set; } = [];

    public IReadOnlyList<OrganisationSummary> Organisations { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostCommentAsync(long id, string? text, bool isInternal, CancellationToken cancellationToken) =>
        RunAsync(id, () => service.CommentAsync(Viewers.From(User), id, text, isInternal, IncidentsApi.Actor(HttpContext), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostStateAsync(long id, string? state, string? note, CancellationToken cancellationToken) =>
        RunAsync(id, () => service.ChangeStateAsync(Viewers.From(User), id, Codes.Parse<IncidentState>(state, "state"), note, IncidentsApi.Actor(HttpContext),
            cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostTriageAsync(long id, string? classification, string? technique, string? scope, string? effect, string? severity, string? tlp,
        string? pap, CancellationToken cancellationToken) =>
        RunAsync(id, () => service.TriageAsync(Viewers.From(User), id, IncidentsApi.ParseTriage(classification, technique, scope, effect, severity, tlp, pap),
            IncidentsApi.Actor(HttpContext), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostAssignAsync(long id, Guid? assignee, CancellationToken cancellationToken) =>
        RunAsync(id, () => service.AssignAsync(Viewers.From(User), id, assignee, IncidentsApi.Actor(HttpContext), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostTaskAsync(long id, string? title, Guid? assignee, DateTime? due, CancellationToken cancellationToken) =>
        RunAsync(id, () => service.AddTaskAsync(Viewers.From(User), id, title, assignee, Utc(due), IncidentsApi.Actor(HttpContext), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostTaskDoneAsync(long id, long task, CancellationToken cancellationToken) =>
        RunAsync(id, () => service.CompleteTaskAsync(Viewers.From(User), id, task, IncidentsApi.Actor(HttpContext), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRequestAsync(long id, Guid? organisation, string? action, DateTime? due, CancellationToken cancellationToken) =>
        RunAsync(id, () => service.AddRequestAsync(Viewers.From(User), id, organisation ?? Guid.Empty, action, Utc(due), IncidentsApi.SiteBase(HttpContext),
            IncidentsApi.Actor(HttpContext), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRequestStatusAsync(long id, Guid request, string? status, string? reason, CancellationToken cancellationToken) =>
        RunAsync(id, () => service.ChangeRequestAsync(Viewers.From(User), id, request, Codes.Parse<RequestStatus>(status, "status"), reason,
            IncidentsApi.Actor(HttpContext), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostMergeAsync(long id, long? source, CancellationToken cancellationToken) =>
        RunAsync(id, () => service.MergeAsync(Viewers.From(User), id, source ?? throw new ValidationException("source", "give the number of the incident to merge"),
            IncidentsApi.Actor(HttpContext), cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostSplitAsync(long id, long[]? reports, string? title, CancellationToken cancellationToken)
    {
        long created = 0;
        var result = await RunAsync(id, async () => created = await service.SplitAsync(Viewers.From(User), id, reports ?? [], title, IncidentsApi.Actor(HttpContext),
            cancellationToken), cancellationToken);
        return created > 0 ? Redirect($"/incidents/{created}") : result;
    }

    public Task<IActionResult> OnPostLinkAsync(long id, long? report, CancellationToken cancellationToken) =>
        RunAsync(id, () => service.LinkReportAsync(Viewers.From(User), id, report ?? throw new ValidationException("report", "give a report number"),
            IncidentsApi.Actor(HttpContext), cancellationToken), cancellationToken);

    // Form times are typed in UTC (the page says so): no guessing of the browser's zone.
    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private async Task<IActionResult> RunAsync(long id, Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
            return Redirect($"/incidents/{id}");
        }
        catch (ValidationException e)
        {
            Error = e.Message;
        }
        catch (IncidentNotFoundException)
        {
            return NotFound();
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }

        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        if (await store.GetAsync(viewer, id, cancellationToken) is not { } incident)
        {
            return false;
        }

        Incident = incident;
        Now = time.GetUtcNow();
        IsHandler = IncidentService.IsHandler(viewer);
        if (IsHandler)
        {
            Handlers = await store.HandlersAsync(cancellationToken);
            Organisations = await directory.SearchAsync(viewer, new DirectorySearch(Limit: 2000), cancellationToken);
        }

        return true;
    }
}
