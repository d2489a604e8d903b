using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Visibility;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Incidents;

/// <summary>Column lists, readers and parameter helpers of the incident SQL.</summary>
internal static class IncidentRows
{
    public const string ActiveStates = "('new', 'open', 'resolution-proposed')";

    public const string SummaryColumns = """
        i.id, i.title, i.state, i.rsit_class, i.rsit_type, i.dns_technique, i.scope, i.effect, i.severity, i.severity_overridden, i.tlp, i.pap,
        i.assignee, u.display_name, i.opened_at, i.acknowledged_at, i.first_response_at, i.resolved_at,
        (SELECT count(*) FROM reports r WHERE r.incident_id = i.id)::int,
        (SELECT count(*) FROM coordination_requests c WHERE c.incident_id = i.id AND c.status IN ('notified', 'acknowledged', 'in-progress'))::int,
        i.source
        """;

    public const string SummaryFrom = "incidents i LEFT JOIN users u ON u.id = i.assignee";

    public static VisibilityColumns IncidentColumns { get; } = new("i.tlp", "i.recipient_organisations", "i.recipient_users", "i.created_by");

    public static IncidentSummary ReadSummary(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), Codes.Parse<IncidentState>(r.GetString(2), "state"),
        new Triage(new RsitClassification(r.GetString(3), r.GetString(4)), Codes.Parse<DnsAbuseTechnique>(r.GetString(5), "technique"),
            Codes.Parse<ImpactScope>(r.GetString(6), "scope"), Codes.Parse<ImpactEffect>(r.GetString(7), "effect"), (Severity)r.GetInt16(8),
            r.GetBoolean(9), (Tlp)r.GetInt16(10), (Pap)r.GetInt16(11)),
        r.IsDBNull(12) ? null : r.GetGuid(12), r.IsDBNull(13) ? null : r.GetString(13), r.GetFieldValue<DateTimeOffset>(14),
        Time(r, 15), Time(r, 16), Time(r, 17), r.GetInt32(18), r.GetInt32(19), r.GetString(20));

    public const string ReportColumns = "id, created_at, source, sender, subject, status, incident_id, tlp, confirmed_at";

    public static ReportSummary ReadReport(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.IsDBNull(6) ? null : r.GetInt64(6), (Tlp)r.GetInt16(7), Time(r, 8));

    public const string RequestColumns =
        "id, incident_id, organisation_id, organisation_name, recipient, language, action, due, status, reason, created_at, status_changed_at, ticket";

    public static CoordinationRequest ReadRequest(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetInt64(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetFieldValue<DateTimeOffset>(7),
        Codes.Parse<RequestStatus>(r.GetString(8), "status"), r.IsDBNull(9) ? null : r.GetString(9), r.GetFieldValue<DateTimeOffset>(10),
        r.GetFieldValue<DateTimeOffset>(11), r.IsDBNull(12) ? null : r.GetInt64(12));

    public static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    public static NpgsqlCommand Command(string sql, NpgsqlConnection connection, NpgsqlTransaction? transaction, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                DateTimeOffset t => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = t.UtcDateTime },
                null => new NpgsqlParameter { Value = DBNull.Value },
                _ => new NpgsqlParameter { Value = value },
            });
        }

        return command;
    }

    /// <summary>A typed null for a nullable parameter whose type PostgreSQL cannot infer.</summary>
    public static NpgsqlParameter Null(NpgsqlDbType type) => new() { NpgsqlDbType = type, Value = DBNull.Value };

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The SQL's values come last, as params.")]
    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken, string sql, params object?[] values)
    {
        await using var command = Command(sql, connection, transaction, values);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Appends one timeline entry (the only way entries are written; the table refuses updates and deletes).</summary>
    public static Task<int> EventAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long incidentId, DateTimeOffset at, TimelineKind kind,
        IncidentActor actor, string text, bool isInternal, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, cancellationToken,
            "INSERT INTO incident_events (incident_id, at, kind, actor_id, actor, text, internal) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            incidentId, at, Codes.ToCode(kind), (object?)actor.Id ?? DBNull.Value, actor.Name, text.Length > 20_000 ? text[..20_000] : text, isInternal);
}
