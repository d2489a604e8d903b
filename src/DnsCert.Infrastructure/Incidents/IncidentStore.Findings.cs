using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using Npgsql;
using static DnsCert.Infrastructure.Incidents.IncidentRows;
using FindingSeverity = DnsCert.Monitoring.Model.Severity;

namespace DnsCert.Infrastructure.Incidents;

/// <summary>
/// The findings feed: <c>zone_findings</c> (migration *_monitoring_runtime.sql, written by the runtime's check loop) into
/// incidents. The table's rows change in place (last_seen every run, severity, cleared_at), so an id cursor cannot
/// tell what changed: the feed's progress is <c>incident_findings</c>, one row per finding that drove an incident with
/// the severity and clearing the feed last acted on, written in the same transaction as the timeline entries. A crash
/// therefore neither loses nor repeats an entry, an ongoing finding seen every cycle adds nothing, and several server
/// instances are serialised by the feed's row in <c>incident_feed_cursors</c> (its last_id: the highest finding id
/// handled, for operators).
/// </summary>
public sealed partial class IncidentStore
{
    public const string FindingsFeed = "zone-findings";

    /// <summary>A stored severity as its <see cref="FindingSeverity"/> number, in SQL.</summary>
    private static string Rank(string column) =>
        $"CASE {column} WHEN 'critical' THEN 4 WHEN 'error' THEN 3 WHEN 'warning' THEN 2 WHEN 'notice' THEN 1 ELSE 0 END";

    /// <summary>
    /// One pass: every zone with a new finding at or above <paramref name="threshold"/>, a finding that rose, or a
    /// finding that cleared, one zone per transaction, at most <paramref name="limit"/> zones.
    /// </summary>
    public async Task<FeedResult> ApplyFindingsAsync(ResponsiblePartyRouter? router, IDutyOfficerLookup duty, Uri ackBase, FindingSeverity threshold, int limit,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(duty);
        var (read, opened, updated, proposed) = (0, 0, 0, 0);
        var rank = (int)threshold;
        while (read < limit)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, cancellationToken,
                "INSERT INTO incident_feed_cursors (feed, last_id, updated_at) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING", FindingsFeed, at);
            await ExecuteAsync(connection, transaction, cancellationToken, "SELECT last_id FROM incident_feed_cursors WHERE feed = $1 FOR UPDATE", FindingsFeed);

            // The next zone with work, read under the lock: a new driving finding, a rise, or a clearing not yet recorded.
            string? zone;
            await using (var next = Command($"""
                SELECT zone FROM (
                    SELECT f.zone FROM zone_findings f
                    WHERE f.cleared_at IS NULL AND {Rank("f.severity")} >= $1
                      AND NOT EXISTS (SELECT 1 FROM incident_findings l WHERE l.finding_id = f.id)
                    UNION ALL
                    SELECT l.zone FROM incident_findings l LEFT JOIN zone_findings f ON f.id = l.finding_id
                    WHERE l.cleared_at IS NULL AND (f.id IS NULL OR f.cleared_at IS NOT NULL
                          OR {Rank("f.severity")} > {Rank("l.severity")})
                ) w ORDER BY zone LIMIT 1
                """, connection, transaction, rank))
            {
                zone = await next.ExecuteScalarAsync(cancellationToken) as string;
            }

            if (zone is null)
            {
                break;
            }

