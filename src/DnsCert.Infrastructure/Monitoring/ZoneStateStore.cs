using DnsCert.Dns.Names;
using DnsCert.Monitoring.Evaluation;
using Npgsql;

namespace DnsCert.Infrastructure.Monitoring;

/// <summary>
/// Persists <see cref="ZoneStateMachine"/> snapshots in <c>zone_states</c> and their transitions in
/// <c>zone_state_changes</c>; a snapshot and the change it caused are written in one transaction.
/// </summary>
public sealed class ZoneStateStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The stored snapshot of a zone, or null when it was never evaluated.</summary>
    public async Task<ZoneStateSnapshot?> LoadAsync(string zone, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT zone, state, since, pass_streak, fail_streak, inconclusive_streak, last_cycle FROM zone_states WHERE zone = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new ZoneStateSnapshot(reader.GetString(0), Parse(reader.GetString(1)), NullableTime(reader, 2), reader.GetInt32(3),
            reader.GetInt32(4), reader.GetInt32(5), NullableTime(reader, 6));
    }

    /// <summary>Saves the snapshot and, when the cycle turned the state, the change.</summary>
    public async Task SaveAsync(ZoneStateSnapshot snapshot, ZoneStateChange? change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO zone_states (zone, state, since, pass_streak, fail_streak, inconclusive_streak, last_cycle, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (zone) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since, pass_streak = EXCLUDED.pass_streak,
                fail_streak = EXCLUDED.fail_streak, inconclusive_streak = EXCLUDED.inconclusive_streak,
                last_cycle = EXCLUDED.last_cycle, updated_at = EXCLUDED.updated_at
            """, connection, transaction))
        {
            foreach (var value in new object?[]
                     {
                         Key(snapshot.Zone), Text(snapshot.State), snapshot.Since, snapshot.PassStreak, snapshot.FailStreak,
                         snapshot.InconclusiveStreak, snapshot.LastCycle, now,
                     })
            {
                upsert.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (change is not null)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO zone_state_changes (zone, from_state, to_state, changed_at, reason, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)
                """, connection, transaction);
            foreach (var value in new object[] { Key(change.Zone), Text(change.From), Text(change.To), change.At, change.Reason, now })
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The latest transitions of a zone, newest first.</summary>
    public async Task<IReadOnlyList<ZoneStateChange>> HistoryAsync(string zone, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT zone, from_state, to_state, changed_at, reason FROM zone_state_changes WHERE zone = $1 ORDER BY changed_at DESC, id DESC LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var changes = new List<ZoneStateChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new ZoneStateChange(reader.GetString(0), Parse(reader.GetString(1)), Parse(reader.GetString(2)),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4)));
        }

        return changes;
    }

    // Zone names are stored lower-case with the final dot, the form the evaluator reports (RFC 4343).
    private static string Key(string zone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(zone);
        return DnsName.TryNormalize(zone, out var normal) ? normal : throw new ArgumentException("The zone is not a domain name.", nameof(zone));
    }

    private static string Text(ZoneState state) => state.ToString().ToLowerInvariant();

    private static ZoneState Parse(string text) => Enum.Parse<ZoneState>(text, ignoreCase: true);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
