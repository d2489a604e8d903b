using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;

namespace DnsCert.Infrastructure.Monitoring;

/// <summary>
/// The day partitions of <c>probe_results</c>: creates them ahead (and on demand for late results inside the
/// retention), and drops whole days past the retention. Run <see cref="MaintainAsync"/> at start-up and hourly.
/// </summary>
public sealed class ProbePartitions(NpgsqlDataSource dataSource, MonitoringStorageOptions options)
{
    private const string Prefix = "probe_results_p";
    private readonly ConcurrentDictionary<DateOnly, bool> _known = new();

    /// <summary>The partition name of a day, e.g. probe_results_p20261121.</summary>
    public static string NameOf(DateOnly day) => Prefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The UTC day of a measurement time.</summary>
    public static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);

    /// <summary>The oldest day still inside the retention at <paramref name="now"/>.</summary>
    public DateOnly OldestRetainedDay(DateTimeOffset now) => DayOf(now).AddDays(-(options.RetentionDays - 1));

    /// <summary>Creates missing partitions from the oldest retained day's successor up to today + ahead; drops expired ones.</summary>
    public async Task<(int Created, int Dropped)> MaintainAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetentionDays, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.PartitionsAhead);
        var today = DayOf(now);
        var created = 0;
        for (var day = today; day <= today.AddDays(options.PartitionsAhead); day = day.AddDays(1))
        {
            created += await EnsureOneAsync(day, cancellationToken) ? 1 : 0;
        }

        var oldest = OldestRetainedDay(now);
        var dropped = 0;
        foreach (var day in await ListAsync(cancellationToken))
        {
            if (day < oldest)
            {
                await using var command = dataSource.CreateCommand($"DROP TABLE IF EXISTS {NameOf(day)}");
                await command.ExecuteNonQueryAsync(cancellationToken);
                _known.TryRemove(day, out _);
                dropped++;
            }
        }

        await using (var batches = dataSource.CreateCommand("DELETE FROM probe_batches WHERE received_at < $1"))
        {
            batches.Parameters.Add(new NpgsqlParameter { Value = new DateTimeOffset(oldest.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) });
            await batches.ExecuteNonQueryAsync(cancellationToken);
        }

        return (created, dropped);
    }

    /// <summary>Makes sure each day has its partition (cached after the first check).</summary>
    public async Task EnsureAsync(IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(days);
        foreach (var day in days)
        {
            if (!_known.ContainsKey(day))
            {
                await EnsureOneAsync(day, cancellationToken);
            }
        }
    }

    /// <summary>The days that have a partition, oldest first.</summary>
    public async Task<IReadOnlyList<DateOnly>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'probe_results'::regclass AND c.relname LIKE 'probe\_results\_p%'
            ORDER BY c.relname
            """);
        var days = new List<DateOnly>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (DateOnly.TryParseExact(reader.GetString(0)[Prefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add(day);
            }
        }

        return days;
    }

    private async Task<bool> EnsureOneAsync(DateOnly day, CancellationToken cancellationToken)
    {
        // Bounds are ISO dates in UTC; the name is built from a DateOnly, never from input, so the DDL is not injectable.
        var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = NameOf(day) });
        if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            _known[day] = true;
            return false;
        }

        try
        {
            await using var create = new NpgsqlCommand(
                $"CREATE TABLE {NameOf(day)} PARTITION OF probe_results FOR VALUES FROM ('{from} 00:00:00+00') TO ('{to} 00:00:00+00')",
                connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation)
        {
            // Another server instance created it between our check and our CREATE.
            _known[day] = true;
            return false;
        }

        _known[day] = true;
        return true;
    }
}
