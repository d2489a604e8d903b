using System.Globalization;
using System.Text;
using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DnsCert.Web.Api;

/// <summary>
/// Campaigns (issue 11): create from an uploaded list (the request body, streamed: text or CSV), add a day, read
/// coverage, and the registries' bulk outcome reports — by request id with an api:write token, or by the request's
/// signed link (<c>/campaigns/requests/{token}</c>: GET the slice as CSV, POST it back with an outcome column).
/// </summary>
public static class CampaignsApi
{
    public sealed record OutcomeRequest(string Name, string Outcome, string? Detail);

    public sealed record ReportResult(int Names);

    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").WithTags("Campaigns");
        // A campaign's view carries every registry's coverage, so, like the console pages, only the core team reads it;
        // a registry reads its own request through its link or the portal (a TLP:GREEN campaign would otherwise show one
        // registry the others' progress).
        group.MapGet("/campaigns", async (HttpContext http, ICampaignStore store, CancellationToken ct) =>
                Viewers.From(http.User) is { IsCoreTeam: true } viewer ? TypedResults.Ok(await store.ListAsync(viewer, ct)) : TypedResults.Ok<IReadOnlyList<CampaignSummary>>([]))
            .RequireAuthorization(ApiScopes.Read).WithName("ListCampaigns").WithSummary("Campaigns the caller may see, newest first.");

