using System.Text.Json;
using DnsCert.Core;
using DnsCert.Monitoring.Agents;
using DnsCert.Monitoring.Model;
using Npgsql;

namespace DnsCert.Infrastructure.Monitoring;

/// <summary>
/// The server side of the agent protocol: which zones a vantage point probes (watched zones with the name-server
/// addresses of their last check, each interval scaled to the cycle), results in (validated, then stored once per
/// batch by <see cref="ProbeIngestion"/>), heartbeats (table monitoring_agents).
/// </summary>
public sealed class AgentCoordinator(NpgsqlDataSource dataSource, ProbeIngestion ingestion, MonitoringRuntimeOptions options, TimeProvider time)
{
    /// <summary>Transports of the availability probes: SOA over UDP and over TCP (part b §1, §3).</summary>
    public static readonly IReadOnlyList<string> Transports = ["udp", "tcp"];

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>The zones <paramref name="vantagePoint"/> probes; records that the agent was seen.</summary>
    public async Task<AgentWork> GetWorkAsync(string agent, string vantagePoint, CancellationToken cancellationToken)
    {
        CheckVantagePoint(vantagePoint, nameof(vantagePoint));
        var zones = new List<ZoneWork>();
        await using (var command = dataSource.CreateCommand(
            "SELECT zone, interval_seconds, targets FROM watched_zones WHERE targets IS NOT NULL ORDER BY zone"))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var targets = JsonSerializer.Deserialize<List<ProbeTarget>>(reader.GetString(2), s_json) ?? [];
                if (targets.Count == 0)
                {
                    continue;
                }

                var interval = ProbeSchedule.Interval(reader.GetInt32(1), options.CycleSeconds);
                zones.Add(new ZoneWork(reader.GetString(0), (int)interval.TotalSeconds, targets, Transports));
            }
        }

        await TouchAsync(agent, vantagePoint, null, cancellationToken);
        return new AgentWork(vantagePoint, time.GetUtcNow(), options.CycleSeconds, zones);
    }

    /// <summary>Stores a batch (once per batch id); every result must come from the batch's vantage point.</summary>
    public async Task<BatchAcknowledgement> PushAsync(string agent, ResultBatch batch, CancellationToken cancellationToken)
    {
        if (batch is null)
        {
            throw new ValidationException("body", "send a batch: {batchId, vantagePoint, results}");
        }

        CheckVantagePoint(batch.VantagePoint, "vantagePoint");
        if (batch.Results is null)
        {
            throw new ValidationException("results", "is missing");
        }

        for (var i = 0; i < batch.Results.Count; i++)
        {
            if (batch.Results[i] is { } result && !string.Equals(result.VantagePoint, batch.VantagePoint, StringComparison.Ordinal))
            {
                throw new ValidationException($"results[{i}].vantagePoint", "differs from the batch's vantage point");
            }
        }

        IngestResult stored;
        try
        {
            stored = await ingestion.IngestAsync(agent, batch.BatchId, batch.Results, cancellationToken);
        }
        catch (ValidationException e) when (e.Field == "batch" || e.Field.StartsWith("batch[", StringComparison.Ordinal))
        {
            // Ingestion names rows batch[i]; the API's body calls them results[i].
            throw new ValidationException("results" + e.Field["batch".Length..], e.Reason);
        }

        return new BatchAcknowledgement(batch.BatchId, stored.Duplicate, stored.Stored, stored.Discarded);
    }

    /// <summary>Records a heartbeat.</summary>
    public async Task<HeartbeatReply> HeartbeatAsync(string agent, AgentHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        if (heartbeat is null)
        {
            throw new ValidationException("body", "send a heartbeat: {vantagePoint, version, spooledBatches, spooledResults, lastProbeAt}");
        }

        CheckVantagePoint(heartbeat.VantagePoint, "vantagePoint");
        if (heartbeat.SpooledBatches < 0 || heartbeat.SpooledResults < 0)
        {
            throw new ValidationException("spooledBatches", "must not be negative");
        }

        if (heartbeat.Version is { Length: > 100 })
        {
            throw new ValidationException("version", "must be at most 100 characters");
        }

        await TouchAsync(agent, heartbeat.VantagePoint, heartbeat, cancellationToken);
        return new HeartbeatReply(time.GetUtcNow());
    }

    /// <summary>The agents seen, most recent first.</summary>
    public Task<IReadOnlyList<AgentStatus>> AgentsAsync(CancellationToken cancellationToken) => ListAgentsAsync(dataSource, cancellationToken);

    /// <summary>The agents seen, most recent first.</summary>
    public static async Task<IReadOnlyList<AgentStatus>> ListAgentsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("""
            SELECT vantage_point, agent, version, spooled_batches, spooled_results, last_probe_at, last_seen_at
            FROM monitoring_agents ORDER BY last_seen_at DESC
            """);
        var agents = new List<AgentStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            agents.Add(new AgentStatus(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3),
                reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return agents;
    }

    private async Task TouchAsync(string agent, string vantagePoint, AgentHeartbeat? heartbeat, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO monitoring_agents (vantage_point, agent, version, spooled_batches, spooled_results, last_probe_at, last_seen_at)
            VALUES ($1, $2, $3, coalesce($4, 0), coalesce($5, 0), $6, $7)
            ON CONFLICT (vantage_point) DO UPDATE SET agent = EXCLUDED.agent, last_seen_at = EXCLUDED.last_seen_at,
                version = coalesce($3, monitoring_agents.version),
                spooled_batches = coalesce($4, monitoring_agents.spooled_batches),
                spooled_results = coalesce($5, monitoring_agents.spooled_results),
                last_probe_at = coalesce($6, monitoring_agents.last_probe_at)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = vantagePoint });
        command.Parameters.Add(new NpgsqlParameter { Value = agent });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)heartbeat?.Version ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)heartbeat?.SpooledBatches ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)heartbeat?.SpooledResults ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)heartbeat?.LastProbeAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void CheckVantagePoint(string? vantagePoint, string field)
    {
        if (string.IsNullOrWhiteSpace(vantagePoint) || vantagePoint.Length > 100 || vantagePoint.Any(char.IsControl))
        {
            throw new ValidationException(field, "must be 1 to 100 printable characters");
        }
    }
}

