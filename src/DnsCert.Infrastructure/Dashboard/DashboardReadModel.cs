using DnsCert.Core.Constituency;
using DnsCert.Core.Dashboard;
using DnsCert.Core.Monitoring;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Infrastructure.Visibility;
using Npgsql;
using NpgsqlTypes;
using IncidentSeverity = DnsCert.Core.Incidents.Severity;

namespace DnsCert.Infrastructure.Dashboard;

/// <summary>
/// The dashboard's and the status page's reads: aggregates in the database (counts, worst health per TLD), each over
/// the rows the viewer may see. Watched zones come through the monitoring read model's zones CTE (which carries their
/// visibility facts), incidents and organisations through their own columns; all of it through <see cref="VisibilitySql"/>.
/// </summary>
public sealed class DashboardReadModel(NpgsqlDataSource dataSource) : IDashboardReadModel
{
    private const string ActiveIncident = "i.state IN ('new', 'open', 'resolution-proposed')";

    public async Task<DashboardSnapshot> ReadAsync(Viewer viewer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (counts, tlds) = await ZonesAsync(connection, viewer, cancellationToken);
        var changes = await ChangesAsync(connection, viewer, now - DashboardSnapshot.ChangeWindow, cancellationToken);

        var bySeverity = Enum.GetValues<IncidentSeverity>().ToDictionary(s => s, _ => 0);
        var worst = new List<DashboardIncident>();
        await using (var command = new NpgsqlCommand { Connection = connection })
        {
            var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, alias: "i");
            command.CommandText = $"""
                SELECT 'c', NULL::bigint, NULL::text, i.severity, NULL::text, NULL::timestamptz, count(*)::int
                FROM incidents i WHERE {ActiveIncident} AND {visible} GROUP BY i.severity
                UNION ALL
                (SELECT 'i', i.id, i.title, i.severity, i.state, i.opened_at, 0
                 FROM incidents i WHERE {ActiveIncident} AND {visible} ORDER BY i.severity DESC, i.opened_at DESC LIMIT {DashboardSnapshot.ListLimit})
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var severity = (IncidentSeverity)reader.GetInt16(3);
                if (reader.GetString(0) == "c")
                {
                    bySeverity[severity] = reader.GetInt32(6);
                }
                else
                {
                    worst.Add(new DashboardIncident(reader.GetInt64(1), reader.GetString(2), severity, reader.GetString(4),
                        reader.GetFieldValue<DateTimeOffset>(5)));
                }
            }
        }

        return new DashboardSnapshot(counts, tlds, bySeverity, worst, changes);
    }

    public async Task<PublicStatus> PublicStatusAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (_, tlds) = await ZonesAsync(connection, Viewer.Public, cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(Viewer.Public), command, alias: "i");
        command.CommandText = $"""
            SELECT count(*) FILTER (WHERE {ActiveIncident})::int, count(*) FILTER (WHERE i.opened_at >= @since)::int
            FROM incidents i WHERE {visible}
            """;
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = now - PublicStatus.RecentWindow });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new PublicStatus(tlds, reader.GetInt32(0), reader.GetInt32(1), now);
    }

    /// <summary>Counts per health and the worst health per TLD over the visible zones; TLDs worst first.</summary>
    private static async Task<(Dictionary<ZoneHealth, int> Counts, List<TldHealth> Tlds)> ZonesAsync(NpgsqlConnection connection, Viewer viewer,
        CancellationToken cancellationToken)
    {
        var counts = Enum.GetValues<ZoneHealth>().ToDictionary(h => h, _ => 0);
        var grid = new List<(string Tld, ZoneHealth Worst, int Zones)>();
        await using (var command = MonitoringReadModel.Command(connection, viewer, out var visible))
        {
            command.CommandText += $"""
                , v AS (SELECT CASE WHEN z.zone = '.' THEN '.' ELSE z.tld END AS tld, h.health
                        FROM z JOIN h ON h.state IS NOT DISTINCT FROM z.state AND h.worst IS NOT DISTINCT FROM z.worst_severity
                        WHERE {visible})
                SELECT 'c', NULL, v.health, count(*)::int FROM v GROUP BY v.health
                UNION ALL
                SELECT 't', v.tld, max(v.health), count(*)::int FROM v GROUP BY v.tld
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var health = (ZoneHealth)reader.GetInt16(2);
                if (reader.GetString(0) == "c")
                {
                    counts[health] = reader.GetInt32(3);
                }
                else
                {
                    grid.Add((reader.GetString(1), health, reader.GetInt32(3)));
                }
            }
        }

        // The region of a TLD is its registry's, when the viewer may see that organisation in the directory.
        var regions = new Dictionary<string, IcannRegion>(StringComparer.Ordinal);
        if (grid.Count > 0)
        {
            await using var command = new NpgsqlCommand { Connection = connection };
            var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, alias: "o");
            command.CommandText = $"""
                SELECT DISTINCT ON (a.value) a.value, o.region
                FROM assets a JOIN organisations o ON o.id = a.organisation_id
                WHERE a.kind = 'zone' AND a.value = ANY(@tlds) AND {visible}
                ORDER BY a.value, o.region
                """;
            command.Parameters.Add(new NpgsqlParameter("tlds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = grid.Select(g => g.Tld).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                regions[reader.GetString(0)] = Codes.Parse<IcannRegion>(reader.GetString(1), "region");
            }
        }

        var tlds = grid
            .Select(g => new TldHealth(g.Tld, g.Worst, g.Zones, regions.GetValueOrDefault(g.Tld, IcannRegion.Unknown)))
            .OrderByDescending(t => t.Worst).ThenBy(t => t.Tld, StringComparer.Ordinal)
            .ToList();
        return (counts, tlds);
    }

    /// <summary>State changes and delegation-change findings (CHG-*) of the visible zones since <paramref name="since"/>, newest first.</summary>
    private static async Task<List<RecentZoneChange>> ChangesAsync(NpgsqlConnection connection, Viewer viewer, DateTimeOffset since,
        CancellationToken cancellationToken)
    {
        var changes = new List<RecentZoneChange>();
        await using var command = MonitoringReadModel.Command(connection, viewer, out var visible);
        command.CommandText += $"""
            , v AS (SELECT z.zone FROM z WHERE {visible})
            SELECT c.zone, c.changed_at, NULL::text, c.from_state || ' → ' || c.to_state || ': ' || c.reason
            FROM zone_state_changes c JOIN v ON v.zone = c.zone WHERE c.changed_at >= @since
            UNION ALL
            SELECT f.zone, f.first_seen, f.check_id, f.message
            FROM zone_findings f JOIN v ON v.zone = f.zone WHERE f.check_id LIKE 'CHG-%' AND f.first_seen >= @since
            ORDER BY 2 DESC, 1 LIMIT {DashboardSnapshot.ListLimit}
            """;
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = since });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new RecentZoneChange(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3)));
        }

        return changes;
    }
}
