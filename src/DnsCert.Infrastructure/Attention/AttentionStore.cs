using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Attention;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Incidents;
using DnsCert.Infrastructure.Visibility;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Attention;

/// <summary>
/// The notification panel over PostgreSQL: one UNION of the event tables, each branch starting from the person
/// (assignee, task assignee, shift member) and filtered through the visibility predicate on its incident; read marks in
/// attention_reads (migration *_attention).
/// </summary>
public sealed class AttentionStore(NpgsqlDataSource dataSource, TimeProvider time) : IAttentionStore
{
    /// <summary>Events older than this leave the panel (standing facts, such as an assignment, stay while they hold).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(14);

    /// <summary>A task enters the panel this long before it is due.</summary>
    public static readonly TimeSpan TaskLead = TimeSpan.FromDays(1);

    /// <summary>Hand-over notes are for the next shift: after two days a note is history, read on the duty page.</summary>
    public static readonly TimeSpan HandoverWindow = TimeSpan.FromDays(2);

    private const string ActiveStates = "('new', 'open', 'resolution-proposed')";

    private static readonly string[] s_teamRoles = [Roles.Administrator, Roles.HeadOfOperations, Roles.DutyOfficer, Roles.IncidentHandler, Roles.Augmenter, Roles.Analyst];

    public async Task<IReadOnlyList<AttentionItem>> ListAsync(Viewer viewer, int limit, CancellationToken cancellationToken)
    {
        if (viewer.UserId is null)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Items(connection, viewer);
        command.CommandText += """
            SELECT items.key, items.kind, items.at, items.incident_id, items.title, items.detail, r.item IS NOT NULL
            FROM items LEFT JOIN attention_reads r ON r.user_id = @me AND r.item = items.key
            ORDER BY (r.item IS NOT NULL), items.at DESC, items.key
            LIMIT @limit
            """;
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = Math.Clamp(limit, 1, 500) });
        var list = new List<AttentionItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new AttentionItem(reader.GetString(0), Enum.Parse<AttentionKind>(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetBoolean(6)));
        }

        return list;
    }

    public async Task<int> UnreadAsync(Viewer viewer, int cap, CancellationToken cancellationToken)
    {
        if (viewer.UserId is null)
        {
            return 0;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Items(connection, viewer);
        command.CommandText += """
            SELECT count(*)::int FROM (
                SELECT 1 FROM items WHERE NOT EXISTS (SELECT 1 FROM attention_reads r WHERE r.user_id = @me AND r.item = items.key) LIMIT @cap) u
            """;
        command.Parameters.Add(new NpgsqlParameter("cap", NpgsqlDbType.Integer) { Value = Math.Max(1, cap) });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task MarkReadAsync(Viewer viewer, string key, CancellationToken cancellationToken)
    {
        var me = viewer.UserId ?? throw new UnauthorizedAccessException("sign in first");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Items(connection, viewer);
        // Only an item the person has now may be marked: a forged key must not plant rows (nor probe for records).
        command.CommandText += """
            INSERT INTO attention_reads (user_id, item, read_at)
            SELECT @me, items.key, @now FROM items WHERE items.key = @key
            ON CONFLICT DO NOTHING
            RETURNING 1
            """;
        command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = key ?? "" });
        var inserted = await command.ExecuteScalarAsync(cancellationToken);
        if (inserted is null && !await ReadAlreadyAsync(connection, me, key ?? "", cancellationToken))
        {
            throw new ValidationException("item", "is not an item of your panel");
        }
    }

    public async Task<int> MarkAllReadAsync(Viewer viewer, CancellationToken cancellationToken)
    {
        if (viewer.UserId is null)
        {
            throw new UnauthorizedAccessException("sign in first");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Items(connection, viewer);
        command.CommandText += """
            , marked AS (
                INSERT INTO attention_reads (user_id, item, read_at)
                SELECT @me, items.key, @now FROM items
                ON CONFLICT DO NOTHING
                RETURNING 1)
            SELECT count(*)::int FROM marked
            """;
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<bool> ReadAlreadyAsync(NpgsqlConnection connection, Guid me, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM attention_reads WHERE user_id = $1 AND item = $2)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = me });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A command that starts with the CTE <c>items</c> (key, kind, at, incident_id, title, detail) for the viewer.</summary>
    private NpgsqlCommand Items(NpgsqlConnection connection, Viewer viewer)
    {
        var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, IncidentRows.IncidentColumns);
        var now = time.GetUtcNow();
        var team = s_teamRoles.Any(viewer.HasRole);
        command.Parameters.Add(new NpgsqlParameter("me", NpgsqlDbType.Uuid) { Value = viewer.UserId!.Value });
        command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now });
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = now - Window });
        command.Parameters.Add(new NpgsqlParameter("soon", NpgsqlDbType.TimestampTz) { Value = now + TaskLead });
        command.Parameters.Add(new NpgsqlParameter("handover_since", NpgsqlDbType.TimestampTz) { Value = now - HandoverWindow });
        command.Parameters.Add(new NpgsqlParameter("duty", NpgsqlDbType.Boolean) { Value = viewer.HasRole(Roles.DutyOfficer) });
        command.Parameters.Add(new NpgsqlParameter("head", NpgsqlDbType.Boolean) { Value = viewer.HasRole(Roles.HeadOfOperations) });
        command.Parameters.Add(new NpgsqlParameter("team", NpgsqlDbType.Boolean) { Value = team });
        command.CommandText = $"""
            WITH items (key, kind, at, incident_id, title, detail) AS (
                SELECT 'assigned:' || i.id, 'Assigned',
                       coalesce((SELECT max(e.at) FROM incident_events e WHERE e.incident_id = i.id AND e.kind = 'assignment'), i.opened_at),
                       i.id, i.title, NULL::text
                FROM incidents i
                WHERE i.assignee = @me AND i.state IN {ActiveStates} AND {visible}
                UNION ALL
                SELECT 'request:' || r.id || ':' || r.status, CASE r.status WHEN 'declined' THEN 'RequestDeclined' ELSE 'RequestAcknowledged' END,
                       r.status_changed_at, i.id, i.title, r.organisation_name || coalesce(': ' || r.reason, '')
                FROM incidents i JOIN coordination_requests r ON r.incident_id = i.id
                WHERE i.assignee = @me AND r.status IN ('acknowledged', 'declined') AND r.status_changed_at > @since AND {visible}
                UNION ALL
                SELECT 'escalation:' || x.incident_id || ':' || x.clock || ':' || x.level, 'Escalation', x.at, i.id, i.title,
                       x.clock || ' · ' || x.level
                FROM incident_escalations x JOIN incidents i ON i.id = x.incident_id
                WHERE x.at > @since AND i.state IN {ActiveStates}
                  AND (i.assignee = @me OR (i.assignee IS NULL AND @duty) OR (x.level = 2 AND @head)) AND {visible}
                UNION ALL
                SELECT 'task:' || t.id, 'TaskDue', t.due, i.id, i.title, t.title
                FROM incident_tasks t JOIN incidents i ON i.id = t.incident_id
                WHERE t.assignee = @me AND t.status = 'open' AND t.due IS NOT NULL AND t.due <= @soon AND {visible}
                UNION ALL
                SELECT 'handover:' || h.id, 'Handover', h.written_at, NULL::bigint, h.region, left(h.body, 200)
                FROM duty_handovers h
                WHERE @team AND h.acknowledged_at IS NULL AND h.written_by <> @me AND h.written_at > @handover_since
                  AND (EXISTS (SELECT 1 FROM duty_shifts s WHERE s.region = h.region AND @me = ANY(s.members)
                                AND (s.valid_until IS NULL OR s.valid_until >= (@now AT TIME ZONE 'UTC')::date))
                       OR EXISTS (SELECT 1 FROM duty_overrides o WHERE o.region = h.region AND o.person_id = @me AND o.until_at > @now))
            )

            """;
        return command;
    }
}
