using System.Globalization;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Notifications;
using Npgsql;
using static DnsCert.Infrastructure.Incidents.IncidentRows;

namespace DnsCert.Infrastructure.Incidents;

/// <summary>What one escalation sweep did.</summary>
public sealed record EscalationResult(int DutyOfficer, int HeadOfOperations);

/// <summary>The periodic sweeps: SLA escalation and replies to coordination requests into the timeline.</summary>
public sealed partial class IncidentStore
{
    /// <summary>
    /// Escalates every running clock that is late (to the duty officer on duty for the incident's region, else its
    /// handler) or overdue (to every enabled user holding the <c>head-of-operations</c> role, looked up at that moment;
    /// <paramref name="headOfOperations"/> only when nobody holds it), once per clock and level: an internal timeline
    /// entry and, where an address is known, a message through the outbox — in one transaction per escalation.
    /// </summary>
    public async Task<EscalationResult> EscalateAsync(IDutyOfficerLookup duty, string? headOfOperations, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(duty);
        var due = new List<(IncidentSummary Incident, IcannRegion Region, string? AssigneeEmail)>();
        await using (var command = dataSource.CreateCommand($"""
            SELECT {SummaryColumns},
                   coalesce((SELECT a.region FROM incident_affected a WHERE a.incident_id = i.id AND a.region <> 'unknown' ORDER BY a.name LIMIT 1), 'unknown'),
                   u.email
            FROM {SummaryFrom} WHERE i.state IN {ActiveStates}
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var summary = ReadSummary(reader);
                if (SlaPolicy.IsLate(summary.Clocks(now)))
                {
                    due.Add((summary, Codes.Parse<IcannRegion>(reader.GetString(21), "region"), reader.IsDBNull(22) ? null : reader.GetString(22)));
                }
            }
        }

        var (toDuty, toHead) = (0, 0);
        foreach (var (incident, region, assigneeEmail) in due)
        {
            foreach (var clock in incident.Clocks(now).Where(c => c.Status is ClockStatus.Late or ClockStatus.Overdue))
            {
                for (var level = 1; level <= (clock.Status == ClockStatus.Overdue ? 2 : 1); level++)
                {
                    if (await EscalateOneAsync(incident, clock, level, region, assigneeEmail, duty, headOfOperations, now, cancellationToken))
                    {
                        _ = level == 1 ? toDuty++ : toHead++;
                    }
                }
            }
        }

        return new EscalationResult(toDuty, toHead);
    }

    private async Task<bool> EscalateOneAsync(IncidentSummary incident, ClockReading clock, int level, IcannRegion region, string? assigneeEmail,
        IDutyOfficerLookup duty, string? headOfOperations, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var officer = level == 1 ? await duty.OnDutyAsync(region, now, cancellationToken) : null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await ExecuteAsync(connection, transaction, cancellationToken,
            "INSERT INTO incident_escalations (incident_id, clock, level, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            incident.Id, Codes.ToCode(clock.Clock), (short)level, now);
        if (inserted == 0)
        {
            return false;
        }

        // Whom to tell: (address, display name, language, key suffix); the key keeps one outbox message per person.
        var recipients = new List<(string Address, string Name, string Language, string Key)>();
        string whom;
        if (level == 2)
        {
            // Who holds the role now (a head of operations may have changed since the incident opened); the
            // configured address is only the fallback for a team where nobody holds it.
            await using (var select = Command("""
                SELECT id, display_name, email, language FROM users
                WHERE $1 = ANY(roles) AND NOT disabled AND coalesce(btrim(email), '') <> '' ORDER BY user_name
                """, connection, transaction, Roles.HeadOfOperations))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    recipients.Add((reader.GetString(2).Trim(), reader.GetString(1), reader.GetString(3), "-" + reader.GetGuid(0).ToString("N")));
                }
            }

            if (recipients.Count == 0 && !string.IsNullOrWhiteSpace(headOfOperations))
            {
                recipients.Add((headOfOperations.Trim(), "", "en", ""));
            }

            whom = recipients.Count > 1 ? "the heads of operations" : "the head of operations";
        }
        else if (officer is not null)
        {
            await using var select = Command("SELECT email FROM users WHERE id = $1", connection, transaction, officer.UserId);
            if (await select.ExecuteScalarAsync(cancellationToken) is string officerEmail && !string.IsNullOrWhiteSpace(officerEmail))
            {
                recipients.Add((officerEmail, officer.Name, "en", ""));
            }

            whom = "the duty officer " + officer.Name;
        }
        else
        {
            if (assigneeEmail is not null)
            {
                recipients.Add((assigneeEmail, incident.AssigneeName ?? "", "en", ""));
            }

            whom = incident.AssigneeName is null ? "the duty team (nobody on duty for the region)" : "the handler " + incident.AssigneeName;
        }

        var status = $"{Codes.ToCode(clock.Clock)} clock {Codes.ToCode(clock.Status)} (target {clock.Target.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min, due {clock.Due.UtcDateTime:yyyy-MM-dd HH:mm} UTC)";
        await EventAsync(connection, transaction, incident.Id, now, TimelineKind.Escalation, IncidentActor.System,
            $"{status}: escalated to {whom}{(recipients.Count == 0 ? " (no address known: shown in the late queue only)" : " " + string.Join(", ", recipients.Select(r => "<" + r.Address + ">")))}",
            true, cancellationToken);
        foreach (var recipient in recipients)
        {
            long ticket;
            await using (var next = new NpgsqlCommand("SELECT nextval('notification_ticket_seq')", connection, transaction))
            {
                ticket = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
            }

            var item = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["incident"] = incident.Reference,
                ["title"] = incident.Title,
                ["status"] = status,
                ["summary"] = $"Severity {Codes.ToCode(incident.Triage.Severity)}, {incident.Triage.Classification}. Escalated to {whom}.",
            };
            var message = messages.Create(new OutgoingNotification(
                $"escalation-{incident.Id.ToString(CultureInfo.InvariantCulture)}-{Codes.ToCode(clock.Clock)}-{level}{recipient.Key}", null,
                NotificationKind.IncidentUpdate, incident.Triage.Tlp == Tlp.Red ? Tlp.Red : Tlp.AmberStrict,
                new Recipient(recipient.Address, recipient.Name, [recipient.Language], null), [item]), ticket, now);
            await OutboxWriter.InsertAsync(connection, transaction, message, now, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Copies replies to coordination requests (mail the gateway attached to a request's message) into the incident's
    /// timeline as <c>mail-in</c> entries, once each.
    /// </summary>
    public async Task<int> RecordRepliesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH fresh AS (
                INSERT INTO incident_mail_seen (intake, incident_id)
                SELECT mi.id, r.incident_id
                FROM mail_intake mi
                JOIN notification_messages m ON m.id = mi.message
                JOIN coordination_requests r ON m.idempotency_key LIKE 'request-' || replace(r.id::text, '-', '') || '-%'
                WHERE mi.disposition = 'reply'
                ON CONFLICT DO NOTHING
                RETURNING intake, incident_id)
            INSERT INTO incident_events (incident_id, at, kind, actor_id, actor, text, internal)
            SELECT f.incident_id, mi.received_at, 'mail-in', NULL, coalesce(mi.sender, 'unknown sender'),
                   'Reply to the coordination request: ' || coalesce(mi.subject, '') || ' (signature: ' || mi.signature || ')', false
            FROM fresh f JOIN mail_intake mi ON mi.id = f.intake
            """);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
