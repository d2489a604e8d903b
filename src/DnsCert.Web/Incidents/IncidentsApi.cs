using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Core.Printing;
using DnsCert.Core.Visibility;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DnsCert.Web.Incidents;

/// <summary>
/// <c>/api/v1/incidents</c> and <c>/api/v1/reports</c>: the queue, an incident with its timeline, the after-action
/// export, reports in, and the handlers' commands. Every read takes the caller as a <see cref="Viewer"/> and goes
/// through the visibility predicate; an incident the caller may not see is a 404, the same as one that does not exist.
/// </summary>
public static class IncidentsApi
{
    public sealed record ReportRequest(string Sender, string Subject, string Body, string? Assets, string? Language);

    public sealed record OpenRequest(string Title, string? Description, string? Classification, string? Technique, string? Scope, string? Effect,
        string? Severity, string? Tlp, string? Pap, string? Assets, IReadOnlyList<long>? Reports);

    public sealed record CommentRequest(string Text, bool Internal);

    public sealed record StateRequest(string State, string? Note);

    public sealed record CoordinationRequestInput(Guid OrganisationId, string Action, DateTimeOffset? Due);

    public sealed record RequestStatusInput(string Status, string? Reason);

    public sealed record TaskInput(string Title, Guid? Assignee, DateTimeOffset? Due);

    public sealed record MergeInput(long Source);

    public sealed record SplitInput(IReadOnlyList<long> Reports, string Title);

    public sealed record Created(long Id);

    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").WithTags("Incidents");
        group.MapGet("/incidents", async (HttpContext http, IIncidentStore store, TimeProvider time, string? view, int? limit, CancellationToken ct) =>
                await GuardAsync(async () => TypedResults.Ok(await store.QueueAsync(Viewers.From(http.User),
                    view is null ? QueueView.Active : Codes.Parse<QueueView>(view, "view"), time.GetUtcNow(), limit ?? 200, ct))))
            .RequireAuthorization(ApiScopes.Read).WithName("ListIncidents").WithSummary("The incident queue the caller may see (view: active, new, unassigned, late, mine, closed).");

        group.MapGet("/incidents/{id:long}", async Task<Results<Ok<IncidentDetails>, NotFound>> (HttpContext http, IIncidentStore store, long id, CancellationToken ct) =>
                await store.GetAsync(Viewers.From(http.User), id, ct) is { } incident ? TypedResults.Ok(incident) : TypedResults.NotFound())
            .RequireAuthorization(ApiScopes.Read).WithName("GetIncident").WithSummary("An incident with the timeline, tasks, requests and reports the caller may see.");

        group.MapGet("/incidents/{id:long}/after-action.md", async Task<Results<ContentHttpResult, NotFound>> (HttpContext http, IncidentService service, long id, CancellationToken ct) =>
            {
                try
                {
                    return TypedResults.Text(await service.AfterActionAsync(Viewers.From(http.User), id, ct), "text/markdown; charset=utf-8");
                }
                catch (IncidentNotFoundException)
                {
                    return TypedResults.NotFound();
                }
            })
            .RequireAuthorization(ApiScopes.Read).WithName("ExportAfterAction").WithSummary("The after-action report as Markdown (saved text, or a draft from the visible timeline).");