            read++;
            var outcome = await ApplyZoneFindingsAsync(connection, transaction, zone, router, duty, ackBase, threshold, at, cancellationToken);
            opened += outcome.Opened ? 1 : 0;
            updated += outcome.Updated ? 1 : 0;
            proposed += outcome.Proposed ? 1 : 0;
            await ExecuteAsync(connection, transaction, cancellationToken, """
                UPDATE incident_feed_cursors SET last_id = greatest(last_id, coalesce((SELECT max(finding_id) FROM incident_findings), 0)), updated_at = $2
                WHERE feed = $1
                """, FindingsFeed, at);
            await transaction.CommitAsync(cancellationToken);
        }

        return new FeedResult(read, opened, updated, proposed);
    }

    private sealed record ZoneOutcome(bool Opened, bool Updated, bool Proposed);

    private async Task<ZoneOutcome> ApplyZoneFindingsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string zone, ResponsiblePartyRouter? router,
        IDutyOfficerLookup duty, Uri ackBase, FindingSeverity threshold, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // The zone's open findings and the recorded ones not yet cleared, each with what the feed recorded of it.
        var facts = new List<(ZoneFindingFact Fact, long? IncidentId)>();
        await using (var select = Command("""
            SELECT f.id, f.zone, f.check_id, f.subject, f.severity, f.message, f.first_seen, f.cleared_at, l.severity, l.cleared_at IS NOT NULL, l.incident_id
            FROM zone_findings f LEFT JOIN incident_findings l ON l.finding_id = f.id
            WHERE f.zone = $1 AND f.cleared_at IS NULL
            UNION ALL
            SELECT l.finding_id, l.zone, l.check_id, coalesce(f.subject, ''), coalesce(f.severity, l.severity), coalesce(f.message, ''),
                   coalesce(f.first_seen, l.linked_at), coalesce(f.cleared_at, $2), l.severity, false, l.incident_id
            FROM incident_findings l LEFT JOIN zone_findings f ON f.id = l.finding_id
            WHERE l.zone = $1 AND l.cleared_at IS NULL AND (f.id IS NULL OR f.cleared_at IS NOT NULL)
            ORDER BY 1
            """, connection, transaction, zone, at))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                facts.Add((new ZoneFindingFact(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    FindingIntake.ParseSeverity(reader.GetString(4)), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), Time(reader, 7),
                    reader.IsDBNull(8) ? null : FindingIntake.ParseSeverity(reader.GetString(8)), reader.GetBoolean(9)),
                    reader.IsDBNull(10) ? null : reader.GetInt64(10)));
            }
        }

        var work = facts.Select(f => (f.Fact, f.IncidentId, Effect: FindingIntake.Decide(f.Fact, threshold))).Where(w => w.Effect != FindingEffect.None).ToList();
        var actor = IncidentActor.System;
        var key = MonitoringIntake.DedupKey(zone);
        long? active;
        await using (var find = Command($"SELECT id FROM incidents WHERE dedup_key = $1 AND state IN {ActiveStates} FOR UPDATE", connection, transaction, key))
        {
            active = await find.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
        }

        var opened = false;
        var updated = false;
        var fresh = work.Where(w => w.Effect == FindingEffect.New).Select(w => w.Fact).ToList();
        if (fresh.Count > 0)
        {
            if (active is { } existing)
            {
                var incident = await LockAsync(connection, transaction, existing, cancellationToken);
                foreach (var f in fresh)
                {
                    await EventAsync(connection, transaction, existing, at, TimelineKind.Finding, actor, FindingIntake.Describe(f, FindingEffect.New), false, cancellationToken);
                }

                if (incident.State == IncidentState.ResolutionProposed)
                {
                    await MoveAsync(connection, transaction, incident, IncidentState.Open, "a new finding on the zone", actor, at, cancellationToken);
                }

                updated = true;
            }
            else
            {
                active = await OpenZoneIncidentAsync(connection, transaction, zone, key, FindingIntake.Title(zone, fresh),
                    string.Join('\n', fresh.Select(f => FindingIntake.Describe(f, FindingEffect.New))), FindingIntake.TriageFor(zone, fresh),
                    [.. fresh.Select(f => FindingIntake.Describe(f, FindingEffect.New))], FindingIntake.RequestAction(zone, fresh), router, duty, ackBase, at,
                    cancellationToken);
                opened = true;
            }

            foreach (var f in fresh)
            {
                await ExecuteAsync(connection, transaction, cancellationToken, """
                    INSERT INTO incident_findings (finding_id, incident_id, zone, check_id, severity, linked_at) VALUES ($1, $2, $3, $4, $5, $6)
                    """, f.Id, active!.Value, zone, f.CheckId, FindingIntake.Code(f.Severity), at);
            }
        }

        // Rises and clearings go to the incident the finding drove — while that incident is active; a closed one only records them.
        var touched = new HashSet<long>();
        foreach (var (fact, incidentId, effect) in work.Where(w => w.Effect is FindingEffect.Rose or FindingEffect.Cleared))
        {
            var target = incidentId!.Value;
            await using (var state = Command($"SELECT 1 FROM incidents WHERE id = $1 AND state IN {ActiveStates}", connection, transaction, target))
            {
                if (await state.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    await EventAsync(connection, transaction, target, at, TimelineKind.Finding, actor, FindingIntake.Describe(fact, effect), false, cancellationToken);
                    touched.Add(target);
                    updated = true;
                }
            }

            await ExecuteAsync(connection, transaction, cancellationToken, effect == FindingEffect.Rose
                ? "UPDATE incident_findings SET severity = $2 WHERE finding_id = $1"
                : "UPDATE incident_findings SET cleared_at = $3 WHERE finding_id = $1", fact.Id, FindingIntake.Code(fact.Severity), fact.ClearedAt ?? at);
        }

        var proposed = false;
        foreach (var incidentId in touched)
        {
            var incident = await LockAsync(connection, transaction, incidentId, cancellationToken);
            string? zoneState;
            await using (var read = Command("SELECT state FROM zone_states WHERE zone = $1", connection, transaction, zone))
            {
                zoneState = await read.ExecuteScalarAsync(cancellationToken) as string;
            }

            if (incident.State is IncidentState.New or IncidentState.Open
                && FindingIntake.ResolutionDue(await UnclearedFindingsAsync(connection, transaction, incidentId, cancellationToken), zoneState))
            {
                await MoveAsync(connection, transaction, incident, IncidentState.ResolutionProposed, "every finding has cleared; confirm to close", actor, at,
                    cancellationToken);
                proposed = true;
            }
        }

        return new ZoneOutcome(opened, updated && !opened && !proposed, proposed);
    }

    /// <summary>Findings that drove the incident and have not cleared (the state feed asks too before proposing resolution).</summary>
    private static async Task<long> UnclearedFindingsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long incidentId,
        CancellationToken cancellationToken)
    {
        await using var count = Command("SELECT count(*) FROM incident_findings WHERE incident_id = $1 AND cleared_at IS NULL", connection, transaction, incidentId);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }
}
