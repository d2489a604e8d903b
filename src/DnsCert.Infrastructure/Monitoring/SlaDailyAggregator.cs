using System.Net;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;
using Npgsql;

namespace DnsCert.Infrastructure.Monitoring;

/// <summary>
/// Recomputes the daily SLA aggregates (<c>sla_zone_daily</c>, <c>sla_address_daily</c>) of one UTC day from the raw
/// results with the pure evaluator, one zone at a time (a zone-day is tens of thousands of rows; the whole day is not
/// held in memory). Recomputing replaces the day's rows, so running it again after late results arrived counts them in
/// the minutes they were measured. Minutes without any result are not counted in any column.
/// </summary>
public sealed class SlaDailyAggregator(NpgsqlDataSource dataSource, EvaluationSettings settings, TimeProvider time)
{
    /// <summary>Recomputes every zone that has results on <paramref name="day"/>; returns the number of zones.</summary>
    public async Task<int> ComputeAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var (from, to) = Bounds(day);
        var zones = new List<string>();
        await using (var list = dataSource.CreateCommand("SELECT DISTINCT zone FROM probe_results WHERE measured_at >= $1 AND measured_at < $2"))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = from });
            list.Parameters.Add(new NpgsqlParameter { Value = to });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                zones.Add(reader.GetString(0));
            }
        }

        foreach (var zone in zones)
        {
            await ComputeZoneAsync(day, zone, cancellationToken);
        }

        return zones.Count;
    }

    /// <summary>Recomputes one zone-day (the zone exactly as the agents reported it).</summary>
    public async Task ComputeZoneAsync(DateOnly day, string zone, CancellationToken cancellationToken)
    {
        var (from, to) = Bounds(day);
        var results = new List<ProbeMeasurement>();
        await using (var read = dataSource.CreateCommand("""
            SELECT vantage_point, zone, server_name, host(address), transport, query_name, query_type, outcome, rcode, authoritative, rtt_ms,
                   serial, measured_at
            FROM probe_results WHERE zone = $1 AND measured_at >= $2 AND measured_at < $3
            """))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = zone });
            read.Parameters.Add(new NpgsqlParameter { Value = from });
            read.Parameters.Add(new NpgsqlParameter { Value = to });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                results.Add(new ProbeMeasurement(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetString(5), reader.GetString(6), (ProbeOutcome)reader.GetInt16(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetBoolean(9), reader.GetFloat(10),
                    reader.IsDBNull(11) ? null : (uint)reader.GetInt64(11), reader.GetFieldValue<DateTimeOffset>(12)));
            }
        }

        var minutes = AvailabilityEvaluator.EvaluateZones(results, settings);
        var udp = RttStatistics.Compute(results, "udp", settings);
        var tcp = RttStatistics.Compute(results, "tcp", settings);
        var key = minutes.Count > 0 ? minutes[0].Zone : zone;
        var now = time.GetUtcNow();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in new[] { "sla_zone_daily", "sla_address_daily" })
        {
            await using var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE zone = $1 AND day = $2", connection, transaction);
            delete.Parameters.Add(new NpgsqlParameter { Value = key });
            delete.Parameters.Add(new NpgsqlParameter { Value = day });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        if (results.Count > 0)
        {
            await using var zoneRow = new NpgsqlCommand("""
                INSERT INTO sla_zone_daily (zone, day, minutes_up, minutes_down, minutes_inconclusive, udp_queries, udp_within_limit, udp_median_ms,
                    udp_p95_ms, tcp_queries, tcp_within_limit, tcp_median_ms, tcp_p95_ms, computed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                """, connection, transaction);
            foreach (var value in new object?[]
                     {
                         key, day, Count(minutes.Select(m => m.Availability), Availability.Up), Count(minutes.Select(m => m.Availability), Availability.Down),
                         Count(minutes.Select(m => m.Availability), Availability.Inconclusive), udp.Queries, udp.WithinLimit,
                         (float?)udp.MedianMilliseconds, (float?)udp.Percentile95Milliseconds, tcp.Queries, tcp.WithinLimit,
                         (float?)tcp.MedianMilliseconds, (float?)tcp.Percentile95Milliseconds, now,
                     })
            {
                zoneRow.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            await zoneRow.ExecuteNonQueryAsync(cancellationToken);

            foreach (var address in minutes.SelectMany(m => m.Addresses).GroupBy(a => (a.ServerName, a.Address)))
            {
                await using var addressRow = new NpgsqlCommand("""
                    INSERT INTO sla_address_daily (zone, server_name, address, day, minutes_up, minutes_down, minutes_inconclusive, computed_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    """, connection, transaction);
                var verdicts = address.Select(a => a.Availability).ToList();
                foreach (var value in new object[]
                         {
                             key, address.Key.ServerName, IPAddress.Parse(address.Key.Address), day, Count(verdicts, Availability.Up),
                             Count(verdicts, Availability.Down), Count(verdicts, Availability.Inconclusive), now,
                         })
                {
                    addressRow.Parameters.Add(new NpgsqlParameter { Value = value });
                }

                await addressRow.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static int Count(IEnumerable<Availability> verdicts, Availability wanted) => verdicts.Count(v => v == wanted);

    private static (DateTimeOffset From, DateTimeOffset To) Bounds(DateOnly day)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return (from, from.AddDays(1));
    }
}
