using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Monitoring;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DnsCert.Web.Api;

/// <summary>
/// <c>/api/v1/monitoring/zones</c>: the console's monitoring data for programs — watched zones with their state
/// (worst first), one zone with its latest check (findings and evidence) and baseline, and its history. Every read
/// goes through the visibility predicate; a zone the caller may not see is a 404.
/// </summary>
public static class MonitoringApi
{
    public static IEndpointRouteBuilder MapMonitoringApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/monitoring").WithTags("Monitoring").RequireAuthorization(ApiScopes.Read);

        group.MapGet("/zones", async Task<Results<Ok<WatchedZoneList>, ValidationProblem>> (HttpContext http, IMonitoringReadModel monitoring,
                string? state, Guid? organisation, string? tld, int? limit, int? offset, CancellationToken ct) =>
            {
                try
                {
                    var health = string.IsNullOrEmpty(state) ? (ZoneHealth?)null : ZoneHealthRules.ParseCode(state);
                    return TypedResults.Ok(await monitoring.ListAsync(Viewers.From(http.User),
                        new WatchedZoneQuery(health, organisation, tld, limit ?? 200, offset ?? 0), ct));
                }
                catch (ValidationException e)
                {
                    return Problem(e);
                }
            })
            .WithName("ListWatchedZones")
            .WithSummary("Watched zones with their state, worst first (down, degraded, inconclusive, unknown, up), counts per state, filters.");

        group.MapGet("/zones/{zone}", async Task<Results<Ok<ZoneDetail>, NotFound, ValidationProblem>> (HttpContext http, IMonitoringReadModel monitoring,
                string zone, CancellationToken ct) =>
            {
                try
                {
                    return await monitoring.GetAsync(Viewers.From(http.User), zone, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();
                }
                catch (ValidationException e)
                {
                    return Problem(e);
                }
            })
            .WithName("GetWatchedZone")
            .WithSummary("A watched zone: state and since when, state changes, the latest check's findings with evidence, baseline and change records.");

        group.MapGet("/zones/{zone}/history", async Task<Results<Ok<ZoneHistory>, NotFound, ValidationProblem>> (HttpContext http,
                IMonitoringReadModel monitoring, string zone, int? days, CancellationToken ct) =>
            {
                try
                {
                    return await monitoring.HistoryAsync(Viewers.From(http.User), zone, days ?? 7, ct) is { } history
                        ? TypedResults.Ok(history)
                        : TypedResults.NotFound();
                }
                catch (ValidationException e)
                {
                    return Problem(e);
                }
            })
            .WithName("GetWatchedZoneHistory")
            .WithSummary("Daily SLA availability (zone and per address), RTT per address and transport (p50/p95, within 500/1,500 ms), state changes.");
        return endpoints;
    }

    private static ValidationProblem Problem(ValidationException e) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Reason] }, detail: $"{e.Field}: {e.Reason}");
}
