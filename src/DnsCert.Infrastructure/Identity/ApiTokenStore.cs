using System.Security.Cryptography;
using DnsCert.Core;
using DnsCert.Core.Accounts;
using Npgsql;

namespace DnsCert.Infrastructure.Identity;

/// <summary>API tokens in PostgreSQL (migration 0004): issued once, found by prefix, compared by hash in constant time.</summary>
public sealed class ApiTokenStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Last-use times are written at most this often, so every API call is not also a write.</summary>
    private static readonly TimeSpan s_touchInterval = TimeSpan.FromMinutes(5);

    /// <summary>Creates a token and returns its secret form, which is never stored and cannot be shown again.</summary>
    public async Task<(string Token, ApiTokenInfo Info)> CreateAsync(
        Guid ownerId, string name, IEnumerable<string> scopes, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > 100)
        {
            throw new ValidationException("name", "give the token a name of 1 to 100 characters (what or who uses it)");
        }

        if (lifetime <= TimeSpan.Zero || lifetime > ApiTokenFormat.MaxLifetime)
        {
            throw new ValidationException("expiresInDays", $"must be between 1 and {ApiTokenFormat.MaxLifetime.TotalDays:0} days");
        }

        var validScopes = ApiTokenFormat.ValidateScopes(scopes);
        var (token, prefix, hash) = ApiTokenFormat.Generate();
        var now = clock.GetUtcNow();
        var info = new ApiTokenInfo(Guid.CreateVersion7(now), ownerId, name, prefix, validScopes, now, now + lifetime, null, null);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO api_tokens (id, owner_id, name, prefix, secret_hash, scopes, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        foreach (var value in new object[] { info.Id, ownerId, name, prefix, hash, validScopes.ToArray(), now, info.ExpiresAt })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
        return (token, info);
    }

    /// <summary>The active token a request presented, or null (unknown, wrong secret, expired, revoked, disabled owner).</summary>
    public async Task<ApiTokenInfo?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        var prefix = ApiTokenFormat.PrefixOf(presented);
        if (prefix is null)
        {
            return null;
        }

        await using var command = dataSource.CreateCommand("""
            SELECT t.id, t.owner_id, t.name, t.prefix, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, t.secret_hash
            FROM api_tokens t JOIN users u ON u.id = t.owner_id
            WHERE t.prefix = $1 AND NOT u.disabled
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = prefix });
        ApiTokenInfo? info;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            if (!CryptographicOperations.FixedTimeEquals(reader.GetFieldValue<byte[]>(9), ApiTokenFormat.Hash(presented)))
            {
                return null;
            }

            info = Read(reader);
        }

        var now = clock.GetUtcNow();
        if (!info.IsActive(now))
        {
            return null;
        }

        if (info.LastUsedAt is null || now - info.LastUsedAt > s_touchInterval)
        {
            await using var touch = dataSource.CreateCommand("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1");
            touch.Parameters.Add(new NpgsqlParameter { Value = info.Id });
            touch.Parameters.Add(new NpgsqlParameter { Value = now });
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        return info;
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(Guid ownerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, owner_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at
            FROM api_tokens WHERE owner_id = $1 ORDER BY created_at DESC
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ownerId });
        var tokens = new List<ApiTokenInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(Read(reader));
        }

        return tokens;
    }

    /// <summary>Revokes one of the owner's tokens; false when it is not theirs or already revoked.</summary>
    public async Task<bool> RevokeAsync(Guid ownerId, Guid tokenId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND owner_id = $2 AND revoked_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = tokenId });
        command.Parameters.Add(new NpgsqlParameter { Value = ownerId });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static ApiTokenInfo Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetFieldValue<string[]>(4),
        r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6),
        r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8));
}