        group.MapGet("/campaigns/{id:guid}", async Task<Results<Ok<CampaignView>, NotFound>> (HttpContext http, ICampaignStore store, Guid id, CancellationToken ct) =>
                Viewers.From(http.User) is { IsCoreTeam: true } viewer && await store.GetAsync(viewer, id, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequireAuthorization(ApiScopes.Read).WithName("GetCampaign").WithSummary("A campaign with its coverage per registry, laggards first.");

        group.MapPost("/campaigns", async (HttpContext http, ICampaignStore store, IDirectoryRepository directory, PublicSuffixListHolder psl, TimeProvider time,
                string name, string? tlp, string? action, DateTimeOffset? deadline, int? namesPerDay, [FromQuery] string[]? sinkhole, string? registrar, DateOnly? day,
                CancellationToken ct) => await GuardAsync(async () =>
                {
                    var draft = new CampaignDraft(name, TlpLabels.Parse(tlp ?? "AMBER"), deadline ?? time.GetUtcNow().AddDays(1),
                        CampaignActions.Parse(action ?? "block"), namesPerDay ?? 0, sinkhole, registrar);
                    var viewer = Viewers.From(http.User);
                    var result = await UploadAsync(http, store, directory, psl, time,
                        CampaignUploadTarget.Create(viewer, Viewers.Actor(http).Name, draft, day ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)), ct);
                    return result.AlreadyUploaded ? TypedResults.Ok(result) : TypedResults.Created($"/api/v1/campaigns/{result.CampaignId}", result);
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("CreateCampaign")
            .WithSummary("Create a campaign; the body is the list of names (text, one a line, or CSV with a domain column), at most 5,000,000 lines. The same content again answers 200 with the first result.");

        group.MapPost("/campaigns/{id:guid}/uploads", async (HttpContext http, ICampaignStore store, IDirectoryRepository directory, PublicSuffixListHolder psl,
                TimeProvider time, Guid id, DateOnly? day, CancellationToken ct) => await GuardAsync(async () =>
                {
                    var result = await UploadAsync(http, store, directory, psl, time,
                        CampaignUploadTarget.AddTo(Viewers.From(http.User), Viewers.Actor(http).Name, id, day ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)), ct);
                    return result.AlreadyUploaded ? TypedResults.Ok(result) : TypedResults.Created($"/api/v1/campaigns/{id}", result);
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("AddCampaignUpload").WithSummary("Add a day of names to a campaign (same body as creating).");

        group.MapPost("/campaign-requests/{id:guid}/outcomes", async (HttpContext http, ICampaignRequestStore requests, Guid id, OutcomeRequest[] outcomes,
                CancellationToken ct) => await GuardAsync(async () =>
                {
                    if (await requests.GetAsync(Viewers.From(http.User), id, ct) is null)
                    {
                        return TypedResults.NotFound();
                    }

                    var parsed = outcomes.Select((o, i) => new ReportedOutcome(o.Name, NameOutcomes.Parse(o.Outcome, $"outcomes[{i}].outcome"), o.Detail)).ToList();
                    return TypedResults.Ok(new ReportResult(await requests.ReportAsync(id, parsed, Viewers.Actor(http).Name, ct)));
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("ReportCampaignOutcomes")
            .WithSummary("Outcomes per name for one registry request (acknowledged, actioned, refused), all or nothing.");

        // The registry's signed link: no account needed, the 256-bit token is the credential (only its hash is stored).
        endpoints.MapGet("/campaigns/requests/{token}", async Task<Results<FileContentHttpResult, NotFound>> (ICampaignRequestStore requests, string token, CancellationToken ct) =>
                await requests.FindByTokenAsync(token, ct) is { } request
                    ? TypedResults.File(Encoding.UTF8.GetBytes(Csv(request)), "text/csv; charset=utf-8", $"{Slug(request.CampaignName)}-{(request.Tlds.Count > 0 ? request.Tlds[0] : "slice")}.csv")
                    : TypedResults.NotFound())
            .AllowAnonymous().WithTags("Campaigns").WithName("GetCampaignRequestCsv")
            .WithSummary("A registry's slice as CSV (name, status, outcome, dns_state): fill the outcome column and POST it back to the same link.");

        endpoints.MapPost("/campaigns/requests/{token}", async (HttpContext http, ICampaignRequestStore requests, string token, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    if (await requests.FindByTokenAsync(token, ct) is not { } request)
                    {
                        return TypedResults.NotFound();
                    }

                    using var reader = new StreamReader(http.Request.Body);
                    var outcomes = await ReadOutcomesAsync(reader, ct);
                    return TypedResults.Ok(new ReportResult(await requests.ReportAsync(request.RequestId, outcomes, "registry:" + request.OrganisationName, ct)));
                }))
            .AllowAnonymous().WithTags("Campaigns").WithName("ReportCampaignOutcomesCsv")
            .WithSummary("A registry's outcomes as CSV (name,outcome[,detail]; the CSV from the GET with its outcome column filled), all or nothing.");
        return endpoints;
    }

    private static async Task<CampaignUploadResult> UploadAsync(HttpContext http, ICampaignStore store, IDirectoryRepository directory, PublicSuffixListHolder psl,
        TimeProvider time, CampaignUploadTarget target, CancellationToken ct)
    {
        var viewer = Viewers.From(http.User);
        var uploads = new CampaignUploads(store, CampaignUploads.RoutingFrom(psl.List, c => directory.LoadRoutingSnapshotAsync(viewer, c)), time);
        using var reader = new StreamReader(http.Request.Body);
        return await uploads.HandleAsync(target, reader, null, ct);
    }

    /// <summary>The CSV a registry sends back (see <see cref="CampaignOutcomeCsv"/>).</summary>
    internal static Task<List<ReportedOutcome>> ReadOutcomesAsync(TextReader reader, CancellationToken ct) => CampaignOutcomeCsv.ReadAsync(reader, ct);

    private static string Csv(CampaignRequestView request)
    {
        var csv = new StringBuilder("name,status,outcome,detail,dns_state\n");
        foreach (var n in request.Names)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{n.Name.TrimEnd('.')},{n.Status.Code()},,,{n.DnsState}\n");
        }

        return csv.ToString();
    }

    private static string Slug(string text) => new([.. text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);

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
        catch (CampaignUploadRejectedException e)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["file"] = [.. e.Errors.Select(x => $"line {x.Line}: '{x.Text}' {x.Reason}")] }, detail: e.Message);
        }
    }
}