/// <summary>An agent as the console lists it.</summary>
public sealed record AgentStatus(
    string VantagePoint, string Agent, string? Version, int SpooledBatches, int SpooledResults, DateTimeOffset? LastProbeAt, DateTimeOffset LastSeenAt);

/// <summary>
/// The server's own agent talks to the coordinator in process, through the same interface (and the same
/// <see cref="AgentRunner"/>) as a remote agent over HTTP. A database outage is "server unavailable": the local agent
/// spools exactly as a remote one does.
/// </summary>
public sealed class InProcessAgentServer(AgentCoordinator coordinator, string agent) : IAgentServer
{
    public Task<AgentWork> GetWorkAsync(string vantagePoint, CancellationToken cancellationToken) =>
        GuardAsync(() => coordinator.GetWorkAsync(agent, vantagePoint, cancellationToken));

    public Task<BatchAcknowledgement> PushAsync(ResultBatch batch, CancellationToken cancellationToken) =>
        GuardAsync(() => coordinator.PushAsync(agent, batch, cancellationToken));

    public Task<HeartbeatReply> HeartbeatAsync(AgentHeartbeat heartbeat, CancellationToken cancellationToken) =>
        GuardAsync(() => coordinator.HeartbeatAsync(agent, heartbeat, cancellationToken));

    private static async Task<T> GuardAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (ValidationException e)
        {
            throw new AgentRequestRejectedException($"{e.Field}: {e.Reason}", e) { StatusCode = 400 };
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException { InnerException: NpgsqlException })
        {
            throw new AgentServerUnavailableException("database unavailable: " + e.Message, e);
        }
    }
}

/// <summary>JSON of the probe targets column.</summary>
internal static class ProbeTargetsJson
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static string Write(IEnumerable<ProbeTarget> targets) => JsonSerializer.Serialize(targets.ToList(), s_json);

    public static IReadOnlyList<ProbeTarget> Read(string json) => JsonSerializer.Deserialize<List<ProbeTarget>>(json, s_json) ?? [];

    public static string Evidence(IReadOnlyList<ProbeEvidence> evidence) => JsonSerializer.Serialize(evidence, s_json);
}
