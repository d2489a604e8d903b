using System.Security.Claims;
using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Monitoring.Agents;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace DnsCert.Web.Api;

/// <summary>
/// <c>/api/v1/agent</c>: the probe agents' protocol (docs/monitoring.md). Bearer token of scope <c>agent</c>. Agents pull
/// work, push result batches (idempotent by batch id: a re-sent batch is acknowledged as a duplicate and stored once),
/// and send heartbeats. Bad input is a 400 ProblemDetails naming the field; a database outage is a 503 so the agent
/// keeps its spool and tries again.
/// </summary>
public static class AgentApi
{
    /// <summary>The most results one pushed batch may carry (ingestion's limit).</summary>
    public const int MaxBatchResults = ProbeIngestion.MaxBatchSize;

    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/agent").WithTags("Agents").RequireAuthorization(ApiScopes.Agent);
        group.MapGet("/work", async Task<Results<Ok<AgentWork>, ValidationProblem, ProblemHttpResult>> (
                ClaimsPrincipal user, AgentCoordinator coordinator, string? vantagePoint, CancellationToken ct) =>
                await GuardAsync(async () => TypedResults.Ok(await coordinator.GetWorkAsync(AgentName(user), vantagePoint ?? "", ct))))
            .WithName("GetAgentWork")
            .WithSummary("The zones this vantage point probes: name-server addresses, transports, interval (scaled to the cycle), server time.");

        group.MapPost("/results", async Task<Results<Ok<BatchAcknowledgement>, ValidationProblem, ProblemHttpResult>> (
                ClaimsPrincipal user, AgentCoordinator coordinator, ResultBatch? batch, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    if (batch?.Results is { Count: > MaxBatchResults })
                    {
                        throw new ValidationException("results", $"holds more than {MaxBatchResults} results; split the batch");
                    }

                    return TypedResults.Ok(await coordinator.PushAsync(AgentName(user), batch!, ct));
                }))
            .WithName("PushAgentResults")
            .WithSummary("Store a batch of probe results. Idempotent by batchId: a batch already stored is acknowledged with duplicate = true.");

        group.MapPost("/heartbeat", async Task<Results<Ok<HeartbeatReply>, ValidationProblem, ProblemHttpResult>> (
                ClaimsPrincipal user, AgentCoordinator coordinator, AgentHeartbeat? heartbeat, CancellationToken ct) =>
                await GuardAsync(async () => TypedResults.Ok(await coordinator.HeartbeatAsync(AgentName(user), heartbeat!, ct))))
            .WithName("AgentHeartbeat")
            .WithSummary("An agent's sign of life, with the size of its spool; returns the server time.");
        return endpoints;
    }

    // The idempotency key of a batch is (agent, batch id); the agent is the token's owner.
    private static string AgentName(ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? name[..Math.Min(name.Length, 100)] : "agent";

    private static async Task<Results<Ok<T>, ValidationProblem, ProblemHttpResult>> GuardAsync<T>(Func<Task<Ok<T>>> action)
    {
        try
        {
            return await action();
        }
        catch (ValidationException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Reason] }, detail: $"{e.Field}: {e.Reason}");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The agent keeps the batch in its spool and sends it again; nothing was half-written (one transaction).
            return TypedResults.Problem("The database is unavailable; keep the results and try again.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
