using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using Npgsql;
using static DnsCert.Infrastructure.Incidents.IncidentRows;

namespace DnsCert.Infrastructure.Incidents;

/// <summary>What one pass of the monitoring feed did.</summary>
public sealed record FeedResult(int Read, int Opened, int Updated, int ResolutionProposed);

/// <summary>
/// The monitoring feed: <c>zone_state_changes</c> (migration 0008) read in id order after a stored cursor. Each change
/// is one transaction that also moves the cursor, under the cursor row's lock, so two server instances never handle a
/// change twice and a crash never loses or repeats one. The contract assumed from the monitoring runtime: a row per
/// transition of a watched zone's state (unknown/up/down/inconclusive), never one per cycle, with a reason text that
/// names the failing check (e.g. "RRSIG expired", "lame delegation").
/// </summary>
public sealed partial class IncidentStore
{
    public const string MonitoringFeed = "zone-state-changes";

    public async Task<FeedResult> ApplyZoneChangesAsync(ResponsiblePartyRouter? router, IDutyOfficerLookup duty, Uri ackBase, int limit, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(duty);
        var (read, opened, updated, proposed) = (0, 0, 0, 0);
        while (read < limit)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, cancellationToken,
                "INSERT INTO incident_feed_cursors (feed, last_id, updated_at) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING", MonitoringFeed, at);
            long cursor;
            await using (var select = Command("SELECT last_id FROM incident_feed_cursors WHERE feed = $1 FOR UPDATE", connection, transaction, MonitoringFeed))
            {
                cursor = (long)(await select.ExecuteScalarAsync(cancellationToken))!;
            }

