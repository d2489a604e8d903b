using System.Text.Json;
using DnsCert.Core;
using DnsCert.Core.Monitoring;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Changes;
using DnsCert.Monitoring.Model;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Monitoring;

/// <summary>
/// The latest check of each watched zone (<c>zone_check_results</c>): the check report as JSON with the delegation it
/// observed. The evaluation loop writes each check here; the console reads the findings and evidence from it.
/// </summary>
public sealed class ZoneCheckResultStore(NpgsqlDataSource dataSource)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Replaces the zone's latest check. The zone must be watched.</summary>
    public async Task SaveAsync(CheckReport report, DelegationSnapshot? observed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!DnsName.TryNormalize(report.Zone, out var zone))
        {
            throw new ValidationException("zone", "must be a domain name");
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO zone_check_results (zone, checked_at, vantage_point, worst_severity, finding_count, report, observed)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (zone) DO UPDATE SET checked_at = EXCLUDED.checked_at, vantage_point = EXCLUDED.vantage_point,
                worst_severity = EXCLUDED.worst_severity, finding_count = EXCLUDED.finding_count, report = EXCLUDED.report, observed = EXCLUDED.observed
            WHERE zone_check_results.checked_at <= EXCLUDED.checked_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = zone });
        command.Parameters.Add(new NpgsqlParameter { Value = report.Started });
        command.Parameters.Add(new NpgsqlParameter { Value = report.VantagePoint });
        command.Parameters.Add(new NpgsqlParameter { Value = report.Worst is { } worst ? (short)worst : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter { Value = report.Findings.Count });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(report, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = observed is null ? DBNull.Value : JsonSerializer.Serialize(observed, Json),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ValidationException("zone", "is not watched");
        }
    }

    /// <summary>The latest check, not filtered by viewer: callers reach it through <see cref="IMonitoringReadModel"/>.</summary>
    internal async Task<ZoneCheckResult?> LoadAsync(string zone, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT checked_at, vantage_point, report, observed FROM zone_check_results WHERE zone = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = zone });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new ZoneCheckResult(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1),
            JsonSerializer.Deserialize<CheckReport>(reader.GetString(2), Json)!,
            reader.IsDBNull(3) ? null : JsonSerializer.Deserialize<DelegationSnapshot>(reader.GetString(3), Json));
    }
}