        group.MapGet("/incidents/{id:long}/after-action.pdf", async Task<Results<FileContentHttpResult, NotFound, ProblemHttpResult>> (HttpContext http,
                AfterActionPdf pdf, long id, CancellationToken ct) =>
            {
                try
                {
                    var (bytes, name) = await pdf.RenderAsync(Viewers.From(http.User), id, ct);
                    return TypedResults.File(bytes, "application/pdf", name);
                }
                catch (IncidentNotFoundException)
                {
                    return TypedResults.NotFound();
                }
                catch (PdfPrintException e)
                {
                    return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "PDF export unavailable");
                }
            })
            .RequireAuthorization(ApiScopes.Read).WithName("ExportAfterActionPdf")
            .WithSummary("The after-action report as PDF (the Markdown export laid out for print, TLP label on every page; 503 problem when Chromium is unavailable).");

        group.MapGet("/reports", async (HttpContext http, IIncidentStore store, bool? unlinked, int? limit, CancellationToken ct) =>
                TypedResults.Ok(await store.ReportsAsync(Viewers.From(http.User), unlinked ?? false, limit ?? 200, ct)))
            .RequireAuthorization(ApiScopes.Read).WithName("ListReports").WithSummary("Reports the caller may see (their own, or all for the core team).");

        group.MapPost("/reports", async (HttpContext http, IncidentService service, ReportRequest request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    var id = await service.SubmitReportAsync(Viewers.From(http.User), ReportSources.Api, request.Sender, request.Subject, request.Body,
                        request.Assets, request.Language ?? "en", null, ct);
                    return TypedResults.Created($"/api/v1/reports/{id}", new Created(id));
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("SubmitReport").WithSummary("Report an incident (shared with the caller's organisation, TLP:AMBER).");

        group.MapPost("/incidents", async (HttpContext http, IncidentService service, IncidentRouting routing, OpenRequest request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    var viewer = Viewers.From(http.User);
                    var assets = IncidentService.Assets(request.Assets);
                    var id = await service.OpenAsync(viewer, new NewIncident(request.Title, request.Description ?? "", ParseTriage(request.Classification, request.Technique,
                            request.Scope, request.Effect, request.Severity, request.Tlp, request.Pap), assets, await routing.AffectedAsync(assets, ct), [],
                        request.Reports ?? [], ReportSources.Api, null, null, viewer.UserId), Actor(http), ct);
                    return TypedResults.Created($"/api/v1/incidents/{id}", new Created(id));
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("OpenIncident").WithSummary("Open an incident (handlers): triage, assets (routed to the affected organisations), reports.");

        group.MapPost("/incidents/{id:long}/comments", async (HttpContext http, IncidentService service, long id, CommentRequest request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    await service.CommentAsync(Viewers.From(http.User), id, request.Text, request.Internal, Actor(http), ct);
                    return TypedResults.NoContent();
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("CommentIncident").WithSummary("Add a comment to the timeline (internal: core team only).");

        group.MapPost("/incidents/{id:long}/state", async (HttpContext http, IncidentService service, long id, StateRequest request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    await service.ChangeStateAsync(Viewers.From(http.User), id, Codes.Parse<IncidentState>(request.State, "state"), request.Note, Actor(http), ct);
                    return TypedResults.NoContent();
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("MoveIncident").WithSummary("Move the incident (open, resolution-proposed, closed, rejected).");

        group.MapPost("/incidents/{id:long}/requests", async (HttpContext http, IncidentService service, long id, CoordinationRequestInput request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    var requestId = await service.AddRequestAsync(Viewers.From(http.User), id, request.OrganisationId, request.Action, request.Due,
                        SiteBase(http), Actor(http), ct);
                    return TypedResults.Created($"/api/v1/incidents/{id}", new { id = requestId });
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("AddCoordinationRequest").WithSummary("Ask an organisation to act: mailed to its 24x7 contact with an acknowledgement link.");

        group.MapPost("/incidents/{id:long}/requests/{requestId:guid}/status", async (HttpContext http, IncidentService service, long id, Guid requestId,
                RequestStatusInput request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    await service.ChangeRequestAsync(Viewers.From(http.User), id, requestId, Codes.Parse<RequestStatus>(request.Status, "status"), request.Reason, Actor(http), ct);
                    return TypedResults.NoContent();
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("ChangeCoordinationRequest").WithSummary("Record the party's status (acknowledged, in-progress, done, declined with a reason, cancelled).");

        group.MapPost("/incidents/{id:long}/tasks", async (HttpContext http, IncidentService service, long id, TaskInput request, CancellationToken ct) =>
                await GuardAsync(async () => TypedResults.Created($"/api/v1/incidents/{id}",
                    new Created(await service.AddTaskAsync(Viewers.From(http.User), id, request.Title, request.Assignee, request.Due, Actor(http), ct)))))
            .RequireAuthorization(ApiScopes.Write).WithName("AddIncidentTask").WithSummary("Add a task for a handler, with a due time.");

        group.MapPost("/incidents/{id:long}/merge", async (HttpContext http, IncidentService service, long id, MergeInput request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    await service.MergeAsync(Viewers.From(http.User), id, request.Source, Actor(http), ct);
                    return TypedResults.NoContent();
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("MergeIncident").WithSummary("Merge another incident into this one.");

        group.MapPost("/incidents/{id:long}/split", async (HttpContext http, IncidentService service, long id, SplitInput request, CancellationToken ct) =>
                await GuardAsync(async () => TypedResults.Created($"/api/v1/incidents/{id}",
                    new Created(await service.SplitAsync(Viewers.From(http.User), id, request.Reports ?? [], request.Title, Actor(http), ct)))))
            .RequireAuthorization(ApiScopes.Write).WithName("SplitIncident").WithSummary("Move some of the incident's reports to a new incident.");
        return endpoints;
    }

    public static IncidentActor Actor(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var viewer = Viewers.From(http.User);
        return new IncidentActor(viewer.UserId, http.User.Identity?.Name ?? "anonymous");
    }

    /// <summary>The site's own address, for links in mail (the configured public URL wins).</summary>
    public static Uri SiteBase(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var configured = http.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<PublicSite.TeamOptions>>()?.Value.PublicUrl;
        return new Uri(string.IsNullOrWhiteSpace(configured) ? $"{http.Request.Scheme}://{http.Request.Host}/" : configured.TrimEnd('/') + "/");
    }

    public static Triage ParseTriage(string? classification, string? technique, string? scope, string? effect, string? severity, string? tlp, string? pap)
    {
        var c = string.IsNullOrWhiteSpace(classification) ? Rsit.Undetermined : Rsit.Parse(classification, null);
        var triage = Triage.FromMatrix(c,
            string.IsNullOrWhiteSpace(technique) ? DnsAbuseTechnique.None : Codes.Parse<DnsAbuseTechnique>(technique, "technique"),
            string.IsNullOrWhiteSpace(scope) ? ImpactScope.Domain : Codes.Parse<ImpactScope>(scope, "scope"),
            string.IsNullOrWhiteSpace(effect) ? null : Codes.Parse<ImpactEffect>(effect, "effect"),
            string.IsNullOrWhiteSpace(tlp) ? Tlp.Amber : TlpLabels.Parse(tlp),
            string.IsNullOrWhiteSpace(pap) ? Pap.Amber : PapLabels.Parse(pap));
        return triage.WithSeverity(string.IsNullOrWhiteSpace(severity) ? null : Codes.Parse<Severity>(severity, "severity"));
    }

    private static async Task<IResult> GuardAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (ValidationException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Reason] }, detail: $"{e.Field}: {e.Reason}");
        }
        catch (IncidentNotFoundException)
        {
            return TypedResults.NotFound();
        }
        catch (UnauthorizedAccessException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden);
        }
    }
}