            ZoneChange? change = null;
            await using (var next = Command(
                "SELECT id, zone, from_state, to_state, changed_at, reason FROM zone_state_changes WHERE id > $1 ORDER BY id LIMIT 1", connection, transaction, cursor))
            await using (var reader = await next.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    change = new ZoneChange(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                        reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5));
                }
            }

            if (change is null)
            {
                break;
            }

            read++;
            switch (await ApplyAsync(connection, transaction, change, router, duty, ackBase, at, cancellationToken))
            {
                case ZoneChangeOutcome.Opened:
                    opened++;
                    break;
                case ZoneChangeOutcome.Updated:
                    updated++;
                    break;
                case ZoneChangeOutcome.Proposed:
                    proposed++;
                    break;
            }

            await ExecuteAsync(connection, transaction, cancellationToken,
                "UPDATE incident_feed_cursors SET last_id = $2, updated_at = $3 WHERE feed = $1", MonitoringFeed, change.Id, at);
            await transaction.CommitAsync(cancellationToken);
        }

        return new FeedResult(read, opened, updated, proposed);
    }

    private enum ZoneChangeOutcome
    {
        None,
        Opened,
        Updated,
        Proposed,
    }

    private async Task<ZoneChangeOutcome> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ZoneChange change, ResponsiblePartyRouter? router,
        IDutyOfficerLookup duty, Uri ackBase, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var effect = MonitoringIntake.Decide(change);
        if (effect == ZoneChangeEffect.Ignore)
        {
            return ZoneChangeOutcome.None;
        }

        var key = MonitoringIntake.DedupKey(change.Zone);
        long? openId = null;
        await using (var find = Command($"SELECT id FROM incidents WHERE dedup_key = $1 AND state IN {ActiveStates} FOR UPDATE", connection, transaction, key))
        {
            openId = await find.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
        }

        var actor = IncidentActor.System;
        var what = $"Monitoring: {change.Zone} {change.FromState} → {change.ToState} at {change.ChangedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC: {change.Reason}";
        if (openId is { } existing)
        {
            var facts = await LockAsync(connection, transaction, existing, cancellationToken);
            switch (effect)
            {
                case ZoneChangeEffect.ProposeResolution when facts.State != IncidentState.ResolutionProposed:
                    await EventAsync(connection, transaction, existing, at, TimelineKind.Finding, actor, what, false, cancellationToken);
                    if (await UnclearedFindingsAsync(connection, transaction, existing, cancellationToken) > 0)
                    {
                        // Up, but a finding that drove the incident (e.g. expired signatures) is still there: the findings feed proposes later.
                        return ZoneChangeOutcome.Updated;
                    }

                    await MoveAsync(connection, transaction, facts, IncidentState.ResolutionProposed, "the zone is back up; confirm to close", actor, at, cancellationToken);
                    return ZoneChangeOutcome.Proposed;
                case ZoneChangeEffect.OpenOrUpdate when facts.State == IncidentState.ResolutionProposed:
                    await EventAsync(connection, transaction, existing, at, TimelineKind.Finding, actor, what, false, cancellationToken);
                    await MoveAsync(connection, transaction, facts, IncidentState.Open, "the zone fails again", actor, at, cancellationToken);
                    return ZoneChangeOutcome.Updated;
                default:
                    await EventAsync(connection, transaction, existing, at, TimelineKind.Finding, actor, what, false, cancellationToken);
                    return ZoneChangeOutcome.Updated;
            }
        }

        if (effect != ZoneChangeEffect.OpenOrUpdate)
        {
            return ZoneChangeOutcome.None;
        }

        await OpenZoneIncidentAsync(connection, transaction, change.Zone, key, MonitoringIntake.Title(change), change.Reason, MonitoringIntake.TriageFor(change),
            [what], MonitoringIntake.RequestAction(change), router, duty, ackBase, at, cancellationToken);
        return ZoneChangeOutcome.Opened;
    }

    /// <summary>
    /// Opens a zone's monitoring incident (both feeds): the affected organisations from routing the zone, the duty
    /// officer of the first one's region, the finding entries, and a coordination request to the organisation closest
    /// to the zone (its DNS operator where the directory knows one, else its registry) — in the caller's transaction.
    /// </summary>
    private async Task<long> OpenZoneIncidentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string zoneName, string key, string title,
        string description, Triage triage, IReadOnlyList<string> findings, string requestAction, ResponsiblePartyRouter? router, IDutyOfficerLookup duty, Uri ackBase,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        var actor = IncidentActor.System;
        var zone = MonitoringIntake.Normalise(zoneName);
        var chain = router is null || zone.Length == 0 ? [] : router.Route(zone).Chain;
        var regions = await RegionsAsync(connection, transaction, [.. chain.Select(p => p.OrganisationId)], cancellationToken);
        var affected = chain.DistinctBy(p => p.OrganisationId)
            .Select(p => new AffectedOrganisation(p.OrganisationId, p.OrganisationName, Codes.ToCode(p.Role), regions.GetValueOrDefault(p.OrganisationId))).ToList();
        var officer = await duty.OnDutyAsync(affected.Select(a => a.Region).FirstOrDefault(r => r != IcannRegion.Unknown), at, cancellationToken);
        var incidentId = await InsertIncidentAsync(connection, transaction, new NewIncident(title, description, triage,
            zone.Length == 0 ? ["."] : [zone], affected, [], [], ReportSources.Monitoring, key, officer, null), actor, at, cancellationToken);
        foreach (var finding in findings)
        {
            await EventAsync(connection, transaction, incidentId, at, TimelineKind.Finding, actor, finding, false, cancellationToken);
        }

        // The operator closest to the zone is asked to act: its DNS operator where the directory knows one, else its registry.
        var ask = chain.FirstOrDefault(p => p.Role == PartyRole.DnsOperator) ?? chain.FirstOrDefault(p => p.Role == PartyRole.Registry);
        if (ask is null)
        {
            await EventAsync(connection, transaction, incidentId, at, TimelineKind.Request, actor,
                "Routing found no responsible organisation in the directory: nobody was asked", true, cancellationToken);
            return incidentId;
        }

        var party = await PartyAsync(ask.OrganisationId, cancellationToken);
        if (party.Recipients.Count == 0)
        {
            await EventAsync(connection, transaction, incidentId, at, TimelineKind.Request, actor,
                $"{party.Name} has no 24x7 contact: nobody was asked", true, cancellationToken);
            return incidentId;
        }

        var facts = new IncidentFacts(incidentId, IncidentState.New, triage, [.. affected.Select(a => a.OrganisationId)], []);
        await InsertRequestAsync(connection, transaction, facts, party, requestAction, at + SlaPolicy.Targets(triage.Severity).Resolution, ackBase, actor, at,
            cancellationToken);
        return incidentId;
    }

    private static async Task<Dictionary<Guid, IcannRegion>> RegionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] ids, CancellationToken cancellationToken)
    {
        var regions = new Dictionary<Guid, IcannRegion>();
        await using var select = Command("SELECT id, region FROM organisations WHERE id = ANY($1)", connection, transaction, ids);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            regions[reader.GetGuid(0)] = Codes.Parse<IcannRegion>(reader.GetString(1), "region");
        }

        return regions;
    }

    /// <summary>The regions of organisations, for routing a new incident to the right duty officer.</summary>
    public async Task<IReadOnlyDictionary<Guid, IcannRegion>> RegionsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var regions = await RegionsAsync(connection, transaction, [.. ids], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return regions;
    }
}
