using System.Net;
using Npgsql;

namespace DnsCert.Infrastructure.Identity;

/// <summary>A signed-in browser, as the sessions page lists it.</summary>
public sealed record UserSession(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string? Ip, string? UserAgent, DateTimeOffset? RevokedAt);

/// <summary>Server-side sessions: created at sign-in, checked on every request, listed and revoked by their owner.</summary>
public sealed class SessionStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Last-seen times are written at most this often per session, so reads do not become writes.</summary>
    private static readonly TimeSpan s_touchInterval = TimeSpan.FromMinutes(1);

    public async Task<Guid> CreateAsync(Guid userId, string? ip, string? userAgent, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO user_sessions (id, user_id, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = ip is not null && IPAddress.TryParse(ip, out var address) ? address : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)Truncate(userAgent, 300) ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    /// <summary>True while the session exists, belongs to the user and is not revoked; refreshes its last-seen time.</summary>
    public async Task<bool> IsActiveAsync(Guid sessionId, Guid userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using (var read = dataSource.CreateCommand(
            "SELECT last_seen_at FROM user_sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL"))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = sessionId });
            read.Parameters.Add(new NpgsqlParameter { Value = userId });
            var lastSeen = await read.ExecuteScalarAsync(cancellationToken);
            if (lastSeen is not DateTime seen)
            {
                return false;
            }

            // PostgreSQL rewrites a row on every UPDATE, even to the same value: write only when it is stale.
            if (now - new DateTimeOffset(seen, TimeSpan.Zero) < s_touchInterval)
            {
                return true;
            }
        }

        await using var touch = dataSource.CreateCommand("UPDATE user_sessions SET last_seen_at = $2 WHERE id = $1");
        touch.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        touch.Parameters.Add(new NpgsqlParameter { Value = now });
        await touch.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<UserSession>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, created_at, last_seen_at, host(ip), user_agent, revoked_at FROM user_sessions
            WHERE user_id = $1 ORDER BY revoked_at IS NOT NULL, last_seen_at DESC LIMIT 50
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        var sessions = new List<UserSession>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sessions.Add(new UserSession(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return sessions;
    }

    /// <summary>Revokes one of the user's sessions; false when it is not theirs or already ended.</summary>
    public async Task<bool> RevokeAsync(Guid userId, Guid sessionId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE user_sessions SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static string? Truncate(string? text, int length) => text is null || text.Length <= length ? text : text[..length];
}
