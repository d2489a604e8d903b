using DnsCert.Core;
using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Infrastructure.Visibility;
using Npgsql;
using static DnsCert.Infrastructure.Incidents.IncidentRows;

namespace DnsCert.Infrastructure.Incidents;

/// <summary>
/// Incidents in PostgreSQL. Every command runs in one transaction with its timeline entry; commands that move an
/// incident lock its row first (<c>FOR UPDATE</c>) so two handlers cannot both move it from the same state. Reads
/// append <see cref="VisibilitySql.Condition"/> — the incident's own columns, or the *_audience views for its parts.
/// </summary>
public sealed partial class IncidentStore(NpgsqlDataSource dataSource, MessageFactory messages, IRecipientDirectory recipients) : IIncidentStore
{
    /// <summary>The contact role coordination requests go to: the organisation's 24x7 contact.</summary>
    public const string RequestContactRole = "24x7";

    public async Task<long> AddReportAsync(NewReport report, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long id;
        await using (var command = Command("""
            INSERT INTO reports (created_at, sender, subject, body, source, language, assets, confirmation_hash, reporter_organisation, tlp,
                                 recipient_organisations, recipient_users, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '{}', $12)
            RETURNING id
            """, connection, transaction, at, report.Sender, report.Subject, report.Body, report.Source, report.Language, report.Assets.ToArray(),
            report.ConfirmationHash, report.ReporterOrganisation, (short)report.Tlp,
            report.ReporterOrganisation is { } org ? new[] { org } : Array.Empty<Guid>(), report.CreatedBy))
        {
            if (report.ConfirmationHash is null)
            {
                command.Parameters[7] = Null(NpgsqlTypes.NpgsqlDbType.Bytea);
            }

            if (report.ReporterOrganisation is null)
            {
                command.Parameters[8] = Null(NpgsqlTypes.NpgsqlDbType.Uuid);
            }

            if (report.CreatedBy is null)
            {
                command.Parameters[11] = Null(NpgsqlTypes.NpgsqlDbType.Uuid);
            }

            id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        // The public form's confirmation goes through the outbox with the report: both or neither.
        if (report.ConfirmationLink is { } link)
        {
            long ticket;
            await using (var next = new NpgsqlCommand("SELECT nextval('notification_ticket_seq')", connection, transaction))
            {
                ticket = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
            }

            var item = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["report"] = "#" + id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["subject"] = report.Subject,
                ["link"] = link.AbsoluteUri,
            };
            var message = messages.Create(new OutgoingNotification("report-confirmation-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                NotificationKind.ReportConfirmation, Tlp.Green, new Recipient(report.Sender, "", [report.Language], null), [item]), ticket, at);
            await OutboxWriter.InsertAsync(connection, transaction, message, at, at, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    public async Task<ReportSummary?> ConfirmReportAsync(byte[] tokenHash, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            $"UPDATE reports SET confirmed_at = coalesce(confirmed_at, $2) WHERE confirmation_hash = $1 RETURNING {ReportColumns}",
            connection, null, tokenHash, at);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadReport(reader) : null;
    }

    public async Task<IReadOnlyList<ReportSummary>> ReportsAsync(Viewer viewer, bool unlinkedOnly, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command);
        command.CommandText = $"""
            SELECT {ReportColumns} FROM reports
            WHERE {visible} {(unlinkedOnly ? "AND incident_id IS NULL AND status = 'new'" : "")}
            ORDER BY created_at DESC, id DESC LIMIT {Math.Clamp(limit, 1, 1000)}
            """;
        var list = new List<ReportSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadReport(reader));
        }

        return list;
    }

    public async Task<ReportDetails?> GetReportAsync(Viewer viewer, long reportId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, new VisibilityColumns("r.tlp", "r.recipient_organisations", "r.recipient_users", "r.created_by"));
        command.CommandText = $"""
            SELECT r.id, r.created_at, r.source, r.sender, r.subject, r.status, r.incident_id, r.tlp, r.confirmed_at,
                   r.body, r.reporter_organisation, o.name, r.assets
            FROM reports r LEFT JOIN organisations o ON o.id = r.reporter_organisation
            WHERE r.id = @id AND {visible}
            """;
        command.Parameters.AddWithValue("id", reportId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new ReportDetails(ReadReport(reader), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetGuid(10),
            reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetFieldValue<string[]>(12));
    }

    public async Task<long> OpenAsync(NewIncident incident, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await InsertIncidentAsync(connection, transaction, incident, actor, at, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    internal static async Task<long> InsertIncidentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewIncident incident, IncidentActor actor,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        var t = incident.Triage;
        long id;
        await using (var insert = Command("""
            INSERT INTO incidents (title, description, state, rsit_class, rsit_type, dns_technique, scope, effect, severity, severity_overridden, pap, tlp,
                                   recipient_organisations, recipient_users, created_by, source, dedup_key, assignee, opened_at, updated_at)
            VALUES ($1, $2, 'new', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)
            RETURNING id
            """, connection, transaction, incident.Title, incident.Description, t.Classification.Class, t.Classification.Type, Codes.ToCode(t.Technique),
            Codes.ToCode(t.Scope), Codes.ToCode(t.Effect), (short)t.Severity, t.SeverityOverridden, (short)t.Pap, (short)t.Tlp,
            incident.Affected.Select(a => a.OrganisationId).Distinct().ToArray(), incident.RecipientUsers.ToArray(), incident.CreatedBy, incident.Source,
            incident.DedupKey, incident.Assignee?.UserId, at))
        {
            if (incident.CreatedBy is null)
            {
                insert.Parameters[13] = Null(NpgsqlTypes.NpgsqlDbType.Uuid);
            }

            if (incident.DedupKey is null)
            {
                insert.Parameters[15] = Null(NpgsqlTypes.NpgsqlDbType.Text);
            }

            if (incident.Assignee is null)
            {
                insert.Parameters[16] = Null(NpgsqlTypes.NpgsqlDbType.Uuid);
            }

            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        foreach (var a in incident.Affected.DistinctBy(a => a.OrganisationId))
        {
            await ExecuteAsync(connection, transaction, cancellationToken,
                "INSERT INTO incident_affected (incident_id, organisation_id, name, role, region) VALUES ($1, $2, $3, $4, $5)",
                id, a.OrganisationId, a.Name, a.Role, Codes.ToCode(a.Region));
        }

        await AddAssetsAsync(connection, transaction, id, incident.Assets, cancellationToken);
        await EventAsync(connection, transaction, id, at, TimelineKind.StateChange, actor,
            $"Opened ({incident.Source}): {t.Describe()}", false, cancellationToken);
        if (incident.Affected.Count > 0)
        {
            await EventAsync(connection, transaction, id, at, TimelineKind.ClassificationChange, actor,
                "Affected through routing: " + string.Join(", ", incident.Affected.Select(a => $"{a.Name} ({a.Role})")), true, cancellationToken);
        }

        foreach (var reportId in incident.Reports.Distinct())
        {
            await LinkAsync(connection, transaction, id, reportId, actor, at, cancellationToken);
        }

        if (incident.Assignee is { } assignee)
        {
            await EventAsync(connection, transaction, id, at, TimelineKind.Assignment, actor,
                $"Routed to the duty officer on duty: {assignee.Name}", true, cancellationToken);
        }
        else
        {
            await EventAsync(connection, transaction, id, at, TimelineKind.Assignment, actor,
                "Nobody on duty for the region: waiting in the unassigned queue", true, cancellationToken);
        }

        return id;
    }

    private static async Task AddAssetsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, IEnumerable<string> assets, CancellationToken cancellationToken)
    {
        foreach (var asset in assets.Where(a => a.Length is > 0 and <= 253).Distinct(StringComparer.Ordinal))
        {
            await ExecuteAsync(connection, transaction, cancellationToken,
                "INSERT INTO incident_assets (incident_id, value) VALUES ($1, $2) ON CONFLICT DO NOTHING", id, asset);
        }
    }

    private static async Task LinkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long incidentId, long reportId, IncidentActor actor, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        string subject;
        string[] assets;
        await using (var update = Command(
            "UPDATE reports SET incident_id = $1, status = 'triaged' WHERE id = $2 RETURNING subject, assets", connection, transaction, incidentId, reportId))
        await using (var reader = await update.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new ValidationException("report", "no such report");
            }

            (subject, assets) = (reader.GetString(0), reader.GetFieldValue<string[]>(1));
        }

        await AddAssetsAsync(connection, transaction, incidentId, assets, cancellationToken);
        await EventAsync(connection, transaction, incidentId, at, TimelineKind.ReportLinked, actor, $"Report #{reportId} linked: {subject}", true, cancellationToken);
    }

