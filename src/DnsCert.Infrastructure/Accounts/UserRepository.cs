using DnsCert.Core.Accounts;
using DnsCert.Core.Audit;
using DnsCert.Infrastructure.Audit;
using Npgsql;

namespace DnsCert.Infrastructure.Accounts;

/// <summary>Users in PostgreSQL (table <c>users</c>, migration 0001).</summary>
public sealed class UserRepository(NpgsqlDataSource dataSource) : IUserRepository
{
    /// <summary>Serialises first-administrator creation across processes: ASCII "dnscertA".</summary>
    private const long FirstAdministratorLockKey = 0x646E_7363_6572_7441;

    public async Task<string?> AddIfNoAdministratorAsync(User user, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({FirstAdministratorLockKey})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var find = new NpgsqlCommand(
            "SELECT user_name FROM users WHERE $1 = ANY(roles) ORDER BY created_at LIMIT 1", connection, transaction))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = Roles.Administrator });
            if (await find.ExecuteScalarAsync(cancellationToken) is string existing)
            {
                return existing;
            }
        }

        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO users (id, user_name, display_name, email, roles, password_hash, must_change_password, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = user.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.UserName });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.DisplayName });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)user.Email ?? DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.Roles.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.PasswordHash });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.MustChangePassword });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.CreatedAt });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await AuditLog.AppendAsync(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    public async Task<User?> FindByUserNameAsync(string userName, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT id, user_name, display_name, email, roles, password_hash, must_change_password, created_at
            FROM users WHERE lower(user_name) = lower($1)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = userName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new User(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.GetFieldValue<string[]>(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetBoolean(6),
            reader.GetFieldValue<DateTimeOffset>(7));
    }
}
