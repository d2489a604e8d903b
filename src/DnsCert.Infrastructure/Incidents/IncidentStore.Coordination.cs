using System.Globalization;
using DnsCert.Core;
using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Core.Notifications;
using DnsCert.Infrastructure.Notifications;
using Npgsql;
using static DnsCert.Infrastructure.Incidents.IncidentRows;

namespace DnsCert.Infrastructure.Incidents;

/// <summary>Coordination requests, merge and split.</summary>
public sealed partial class IncidentStore
{
    /// <summary>What a merge moves from the source to the target incident ($1 target, $2 source).</summary>
    private static readonly string[] s_mergeMoves =
    [
        "UPDATE reports SET incident_id = $1 WHERE incident_id = $2",
        "UPDATE coordination_requests SET incident_id = $1 WHERE incident_id = $2",
        "UPDATE incident_tasks SET incident_id = $1 WHERE incident_id = $2",
        "UPDATE incident_findings SET incident_id = $1 WHERE incident_id = $2",
        "INSERT INTO incident_assets (incident_id, value) SELECT $1, value FROM incident_assets WHERE incident_id = $2 ON CONFLICT DO NOTHING",
        "INSERT INTO incident_affected (incident_id, organisation_id, name, role, region) SELECT $1, organisation_id, name, role, region FROM incident_affected WHERE incident_id = $2 ON CONFLICT DO NOTHING",
    ];

    /// <summary>The recipients and names a request needs, read before its transaction (the directory is not locked).</summary>
    internal sealed record RequestParty(Guid OrganisationId, string Name, IReadOnlyList<Recipient> Recipients);

    internal async Task<RequestParty> PartyAsync(Guid organisationId, CancellationToken cancellationToken)
    {
        string? name;
        await using (var command = dataSource.CreateCommand("SELECT name FROM organisations WHERE id = $1"))
        {
            command.Parameters.Add(new() { Value = organisationId });
            name = await command.ExecuteScalarAsync(cancellationToken) as string;
        }

        if (name is null)
        {
            throw new ValidationException("organisation", "no such organisation");
        }

        return new RequestParty(organisationId, name, await recipients.FindRecipientsAsync(organisationId, RequestContactRole, cancellationToken));
    }

    public async Task<Guid> AddRequestAsync(long incidentId, Guid organisationId, string action, DateTimeOffset due, Uri ackBase, IncidentActor actor,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        var party = await PartyAsync(organisationId, cancellationToken);
        if (party.Recipients.Count == 0)
        {
            throw new ValidationException("organisation", $"{party.Name} has no 24x7 contact to send the request to");
        }

        var id = Guid.Empty;
        await InTransactionAsync(async (connection, transaction) =>
        {
            var facts = await LockAsync(connection, transaction, incidentId, cancellationToken);
            id = await InsertRequestAsync(connection, transaction, facts, party, action, due, ackBase, actor, at, cancellationToken);
        }, cancellationToken);
        return id;
    }

