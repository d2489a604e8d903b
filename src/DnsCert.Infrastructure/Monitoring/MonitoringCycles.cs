using System.Text.Json;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Agents;
using DnsCert.Monitoring.Checks;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;
using DnsCert.Monitoring.Resolution;
using Npgsql;

namespace DnsCert.Infrastructure.Monitoring;

/// <summary>What one evaluation pass did.</summary>
public sealed record EvaluationPass(int Zones, int CyclesApplied, IReadOnlyList<ZoneStateChange> Changes);

/// <summary>What one check pass did.</summary>
public sealed record CheckPass(int ZonesChecked, int Opened, int Cleared, IReadOnlyList<string> Failures);

/// <summary>
/// The evaluation side of the runtime, one pass at a time (the hosted services call it every cycle; tests call it
/// directly): the zone state from the stored probe results (51 % rule per address, at least two name servers up,
/// ZoneStateMachine with 3 cycles), and the full check catalogue per zone on its interval with the findings stored and
/// the probe targets refreshed. Deterministic given the database and the clock.
/// </summary>
public sealed class MonitoringCycles(
    NpgsqlDataSource dataSource, ZoneStateStore states, ZoneFindingStore findings, WatchedZoneStore watched, ZoneCheckResultStore latest,
    MonitoringRuntimeOptions options, TimeProvider time)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private static readonly HashSet<string> s_delegationChecks = new(["CHG-01", "CHG-02", "CHG-03", "CHG-04"], StringComparer.Ordinal);

    /// <summary>The evaluation thresholds (Specification 10 defaults, the configured vantage-point quorum).</summary>
    public EvaluationSettings Settings => new() { MinimumVantagePoints = options.MinimumVantagePoints };

    /// <summary>Applies every completed, not yet applied cycle of every watched zone to its state machine.</summary>
    public async Task<EvaluationPass> EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var zones = await ZonesAsync(cancellationToken);
        var changes = new List<ZoneStateChange>();
        var applied = 0;
        foreach (var zone in zones)
        {
            var interval = ProbeSchedule.Interval(zone.IntervalSeconds, options.CycleSeconds);
            var settings = Settings with { Cycle = interval };
            var snapshot = await states.LoadAsync(zone.Zone, cancellationToken);
            // A cycle is complete once it ended and the evaluation delay passed (results of its last probes have arrived).
            var lastComplete = AvailabilityEvaluator.CycleOf(now - TimeSpan.FromSeconds(options.EvaluationDelaySeconds), interval) - interval;
            var first = snapshot?.LastCycle is { } last ? last + interval : lastComplete;
            var earliest = lastComplete - ((options.MaxCatchUpCycles - 1) * interval);
            if (first < earliest)
            {
                first = earliest;
            }

            if (first > lastComplete)
            {
                continue;
            }

            var results = await ProbeResultReader.ReadAsync(dataSource, zone.Zone, first, lastComplete + interval, cancellationToken);
            var expected = new Dictionary<string, IReadOnlyCollection<string>>
            {
                [zone.Zone] = [.. zone.Targets.Select(t => t.ServerName).Distinct(StringComparer.Ordinal)],
            };
            var verdicts = AvailabilityEvaluator.EvaluateZones(results, settings, expected).ToDictionary(m => m.Minute);
            var machine = new ZoneStateMachine(zone.Zone, settings, snapshot);
            for (var cycle = first; cycle <= lastComplete; cycle += interval)
            {
                // No result at all from any vantage point: nobody can vouch either way (inconclusive, never down).
                var verdict = verdicts.TryGetValue(cycle, out var minute) ? minute.Availability : Availability.Inconclusive;
                var change = machine.Apply(cycle, verdict);
                await states.SaveAsync(machine.Snapshot, change, cancellationToken);
                applied++;
                if (change is not null)
                {
                    changes.Add(change);
                }
            }
        }

        return new EvaluationPass(zones.Count, applied, changes);
    }

    /// <summary>Runs the check catalogue on every zone whose check is due; stores findings and probe targets.</summary>
    public async Task<CheckPass> CheckDueAsync(ZoneCut hints, TrustAnchor? anchor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hints);
        var now = time.GetUtcNow();
        var due = (await ZonesAsync(cancellationToken))
            .Where(z => z.LastCheckAt is not { } last || last + ProbeSchedule.Interval(z.IntervalSeconds, options.CycleSeconds) <= now + TimeSpan.FromMilliseconds(500))
            .ToList();
        int opened = 0, cleared = 0;
        var failures = new List<string>();
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.CheckParallelism, CancellationToken = cancellationToken },
            async (zone, ct) =>
            {
                try
                {
                    var result = await CheckZoneAsync(zone.Zone, hints, anchor, ct);
                    Interlocked.Add(ref opened, result.Opened);
                    Interlocked.Add(ref cleared, result.Cleared);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    lock (failures)
                    {
                        failures.Add($"{zone.Zone}: {e.Message}");
                    }
                }
            });
        return new CheckPass(due.Count, opened, cleared, failures);
    }

    /// <summary>One full check of a zone: findings (delegation changes against the approved baseline, unless an approved change record covers them) and probe targets.</summary>
    public async Task<FindingChanges> CheckZoneAsync(string zone, ZoneCut hints, TrustAnchor? anchor, CancellationToken cancellationToken)
    {
        var watchedZone = await watched.GetAsync(zone, cancellationToken);
        var started = time.GetUtcNow();
        var probes = new ProbeSettings
        {
            PrivateTree = options.PrivateTree,
            VantagePoint = options.LocalAgentName,
            SourceAddress = options.LocalAgentSource is { Length: > 0 } source ? System.Net.IPAddress.Parse(source) : null,
            Time = time,
        };
        var run = await ZoneChecker.CheckAsync(DnsName.Parse(zone), new CheckOptions(hints, anchor, probes, watchedZone?.Baseline), cancellationToken);
        IEnumerable<Finding> found = run.Report.Findings;
        if (watchedZone?.Baseline is not null && found.Any(f => s_delegationChecks.Contains(f.CheckId)))
        {
            var records = await watched.ChangeRecordsAsync(zone, started, cancellationToken);
            if (records.Any(r => r.Covers(run.Snapshot, started)))
            {
                // An announced, approved change that looks exactly as announced: not an alarm.
                found = found.Where(f => !s_delegationChecks.Contains(f.CheckId));
            }
        }

        List<Finding> kept = [.. found];
        var changes = await findings.RecordRunAsync(zone, kept, started, options.ClearAfterRuns, cancellationToken);

        // The console shows the latest check whole (findings with their evidence, the observed delegation for baseline
        // proposals); zone_findings keeps their history for incidents. Suppressed delegation findings stay out of both.
        await latest.SaveAsync(run.Report with { Findings = kept }, run.Snapshot, cancellationToken);
        var targets = run.Observation.Servers
            .Select(s => new ProbeTarget(DnsName.TryNormalize(s.Name, out var n) ? n : s.Name, s.Address.ToString()))
            .Distinct().OrderBy(t => t.ServerName, StringComparer.Ordinal).ThenBy(t => t.Address, StringComparer.Ordinal).ToList();
        await using var update = dataSource.CreateCommand("""
            UPDATE watched_zones SET last_check_at = $2,
                targets = CASE WHEN $3::jsonb IS NULL THEN targets ELSE $3::jsonb END,
                targets_at = CASE WHEN $3::jsonb IS NULL THEN targets_at ELSE $2 END
            WHERE zone = $1
            """);
        update.Parameters.Add(new NpgsqlParameter { Value = DnsName.TryNormalize(zone, out var key) ? key : zone });
        update.Parameters.Add(new NpgsqlParameter { Value = started });
        // A check that found no server (delegation gone) keeps the last targets: agents go on probing the old addresses.
        update.Parameters.Add(new NpgsqlParameter
        {
            Value = targets.Count == 0 ? DBNull.Value : ProbeTargetsJson.Write(targets),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb,
        });
        await update.ExecuteNonQueryAsync(cancellationToken);
        return changes;
    }

    private async Task<IReadOnlyList<ZoneSchedule>> ZonesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT zone, interval_seconds, targets, last_check_at FROM watched_zones ORDER BY zone");
        var zones = new List<ZoneSchedule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            zones.Add(new ZoneSchedule(reader.GetString(0), reader.GetInt32(1),
                reader.IsDBNull(2) ? [] : JsonSerializer.Deserialize<List<ProbeTarget>>(reader.GetString(2), s_json) ?? [],
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return zones;
    }

    private sealed record ZoneSchedule(string Zone, int IntervalSeconds, IReadOnlyList<ProbeTarget> Targets, DateTimeOffset? LastCheckAt);
}

/// <summary>Reads stored probe results back as measurements.</summary>
public static class ProbeResultReader
{
    /// <summary>The results of one zone measured in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static async Task<IReadOnlyList<ProbeMeasurement>> ReadAsync(NpgsqlDataSource dataSource, string zone, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var read = dataSource.CreateCommand("""
            SELECT vantage_point, zone, server_name, host(address), transport, query_name, query_type, outcome, rcode, authoritative, rtt_ms,
                   serial, measured_at
            FROM probe_results WHERE zone = $1 AND measured_at >= $2 AND measured_at < $3
            """);
        read.Parameters.Add(new NpgsqlParameter { Value = zone });
        read.Parameters.Add(new NpgsqlParameter { Value = from });
        read.Parameters.Add(new NpgsqlParameter { Value = to });
        var results = new List<ProbeMeasurement>();
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new ProbeMeasurement(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), (ProbeOutcome)reader.GetInt16(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetBoolean(9), reader.GetFloat(10),
                reader.IsDBNull(11) ? null : (uint)reader.GetInt64(11), reader.GetFieldValue<DateTimeOffset>(12)));
        }

        return results;
    }
}
