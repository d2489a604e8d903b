using System.Globalization;
using System.Text;
using System.Text.Json;
using DnsCert.Core;
using DnsCert.Core.Monitoring;
using DnsCert.Core.Visibility;
using DnsCert.Dns.Names;
using DnsCert.Infrastructure.Visibility;
using DnsCert.Monitoring.Changes;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Monitoring;

/// <summary>
/// The console's and the API's read side of monitoring, over the tables of the monitoring migration (watched_zones,
/// zone_states, zone_state_changes, sla_*_daily, probe_results, zone_change_records) and zone_check_results. A watched
/// zone's data carries the visibility facts of <see cref="WatchedZoneVisibility"/>, computed per row (TLP:AMBER, or
/// TLP:CLEAR when published on the status page; the holding organisations from the directory's zone assets) and filtered by <see cref="VisibilitySql"/>.
/// </summary>
public sealed class MonitoringReadModel(NpgsqlDataSource dataSource, ZoneCheckResultStore checks, TimeProvider time, EvaluationSettings? settings = null)
    : IMonitoringReadModel
{
    private readonly EvaluationSettings _settings = settings ?? new EvaluationSettings();

    // Watched zones with the four visibility columns. Directory zone assets are spelled without the final dot.
    private const string Zones = """
        WITH z AS (
            SELECT w.zone, w.interval_seconds, s.state, s.since, c.worst_severity, c.finding_count, c.checked_at,
                   (SELECT max(x.changed_at) FROM zone_state_changes x WHERE x.zone = w.zone) AS last_change,
                   CASE WHEN w.zone = '.' THEN '' ELSE split_part(left(w.zone, -1), '.', -1) END AS tld,
                   CASE WHEN w.public_status THEN @zone_public_tlp ELSE @zone_tlp END AS tlp,
                   ARRAY(SELECT DISTINCT a.organisation_id FROM assets a WHERE a.kind = 'zone' AND a.value = left(w.zone, -1)) AS recipient_organisations,
                   '{}'::uuid[] AS recipient_users, NULL::uuid AS created_by
            FROM watched_zones w
            LEFT JOIN zone_states s ON s.zone = w.zone
            LEFT JOIN zone_check_results c ON c.zone = w.zone
        ), h (state, worst, health) AS (VALUES /*health*/)
        """;

    public async Task<WatchedZoneList> ListAsync(Viewer viewer, WatchedZoneQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000)
        {
            throw new ValidationException("limit", "must be between 1 and 1000");
        }

        if (query.Offset < 0)
        {
            throw new ValidationException("offset", "must not be negative");
        }

        var tld = query.Tld is null ? null : Tld(query.Tld);
        var zones = new List<(WatchedZoneSummary Row, Guid[] Holders)>();
        var counts = Enum.GetValues<ZoneHealth>().ToDictionary(h => h, _ => 0);
        var organisations = new HashSet<Guid>();
        var tlds = new SortedSet<string>(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = Command(connection, viewer, out var visible))
        {
            // Counts per health over the visible set with the other filters (so "3 down" stays true while filtering by
            // state), and the filter choices over the whole visible set; aggregated in the database, not here.
            command.CommandText += $"""
                SELECT 'c', h.health, NULL, NULL::uuid, count(*)::int
                FROM z JOIN h ON h.state IS NOT DISTINCT FROM z.state AND h.worst IS NOT DISTINCT FROM z.worst_severity
                WHERE {visible} AND (@org::uuid IS NULL OR @org = ANY(z.recipient_organisations)) AND (@tld::text IS NULL OR z.tld = @tld)
                GROUP BY h.health
                UNION ALL SELECT 't', NULL, z.tld, NULL, 0 FROM z WHERE {visible} GROUP BY z.tld
                UNION ALL SELECT 'o', NULL, NULL, o, 0 FROM z, unnest(z.recipient_organisations) AS o WHERE {visible} GROUP BY o
                """;
            command.Parameters.Add(new NpgsqlParameter("org", NpgsqlDbType.Uuid) { Value = (object?)query.OrganisationId ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("tld", NpgsqlDbType.Text) { Value = (object?)tld ?? DBNull.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                switch (reader.GetString(0))
                {
                    case "c":
                        counts[(ZoneHealth)reader.GetInt16(1)] = reader.GetInt32(4);
                        break;
                    case "t":
                        tlds.Add(reader.GetString(2));
                        break;
                    default:
                        organisations.Add(reader.GetGuid(3));
                        break;
                }
            }
        }

        await using (var command = Command(connection, viewer, out var visible))
        {
            command.CommandText += $"""
                SELECT z.zone, h.health, z.state, z.since, z.last_change, z.worst_severity, z.finding_count, z.checked_at, z.interval_seconds,
                       z.recipient_organisations
                FROM z JOIN h ON h.state IS NOT DISTINCT FROM z.state AND h.worst IS NOT DISTINCT FROM z.worst_severity
                WHERE {visible} AND (@health::smallint IS NULL OR h.health = @health) AND (@org::uuid IS NULL OR @org = ANY(z.recipient_organisations))
                  AND (@tld::text IS NULL OR z.tld = @tld)
                ORDER BY h.health DESC, z.worst_severity DESC NULLS LAST, z.finding_count DESC NULLS LAST, z.last_change DESC NULLS LAST, z.zone
                LIMIT @limit OFFSET @offset
                """;
            command.Parameters.Add(new NpgsqlParameter("health", NpgsqlDbType.Smallint) { Value = query.Health is { } h ? (short)h : DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("org", NpgsqlDbType.Uuid) { Value = (object?)query.OrganisationId ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("tld", NpgsqlDbType.Text) { Value = (object?)tld ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = query.Limit });
            command.Parameters.Add(new NpgsqlParameter("offset", NpgsqlDbType.Integer) { Value = query.Offset });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                zones.Add((Summary(reader, []), reader.GetFieldValue<Guid[]>(9)));
            }
        }

        var names = await OrganisationNamesAsync(connection, viewer, organisations, cancellationToken);
        var total = query.Health is { } only ? counts[only] : counts.Values.Sum();
        return new WatchedZoneList(
            [.. zones.Select(z => z.Row with { Holders = Holders(z.Holders, names) })],
            counts, total,
            [.. names.Select(n => new ZoneHolder(n.Key, n.Value)).OrderBy(o => o.Name, StringComparer.CurrentCultureIgnoreCase)],
            [.. tlds]);
    }

    public async Task<ZoneDetail?> GetAsync(Viewer viewer, string zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var key = Key(zone);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var found = await VisibleZoneAsync(connection, viewer, key, cancellationToken);
        if (found is null)
        {
            return null;
        }

        var (summary, holders) = found.Value;
        var names = await OrganisationNamesAsync(connection, viewer, holders, cancellationToken);
        summary = summary with { Holders = Holders(holders, names) };
        var history = await ChangesAsync(connection, key, null, 50, cancellationToken);
        var latest = await checks.LoadAsync(key, cancellationToken);

        ZoneBaseline baseline;
        await using (var command = new NpgsqlCommand("""
            SELECT w.baseline, w.baseline_approved_at, a.user_name, w.proposed_baseline, w.proposed_at, w.proposed_by, p.user_name
            FROM watched_zones w LEFT JOIN users a ON a.id = w.baseline_approved_by LEFT JOIN users p ON p.id = w.proposed_by
            WHERE w.zone = $1
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            baseline = new ZoneBaseline(Snapshot(reader, 0), Time(reader, 1), Text(reader, 2), Snapshot(reader, 3), Time(reader, 4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), Text(reader, 6));
        }

        var records = new List<ChangeRecordView>();
        await using (var command = new NpgsqlCommand("""
            SELECT r.id, r.reference, r.expected, r.valid_from, r.valid_until, r.created_by, coalesce(c.user_name, r.created_by::text), r.created_at,
                   a.user_name, r.approved_at
            FROM zone_change_records r LEFT JOIN users c ON c.id = r.created_by LEFT JOIN users a ON a.id = r.approved_by
            WHERE r.zone = $1 ORDER BY r.valid_from DESC LIMIT 50
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(new ChangeRecordView(reader.GetGuid(0), reader.GetString(1), Snapshot(reader, 2)!, reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetGuid(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7),
                    Text(reader, 8), Time(reader, 9)));
            }
        }

        return new ZoneDetail(summary, history, latest, baseline, records);
    }

    public async Task<ZoneHistory?> HistoryAsync(Viewer viewer, string zone, int days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        if (days is < 1 or > 35)
        {
            throw new ValidationException(nameof(days), "must be between 1 and 35");
        }

        var key = Key(zone);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await VisibleZoneAsync(connection, viewer, key, cancellationToken) is null)
        {
            return null;
        }

        var to = time.GetUtcNow();
        var from = to.AddDays(-days);
        var bucket = days == 1 ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        // Buckets start on whole hours / UTC midnights, so a chart's columns line up with the daily SLA rows.
        var origin = new DateTimeOffset(from.UtcDateTime.Date, TimeSpan.Zero);
        var firstDay = DateOnly.FromDateTime(from.UtcDateTime);

        var slaDays = new List<SlaDay>();
        await using (var command = new NpgsqlCommand("""
            SELECT day, minutes_up, minutes_down, minutes_inconclusive, udp_queries, udp_within_limit, udp_median_ms, udp_p95_ms,
                   tcp_queries, tcp_within_limit, tcp_median_ms, tcp_p95_ms
            FROM sla_zone_daily WHERE zone = $1 AND day >= $2 ORDER BY day
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            command.Parameters.Add(new NpgsqlParameter { Value = firstDay });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                slaDays.Add(new SlaDay(reader.GetFieldValue<DateOnly>(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4),
                    reader.GetInt32(5), Real(reader, 6), Real(reader, 7), reader.GetInt32(8), reader.GetInt32(9), Real(reader, 10), Real(reader, 11)));
            }
        }

        var addressDays = new List<AddressSlaDay>();
        await using (var command = new NpgsqlCommand("""
            SELECT server_name, host(address), day, minutes_up, minutes_down, minutes_inconclusive
            FROM sla_address_daily WHERE zone = $1 AND day >= $2 ORDER BY server_name, address, day
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            command.Parameters.Add(new NpgsqlParameter { Value = firstDay });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                addressDays.Add(new AddressSlaDay(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetInt32(3),
                    reader.GetInt32(4), reader.GetInt32(5)));
            }
        }

        // RTT from the raw results (the daily aggregates are per zone, the chart is per address). Percentiles over answered
        // probes, nearest rank as RttStatistics; within-limit as the SLR counts it (answered, NOERROR not required here).
        var rtt = new List<RttBucket>();
        await using (var command = new NpgsqlCommand("""
            SELECT server_name, host(address), transport, date_bin($4, measured_at, $5) AS bucket, count(*)::int,
                   count(*) FILTER (WHERE outcome = 0)::int,
                   count(*) FILTER (WHERE outcome = 0 AND rtt_ms <= CASE transport WHEN 'udp' THEN $6 ELSE $7 END)::int,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY rtt_ms) FILTER (WHERE outcome = 0),
                   percentile_disc(0.95) WITHIN GROUP (ORDER BY rtt_ms) FILTER (WHERE outcome = 0)
            FROM probe_results WHERE zone = $1 AND measured_at >= $2 AND measured_at < $3
            GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            command.Parameters.Add(new NpgsqlParameter { Value = from });
            command.Parameters.Add(new NpgsqlParameter { Value = to });
            command.Parameters.Add(new NpgsqlParameter { Value = bucket, NpgsqlDbType = NpgsqlDbType.Interval });
            command.Parameters.Add(new NpgsqlParameter { Value = origin });
            command.Parameters.Add(new NpgsqlParameter { Value = (float)_settings.UdpRttLimitMilliseconds });
            command.Parameters.Add(new NpgsqlParameter { Value = (float)_settings.TcpRttLimitMilliseconds });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rtt.Add(new RttBucket(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), Real(reader, 7), Real(reader, 8)));
            }
        }

        var changes = await ChangesAsync(connection, key, from, 200, cancellationToken);
        return new ZoneHistory(key, from, to, bucket, slaDays, addressDays, rtt, changes);
    }

    /// <summary>A command starting with the watched-zone CTEs (z with its visibility columns, h the health table); the console search reuses it.</summary>
    internal static NpgsqlCommand Command(NpgsqlConnection connection, Viewer viewer, out string visible)
    {
        var command = new NpgsqlCommand { Connection = connection };
        var rows = new StringBuilder();
        foreach (var (state, worst, health) in ZoneHealthRules.Table())
        {
            rows.Append(rows.Length == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                $"({(state is { } s ? "'" + s.ToString().ToLowerInvariant() + "'" : "NULL")}::text, {(worst is { } w ? ((int)w).ToString(CultureInfo.InvariantCulture) : "NULL")}::smallint, {(int)health}::smallint)");
        }

        command.CommandText = Zones.Replace("/*health*/", rows.ToString(), StringComparison.Ordinal) + "\n";
        command.Parameters.Add(new NpgsqlParameter("zone_tlp", NpgsqlDbType.Smallint) { Value = (short)WatchedZoneVisibility.Label });
        command.Parameters.Add(new NpgsqlParameter("zone_public_tlp", NpgsqlDbType.Smallint) { Value = (short)WatchedZoneVisibility.PublishedLabel });
        visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, new VisibilityColumns("z.tlp", "z.recipient_organisations",
            "z.recipient_users", "z.created_by"));
        return command;
    }

    private static async Task<(WatchedZoneSummary Summary, Guid[] Holders)?> VisibleZoneAsync(NpgsqlConnection connection, Viewer viewer, string key,
        CancellationToken cancellationToken)
    {
        await using var command = Command(connection, viewer, out var visible);
        command.CommandText += $"""
            SELECT z.zone, h.health, z.state, z.since, z.last_change, z.worst_severity, z.finding_count, z.checked_at, z.interval_seconds,
                   z.recipient_organisations
            FROM z JOIN h ON h.state IS NOT DISTINCT FROM z.state AND h.worst IS NOT DISTINCT FROM z.worst_severity
            WHERE z.zone = @zone AND {visible}
            """;
        command.Parameters.Add(new NpgsqlParameter("zone", NpgsqlDbType.Text) { Value = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (Summary(reader, []), reader.GetFieldValue<Guid[]>(9)) : null;
    }

    private static WatchedZoneSummary Summary(NpgsqlDataReader reader, IReadOnlyList<ZoneHolder> holders) => new(
        reader.GetString(0), (ZoneHealth)reader.GetInt16(1), reader.IsDBNull(2) ? null : Enum.Parse<ZoneState>(reader.GetString(2), ignoreCase: true),
        Time(reader, 3), Time(reader, 4), reader.IsDBNull(5) ? null : (Severity)reader.GetInt16(5), reader.IsDBNull(6) ? 0 : reader.GetInt32(6),
        Time(reader, 7), reader.GetInt32(8), holders);

    private static async Task<IReadOnlyList<ZoneStateChange>> ChangesAsync(NpgsqlConnection connection, string key, DateTimeOffset? from, int limit,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT zone, from_state, to_state, changed_at, reason FROM zone_state_changes
            WHERE zone = $1 AND ($2::timestamptz IS NULL OR changed_at >= $2) ORDER BY changed_at DESC, id DESC LIMIT $3
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)from ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var changes = new List<ZoneStateChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new ZoneStateChange(reader.GetString(0), Enum.Parse<ZoneState>(reader.GetString(1), true), Enum.Parse<ZoneState>(reader.GetString(2), true),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4)));
        }

        return changes;
    }

    /// <summary>Names of the holding organisations the viewer may see (the directory's own visibility facts).</summary>
    private static async Task<Dictionary<Guid, string>> OrganisationNamesAsync(NpgsqlConnection connection, Viewer viewer, IReadOnlyCollection<Guid> ids,
        CancellationToken cancellationToken)
    {
        var names = new Dictionary<Guid, string>();
        if (ids.Count == 0)
        {
            return names;
        }

        await using var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command);
        command.CommandText = $"SELECT id, name FROM organisations WHERE id = ANY(@ids) AND {visible}";
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names[reader.GetGuid(0)] = reader.GetString(1);
        }

        return names;
    }

    private static List<ZoneHolder> Holders(Guid[] ids, Dictionary<Guid, string> names) =>
        [.. ids.Where(names.ContainsKey).Select(id => new ZoneHolder(id, names[id])).OrderBy(h => h.Name, StringComparer.CurrentCultureIgnoreCase)];

    internal static string Key(string zone)
    {
        if (string.IsNullOrWhiteSpace(zone) || zone.Length > 254 || !DnsName.TryNormalize(zone, out var normal))
        {
            throw new ValidationException(nameof(zone), "must be a domain name");
        }

        return normal;
    }

    private static string Tld(string text)
    {
        var t = text.Trim().TrimEnd('.').ToLowerInvariant();
        if (t.Length is 0 or > 63 || t.Contains('.', StringComparison.Ordinal) || !DnsName.TryNormalize(t, out _))
        {
            throw new ValidationException("tld", "must be one label, e.g. ml");
        }

        return t;
    }

    private static DelegationSnapshot? Snapshot(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<DelegationSnapshot>(reader.GetString(ordinal), ZoneCheckResultStore.Json);

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static double? Real(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFloat(ordinal);
}