    /// <summary>
    /// The request row, one outbox message per 24x7 recipient (each with the same acknowledgement link: the request is
    /// per party), the timeline entry and the first-response stamp — in the caller's transaction.
    /// </summary>
    internal async Task<Guid> InsertRequestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IncidentFacts facts, RequestParty party, string action,
        DateTimeOffset due, Uri ackBase, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ackBase);
        if (!IncidentLifecycle.IsActive(facts.State))
        {
            throw new ValidationException("incident", $"{IncidentReferences.Format(facts.Id)} is {facts.State.ToCode()}: reopen it first");
        }

        var id = Guid.CreateVersion7(at);
        var (token, hash) = AckTokens.New();
        var link = new Uri(ackBase, "incidents/ack/" + token);
        string title;
        await using (var read = Command("SELECT title FROM incidents WHERE id = $1", connection, transaction, facts.Id))
        {
            title = (string)(await read.ExecuteScalarAsync(cancellationToken))!;
        }

        var language = NotificationLanguages.Choose(party.Recipients[0].Languages);
        await ExecuteAsync(connection, transaction, cancellationToken, """
            INSERT INTO coordination_requests (id, incident_id, organisation_id, organisation_name, recipient, language, action, due, token_hash, created_at,
                                               created_by, status_changed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10)
            """, id, facts.Id, party.OrganisationId, party.Name, string.Join(", ", party.Recipients.Select(r => r.Address)), language, action, due, hash, at,
            (object?)actor.Id ?? DBNull.Value);

        var item = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["request"] = id.ToString("N", CultureInfo.InvariantCulture)[..8],
            ["incident"] = IncidentReferences.Format(facts.Id),
            ["title"] = title,
            ["action"] = action,
            ["due"] = due.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["link"] = link.AbsoluteUri,
        };
        Guid? firstMessage = null;
        long? firstTicket = null;
        var n = 0;
        foreach (var recipient in party.Recipients)
        {
            long ticket;
            await using (var next = new NpgsqlCommand("SELECT nextval('notification_ticket_seq')", connection, transaction))
            {
                ticket = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
            }

            var message = messages.Create(new OutgoingNotification($"request-{id:N}-{n++}", party.OrganisationId, NotificationKind.CoordinationRequest,
                facts.Triage.Tlp, recipient, [item]), ticket, at);
            await OutboxWriter.InsertAsync(connection, transaction, message, at, at, cancellationToken);
            firstMessage ??= message.Id;
            firstTicket ??= ticket;
            await EventAsync(connection, transaction, facts.Id, at, TimelineKind.MailOut, actor,
                $"Coordination request to {party.Name} <{recipient.Address}> ({message.Language}, {NotificationRenderer.Tag(ticket)}): {action}", false, cancellationToken);
        }

        await ExecuteAsync(connection, transaction, cancellationToken, "UPDATE coordination_requests SET message = $2, ticket = $3 WHERE id = $1",
            id, firstMessage!.Value, firstTicket!.Value);
        await ExecuteAsync(connection, transaction, cancellationToken, """
            UPDATE incidents SET first_response_at = coalesce(first_response_at, $2),
                acknowledged_at = CASE WHEN $3 THEN coalesce(acknowledged_at, $2) ELSE acknowledged_at END, updated_at = $2
            WHERE id = $1
            """, facts.Id, at, actor.Id is not null);
        return id;
    }

    public async Task<CoordinationRequest?> AcknowledgeRequestAsync(byte[] tokenHash, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        CoordinationRequest? request;
        await using (var select = Command($"SELECT {RequestColumns} FROM coordination_requests WHERE token_hash = $1 FOR UPDATE", connection, transaction, tokenHash))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            request = await reader.ReadAsync(cancellationToken) ? ReadRequest(reader) : null;
        }

        if (request is null)
        {
            return null;
        }

        // A second click (or a mail scanner after the person) changes nothing: the first acknowledgement stands.
        if (request.Status == RequestStatus.Notified)
        {
            await ExecuteAsync(connection, transaction, cancellationToken,
                "UPDATE coordination_requests SET status = 'acknowledged', acknowledged_at = $2, status_changed_at = $2 WHERE id = $1", request.Id, at);
            await EventAsync(connection, transaction, request.IncidentId, at, TimelineKind.Request, new IncidentActor(null, request.OrganisationName + " (acknowledgement link)"),
                $"{request.OrganisationName} acknowledged the coordination request", false, cancellationToken);
            request = request with { Status = RequestStatus.Acknowledged, StatusChangedAt = at };
        }

        await transaction.CommitAsync(cancellationToken);
        return request;
    }

    public Task ChangeRequestAsync(long incidentId, Guid requestId, RequestStatus target, string? reason, IncidentActor actor, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            await LockAsync(connection, transaction, incidentId, cancellationToken);
            string current;
            string party;
            await using (var select = Command("SELECT status, organisation_name FROM coordination_requests WHERE id = $1 AND incident_id = $2 FOR UPDATE",
                             connection, transaction, requestId, incidentId))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    throw new ValidationException("request", "no such request on this incident");
                }

                (current, party) = (reader.GetString(0), reader.GetString(1));
            }

            var from = Codes.Parse<RequestStatus>(current, "status");
            var checkedReason = RequestLifecycle.Check(from, target, reason);
            await using (var update = Command("""
                UPDATE coordination_requests SET status = $2, reason = coalesce($3, reason), status_changed_at = $4,
                    acknowledged_at = CASE WHEN $2 = 'acknowledged' THEN $4 ELSE acknowledged_at END
                WHERE id = $1
                """, connection, transaction, requestId, Codes.ToCode(target), checkedReason, at))
            {
                if (checkedReason is null)
                {
                    update.Parameters[2] = Null(NpgsqlTypes.NpgsqlDbType.Text);
                }

                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            await EventAsync(connection, transaction, incidentId, at, TimelineKind.Request, actor,
                $"Request to {party}: {Codes.ToCode(from)} → {Codes.ToCode(target)}{(checkedReason is null ? "" : " (" + checkedReason + ")")}", false, cancellationToken);
        }, cancellationToken);

    public Task MergeAsync(long targetId, long sourceId, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            // Lock in id order: two merges of the same pair in opposite directions cannot deadlock.
            var first = await LockAsync(connection, transaction, Math.Min(targetId, sourceId), cancellationToken);
            var second = await LockAsync(connection, transaction, Math.Max(targetId, sourceId), cancellationToken);
            var (target, source) = first.Id == targetId ? (first, second) : (second, first);
            var merged = IncidentMerge.Combine(target, source);
            string? sourceKey;
            await using (var release = Command("""
                UPDATE incidents SET state = 'merged', merged_into = $2, resolved_at = coalesce(resolved_at, $3), updated_at = $3 WHERE id = $1
                RETURNING dedup_key
                """, connection, transaction, sourceId, targetId, at))
            {
                sourceKey = await release.ExecuteScalarAsync(cancellationToken) as string;
            }

            var t = merged.Triage;
            await using (var update = Command("""
                UPDATE incidents SET tlp = $2, pap = $3, scope = $4, effect = $5, severity = $6, severity_overridden = $7,
                    recipient_organisations = $8, recipient_users = $9, dedup_key = coalesce(dedup_key, $10), updated_at = $11
                WHERE id = $1
                """, connection, transaction, targetId, (short)t.Tlp, (short)t.Pap, Codes.ToCode(t.Scope), Codes.ToCode(t.Effect), (short)t.Severity,
                t.SeverityOverridden, merged.RecipientOrganisations.ToArray(), merged.RecipientUsers.ToArray(), sourceKey, at))
            {
                if (sourceKey is null)
                {
                    update.Parameters[9] = Null(NpgsqlTypes.NpgsqlDbType.Text);
                }

                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var sql in s_mergeMoves)
            {
                await ExecuteAsync(connection, transaction, cancellationToken, sql, targetId, sourceId);
            }

            await EventAsync(connection, transaction, targetId, at, TimelineKind.Merge, actor,
                $"{IncidentReferences.Format(sourceId)} merged into this incident (reports, requests, tasks and assets moved): {t.Describe()}", false, cancellationToken);
            await EventAsync(connection, transaction, sourceId, at, TimelineKind.Merge, actor,
                $"Merged into {IncidentReferences.Format(targetId)}", false, cancellationToken);
        }, cancellationToken);

    public async Task<long> SplitAsync(long incidentId, IReadOnlyList<long> reportIds, string title, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reportIds);
        long newId = 0;
        await InTransactionAsync(async (connection, transaction) =>
        {
            var original = await LockAsync(connection, transaction, incidentId, cancellationToken);
            var linked = new List<long>();
            await using (var select = Command("SELECT id FROM reports WHERE incident_id = $1", connection, transaction, incidentId))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    linked.Add(reader.GetInt64(0));
                }
            }

            IncidentMerge.CheckSplit(original, linked, reportIds);
            var affected = new List<AffectedOrganisation>();
            await using (var select = Command("SELECT organisation_id, name, role, region FROM incident_affected WHERE incident_id = $1", connection, transaction, incidentId))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    affected.Add(new AffectedOrganisation(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), Codes.Parse<IcannRegion>(reader.GetString(3), "region")));
                }
            }

            newId = await InsertIncidentAsync(connection, transaction, new NewIncident(title, $"Split from {IncidentReferences.Format(incidentId)}.", original.Triage, [],
                affected, [.. original.RecipientUsers], [.. reportIds.Distinct()], "split", null, null, actor.Id), actor, at, cancellationToken);
            // The audience follows the original, including organisations named by hand (not only those from routing).
            await ExecuteAsync(connection, transaction, cancellationToken,
                "UPDATE incidents SET recipient_organisations = (SELECT recipient_organisations FROM incidents WHERE id = $2) WHERE id = $1", newId, incidentId);
            await EventAsync(connection, transaction, newId, at, TimelineKind.Split, actor,
                $"Split from {IncidentReferences.Format(incidentId)} with reports {string.Join(", ", reportIds.Distinct().Select(r => "#" + r.ToString(CultureInfo.InvariantCulture)))}", false, cancellationToken);
            await EventAsync(connection, transaction, incidentId, at, TimelineKind.Split, actor,
                $"Reports {string.Join(", ", reportIds.Distinct().Select(r => "#" + r.ToString(CultureInfo.InvariantCulture)))} split off into {IncidentReferences.Format(newId)}", false, cancellationToken);
        }, cancellationToken);
        return newId;
    }
}