    public async Task<IReadOnlyList<IncidentSummary>> QueueAsync(Viewer viewer, QueueView view, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, IncidentColumns);
        var filter = view switch
        {
            QueueView.New => "i.state = 'new'",
            QueueView.Unassigned => $"i.state IN {ActiveStates} AND i.assignee IS NULL",
            QueueView.Mine => $"i.state IN {ActiveStates} AND i.assignee = @me",
            QueueView.Closed => "i.state IN ('closed', 'rejected', 'merged')",
            _ => $"i.state IN {ActiveStates}",
        };
        if (view == QueueView.Mine)
        {
            command.Parameters.Add(new NpgsqlParameter("me", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)viewer.UserId ?? DBNull.Value });
        }

        // Late is a reading of the clocks against each incident's severity: filtered here, from the oldest active ones.
        var take = view == QueueView.Late ? 5000 : Math.Clamp(limit, 1, 1000);
        command.CommandText = $"""
            SELECT {SummaryColumns} FROM {SummaryFrom}
            WHERE {filter} AND {visible}
            ORDER BY i.severity DESC, i.opened_at {(view == QueueView.Late ? "ASC" : "DESC")}, i.id DESC LIMIT {take}
            """;
        var list = new List<IncidentSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var summary = ReadSummary(reader);
            if (view != QueueView.Late || SlaPolicy.IsLate(summary.Clocks(now)))
            {
                list.Add(summary);
            }
        }

        return view == QueueView.Late ? [.. list.Take(Math.Clamp(limit, 1, 1000))] : list;
    }

    public async Task<IncidentDetails?> GetAsync(Viewer viewer, long incidentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var filter = VisibilityPolicy.For(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        IncidentSummary summary;
        string description;
        string? dedup;
        long? mergedInto;
        string? afterAction;
        Guid[] recipientUsers;
        await using (var command = new NpgsqlCommand { Connection = connection })
        {
            var visible = VisibilitySql.Condition(filter, command, IncidentColumns);
            command.CommandText = $"""
                SELECT {SummaryColumns}, i.description, i.dedup_key, i.merged_into, i.after_action, i.recipient_users
                FROM {SummaryFrom} WHERE i.id = @id AND {visible}
                """;
            command.Parameters.AddWithValue("id", incidentId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            summary = ReadSummary(reader);
            description = reader.GetString(21);
            dedup = reader.IsDBNull(22) ? null : reader.GetString(22);
            mergedInto = reader.IsDBNull(23) ? null : reader.GetInt64(23);
            afterAction = reader.IsDBNull(24) ? null : reader.GetString(24);
            recipientUsers = reader.GetFieldValue<Guid[]>(25);
        }

        var affected = await ListAsync(connection, "SELECT organisation_id, name, role, region FROM incident_affected WHERE incident_id = @id ORDER BY name", incidentId, null,
            r => new AffectedOrganisation(r.GetGuid(0), r.GetString(1), r.GetString(2), Codes.Parse<IcannRegion>(r.GetString(3), "region")), cancellationToken);
        var assets = await ListAsync(connection, "SELECT value FROM incident_assets WHERE incident_id = @id ORDER BY value", incidentId, null,
            r => r.GetString(0), cancellationToken);
        var timeline = await ListAsync(connection,
            "SELECT id, incident_id, at, kind, actor_id, actor, text, internal FROM incident_event_audience WHERE incident_id = @id AND {0} ORDER BY at, id",
            incidentId, filter, r => new TimelineEntry(r.GetInt64(0), r.GetInt64(1), r.GetFieldValue<DateTimeOffset>(2), Codes.Parse<TimelineKind>(r.GetString(3), "kind"),
                r.IsDBNull(4) ? null : r.GetGuid(4), r.GetString(5), r.GetString(6), r.GetBoolean(7)), cancellationToken);
        var tasks = await ListAsync(connection,
            "SELECT id, incident_id, title, assignee, assignee_name, due, status, created_at, done_at FROM incident_task_audience WHERE incident_id = @id AND {0} ORDER BY status, due NULLS LAST, id",
            incidentId, filter, r => new IncidentTask(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetGuid(3),
                r.IsDBNull(4) ? null : r.GetString(4), Time(r, 5), Codes.Parse<Core.Incidents.TaskStatus>(r.GetString(6), "status"), r.GetFieldValue<DateTimeOffset>(7), Time(r, 8)),
            cancellationToken);
        var requests = await ListAsync(connection,
            $"SELECT {RequestColumns} FROM coordination_request_audience WHERE incident_id = @id AND {{0}} ORDER BY created_at, id",
            incidentId, filter, ReadRequest, cancellationToken);
        var reports = await ListAsync(connection,
            $"SELECT {ReportColumns} FROM reports WHERE incident_id = @id AND {{0}} ORDER BY created_at, id",
            incidentId, filter, ReadReport, cancellationToken);
        return new IncidentDetails(summary, description, dedup, mergedInto, affected, assets, recipientUsers, timeline, tasks, requests, reports, afterAction);
    }

    /// <summary>Rows of one incident's part; <c>{0}</c> in the SQL becomes the visibility condition when a filter is given.</summary>
    private static async Task<List<T>> ListAsync<T>(NpgsqlConnection connection, string sql, long incidentId, VisibilityFilter? filter, Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        command.CommandText = filter is null ? sql : sql.Replace("{0}", VisibilitySql.Condition(filter, command), StringComparison.Ordinal);
        command.Parameters.AddWithValue("id", incidentId);
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(read(reader));
        }

        return list;
    }

    /// <summary>Locks the incident row and returns its state and the facts merge and split need.</summary>
    private static async Task<IncidentFacts> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long incidentId, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            SELECT state, rsit_class, rsit_type, dns_technique, scope, effect, severity, severity_overridden, tlp, pap, recipient_organisations, recipient_users
            FROM incidents WHERE id = $1 FOR UPDATE
            """, connection, transaction, incidentId);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            throw new IncidentNotFoundException(IncidentReferences.Format(incidentId));
        }

        return new IncidentFacts(incidentId, Codes.Parse<IncidentState>(r.GetString(0), "state"),
            new Triage(new RsitClassification(r.GetString(1), r.GetString(2)), Codes.Parse<DnsAbuseTechnique>(r.GetString(3), "technique"),
                Codes.Parse<ImpactScope>(r.GetString(4), "scope"), Codes.Parse<ImpactEffect>(r.GetString(5), "effect"), (Severity)r.GetInt16(6), r.GetBoolean(7),
                (Tlp)r.GetInt16(8), (Pap)r.GetInt16(9)),
            r.GetFieldValue<Guid[]>(10), r.GetFieldValue<Guid[]>(11));
    }

    private async Task InTransactionAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public Task ChangeStateAsync(long incidentId, IncidentState target, string? note, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            var facts = await LockAsync(connection, transaction, incidentId, cancellationToken);
            await MoveAsync(connection, transaction, facts, target, note, actor, at, cancellationToken);
        }, cancellationToken);

    internal static async Task MoveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IncidentFacts facts, IncidentState target, string? note,
        IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        IncidentLifecycle.EnsureCanMove(facts.State, target);
        // A person moving the incident has acknowledged it; closing or rejecting stops the resolution clock, reopening restarts it.
        await ExecuteAsync(connection, transaction, cancellationToken, """
            UPDATE incidents SET state = $2,
                acknowledged_at = CASE WHEN $4 THEN coalesce(acknowledged_at, $3) ELSE acknowledged_at END,
                resolved_at = CASE WHEN $2 IN ('closed', 'rejected') THEN coalesce(resolved_at, $3) WHEN $2 IN ('open', 'new') THEN NULL ELSE resolved_at END,
                updated_at = $3
            WHERE id = $1
            """, facts.Id, target.ToCode(), at, actor.Id is not null);
        await EventAsync(connection, transaction, facts.Id, at, TimelineKind.StateChange, actor,
            $"{facts.State.ToCode()} → {target.ToCode()}{(string.IsNullOrEmpty(note) ? "" : ": " + note)}", false, cancellationToken);
    }

    public Task TriageAsync(long incidentId, Triage triage, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            ArgumentNullException.ThrowIfNull(triage);
            var facts = await LockAsync(connection, transaction, incidentId, cancellationToken);
            await ExecuteAsync(connection, transaction, cancellationToken, """
                UPDATE incidents SET rsit_class = $2, rsit_type = $3, dns_technique = $4, scope = $5, effect = $6, severity = $7, severity_overridden = $8,
                    tlp = $9, pap = $10, updated_at = $11
                WHERE id = $1
                """, incidentId, triage.Classification.Class, triage.Classification.Type, Codes.ToCode(triage.Technique), Codes.ToCode(triage.Scope),
                Codes.ToCode(triage.Effect), (short)triage.Severity, triage.SeverityOverridden, (short)triage.Tlp, (short)triage.Pap, at);
            await EventAsync(connection, transaction, incidentId, at, TimelineKind.ClassificationChange, actor,
                $"{facts.Triage.Describe()} ⇒ {triage.Describe()}", false, cancellationToken);
        }, cancellationToken);

    public Task AssignAsync(long incidentId, DutyOfficer? assignee, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            await LockAsync(connection, transaction, incidentId, cancellationToken);
            await using (var update = Command("""
                UPDATE incidents SET assignee = $2, updated_at = $3,
                    acknowledged_at = CASE WHEN $4 THEN coalesce(acknowledged_at, $3) ELSE acknowledged_at END
                WHERE id = $1
                """, connection, transaction, incidentId, assignee?.UserId, at, actor.Id is not null && assignee is not null))
            {
                if (assignee is null)
                {
                    update.Parameters[1] = Null(NpgsqlTypes.NpgsqlDbType.Uuid);
                }

                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            await EventAsync(connection, transaction, incidentId, at, TimelineKind.Assignment, actor,
                assignee is null ? "Unassigned" : $"Assigned to {assignee.Name}", true, cancellationToken);
        }, cancellationToken);

    public Task CommentAsync(long incidentId, string text, bool isInternal, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            await LockAsync(connection, transaction, incidentId, cancellationToken);
            await EventAsync(connection, transaction, incidentId, at, TimelineKind.Comment, actor, text, isInternal, cancellationToken);
        }, cancellationToken);

    public Task LinkReportAsync(long incidentId, long reportId, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            await LockAsync(connection, transaction, incidentId, cancellationToken);
            await LinkAsync(connection, transaction, incidentId, reportId, actor, at, cancellationToken);
        }, cancellationToken);

    public async Task<long> AddTaskAsync(long incidentId, string title, DutyOfficer? assignee, DateTimeOffset? due, IncidentActor actor, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        long id = 0;
        await InTransactionAsync(async (connection, transaction) =>
        {
            await LockAsync(connection, transaction, incidentId, cancellationToken);
            await using (var insert = Command(
                "INSERT INTO incident_tasks (incident_id, title, assignee, due, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                connection, transaction, incidentId, title, assignee?.UserId, due, at, actor.Id))
            {
                if (assignee is null)
                {
                    insert.Parameters[2] = Null(NpgsqlTypes.NpgsqlDbType.Uuid);
                }

                if (due is null)
                {
                    insert.Parameters[3] = Null(NpgsqlTypes.NpgsqlDbType.TimestampTz);
                }

                if (actor.Id is null)
                {
                    insert.Parameters[5] = Null(NpgsqlTypes.NpgsqlDbType.Uuid);
                }

                id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
            }

            await EventAsync(connection, transaction, incidentId, at, TimelineKind.Task, actor,
                $"Task #{id}: {title}{(assignee is null ? "" : " → " + assignee.Name)}{(due is { } d ? $" (due {d.UtcDateTime:yyyy-MM-dd HH:mm} UTC)" : "")}", true, cancellationToken);
        }, cancellationToken);
        return id;
    }

    public Task CompleteTaskAsync(long incidentId, long taskId, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            await LockAsync(connection, transaction, incidentId, cancellationToken);
            var changed = await ExecuteAsync(connection, transaction, cancellationToken,
                "UPDATE incident_tasks SET status = 'done', done_at = $3 WHERE id = $2 AND incident_id = $1 AND status = 'open'", incidentId, taskId, at);
            if (changed == 0)
            {
                throw new ValidationException("task", "no open task with this number on this incident");
            }

            await EventAsync(connection, transaction, incidentId, at, TimelineKind.Task, actor, $"Task #{taskId} done", true, cancellationToken);
        }, cancellationToken);

    public Task SaveAfterActionAsync(long incidentId, string markdown, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            await LockAsync(connection, transaction, incidentId, cancellationToken);
            await ExecuteAsync(connection, transaction, cancellationToken, "UPDATE incidents SET after_action = $2, updated_at = $3 WHERE id = $1", incidentId, markdown, at);
            await EventAsync(connection, transaction, incidentId, at, TimelineKind.Comment, actor, "After-action report edited", true, cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<DutyOfficer>> HandlersAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, display_name FROM users
            WHERE roles && ARRAY['administrator', 'duty-officer', 'incident-handler', 'augmenter'] AND NOT disabled
            ORDER BY display_name, id
            """);
        var list = new List<DutyOfficer>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DutyOfficer(reader.GetGuid(0), reader.GetString(1)));
        }

        return list;
    }
}
