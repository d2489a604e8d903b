using System.Text.Json;
using DnsCert.Core.Audit;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Audit;

/// <summary>
/// The hash-chained audit log in PostgreSQL (migration 0002). Appending takes a transaction-scoped advisory lock so
/// that concurrent writers from any number of server instances extend one chain; the hash is computed by the
/// database function <c>audit_entry_hash</c>, the same one <see cref="VerifyAsync"/> recomputes.
/// </summary>
public sealed class AuditLog(NpgsqlDataSource dataSource) : IAuditLog
{
    /// <summary>ASCII "dnscertL": serialises appends to the chain.</summary>
    private const long AppendLockKey = 0x646E_7363_6572_744C;

    private static readonly byte[] s_genesis = new byte[32];

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AppendAsync(connection, transaction, entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Appends inside the caller's transaction, so a change and its audit entry commit or vanish together.</summary>
    public static async Task AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AppendLockKey})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand(
            """
            WITH prev AS (SELECT coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), $9) AS h)
            INSERT INTO audit_log (at, actor_id, actor, action, target_type, target_id, details, ip, prev_hash, hash)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, prev.h, audit_entry_hash(prev.h, $1, $2, $3, $4, $5, $6, $7, $8)
            FROM prev
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = entry.At.UtcDateTime });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)entry.ActorId ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = entry.Actor });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = entry.Action });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)entry.TargetType ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)entry.TargetId ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(entry.Details) });
        insert.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Inet,
            Value = entry.IpAddress is null ? DBNull.Value : System.Net.IPAddress.Parse(entry.IpAddress),
        });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = s_genesis });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT id, prev_hash, hash,
                   audit_entry_hash(prev_hash, at, actor_id, actor, action, target_type, target_id, details, ip)
            FROM audit_log ORDER BY id
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var expectedPrev = s_genesis;
        long count = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            count++;
            var id = reader.GetInt64(0);
            var prev = reader.GetFieldValue<byte[]>(1);
            var hash = reader.GetFieldValue<byte[]>(2);
            var recomputed = reader.GetFieldValue<byte[]>(3);
            if (!prev.AsSpan().SequenceEqual(expectedPrev))
            {
                return new AuditVerification(count, false, id, "its link to the previous entry does not match (an entry was removed or reordered)", Convert.ToHexStringLower(expectedPrev));
            }

            if (!hash.AsSpan().SequenceEqual(recomputed))
            {
                return new AuditVerification(count, false, id, "its contents no longer match its hash (the entry was changed)", Convert.ToHexStringLower(expectedPrev));
            }

            expectedPrev = hash;
        }

        return new AuditVerification(count, true, null, null, Convert.ToHexStringLower(expectedPrev));
    }
}
