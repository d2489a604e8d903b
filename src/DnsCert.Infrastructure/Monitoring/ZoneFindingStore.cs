using DnsCert.Dns.Names;
using DnsCert.Monitoring.Model;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Monitoring;

/// <summary>A finding as stored: one episode from first seen to cleared.</summary>
public sealed record StoredFinding(
    long Id, string Zone, string CheckId, string Subject, Severity Severity, string Message, string RemediationKey, string EvidenceJson,
    DateTimeOffset FirstSeen, DateTimeOffset LastSeen, DateTimeOffset? ClearedAt);

/// <summary>What one check run changed.</summary>
public sealed record FindingChanges(int Opened, int Updated, int Cleared);

/// <summary>
/// Current findings per zone (<c>zone_findings</c>): each check run of a zone is recorded in one transaction — findings
/// seen are opened or refreshed, open findings not seen count a missed run and clear after the configured number of
/// consecutive misses. The contract the incidents feature reads (docs/monitoring.md).
/// </summary>
public sealed class ZoneFindingStore(NpgsqlDataSource dataSource)
{
    /// <summary>Records the findings of one complete check run of <paramref name="zone"/> at <paramref name="at"/>.</summary>
    public async Task<FindingChanges> RecordRunAsync(string zone, IReadOnlyList<Finding> findings, DateTimeOffset at, int clearAfterRuns,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentOutOfRangeException.ThrowIfLessThan(clearAfterRuns, 1);
        var key = Key(zone);
        // One row per (check, subject): a check may report the same subject twice (e.g. per transport); keep the worst.
        var distinct = findings.GroupBy(f => (f.CheckId, f.Subject)).Select(g => g.OrderByDescending(f => f.Severity).First()).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int opened = 0, updated = 0;
        foreach (var f in distinct)
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO zone_findings (zone, check_id, subject, severity, message, remediation_key, evidence, first_seen, last_seen)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                ON CONFLICT (zone, check_id, subject) WHERE cleared_at IS NULL DO UPDATE SET
                    severity = EXCLUDED.severity, message = EXCLUDED.message, evidence = EXCLUDED.evidence,
                    last_seen = EXCLUDED.last_seen, missed_runs = 0
                RETURNING (xmax = 0)
                """, connection, transaction);
            upsert.Parameters.Add(new NpgsqlParameter { Value = key });
            upsert.Parameters.Add(new NpgsqlParameter { Value = f.CheckId });
            upsert.Parameters.Add(new NpgsqlParameter { Value = f.Subject });
            upsert.Parameters.Add(new NpgsqlParameter { Value = f.Severity.ToString().ToLowerInvariant() });
            upsert.Parameters.Add(new NpgsqlParameter { Value = f.Message });
            upsert.Parameters.Add(new NpgsqlParameter { Value = f.RemediationKey });
            upsert.Parameters.Add(new NpgsqlParameter { Value = ProbeTargetsJson.Evidence(f.Evidence), NpgsqlDbType = NpgsqlDbType.Jsonb });
            upsert.Parameters.Add(new NpgsqlParameter { Value = at });
            if (await upsert.ExecuteScalarAsync(cancellationToken) is true)
            {
                opened++;
            }
            else
            {
                updated++;
            }
        }

        await using var miss = new NpgsqlCommand("""
            UPDATE zone_findings SET missed_runs = missed_runs + 1,
                cleared_at = CASE WHEN missed_runs + 1 >= $2 THEN $3 END
            WHERE zone = $1 AND cleared_at IS NULL AND last_seen < $3
            RETURNING cleared_at IS NOT NULL
            """, connection, transaction);
        miss.Parameters.Add(new NpgsqlParameter { Value = key });
        miss.Parameters.Add(new NpgsqlParameter { Value = clearAfterRuns });
        miss.Parameters.Add(new NpgsqlParameter { Value = at });
        var cleared = 0;
        await using (var reader = await miss.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                cleared += reader.GetBoolean(0) ? 1 : 0;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new FindingChanges(opened, updated, cleared);
    }

    /// <summary>The open findings of a zone (or of every zone when <paramref name="zone"/> is null), worst first.</summary>
    public async Task<IReadOnlyList<StoredFinding>> OpenAsync(string? zone, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Select + " WHERE cleared_at IS NULL AND ($1::text IS NULL OR zone = $1) ORDER BY zone, " + SeverityOrder + ", check_id, subject");
        command.Parameters.Add(new NpgsqlParameter { Value = zone is null ? DBNull.Value : Key(zone), NpgsqlDbType = NpgsqlDbType.Text });
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>A zone's findings, open and cleared, newest first.</summary>
    public async Task<IReadOnlyList<StoredFinding>> HistoryAsync(string zone, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Select + " WHERE zone = $1 ORDER BY first_seen DESC, id DESC LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await ReadAsync(command, cancellationToken);
    }

    private const string Select = """
        SELECT id, zone, check_id, subject, severity, message, remediation_key, evidence::text, first_seen, last_seen, cleared_at FROM zone_findings
        """;

    private const string SeverityOrder =
        "CASE severity WHEN 'critical' THEN 0 WHEN 'error' THEN 1 WHEN 'warning' THEN 2 WHEN 'notice' THEN 3 ELSE 4 END";

    private static async Task<IReadOnlyList<StoredFinding>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<StoredFinding>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new StoredFinding(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                Enum.Parse<Severity>(reader.GetString(4), ignoreCase: true), reader.GetString(5), reader.GetString(6), reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return list;
    }

    private static string Key(string zone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(zone);
        return DnsName.TryNormalize(zone, out var normal) ? normal : throw new ArgumentException("The zone is not a domain name.", nameof(zone));
    }
}
