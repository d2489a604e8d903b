using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace DnsCert.Infrastructure.Identity;

/// <summary>
/// ASP.NET Core Identity's user store over the <c>users</c> table with plain Npgsql (EF Core's design-time tools are
/// not in our registry; the schema belongs to the SQL migrations). Updates use optimistic concurrency on
/// <c>concurrency_stamp</c>, so two instances editing one user cannot silently overwrite each other.
/// </summary>
public sealed class UserStore(NpgsqlDataSource dataSource, IDataProtectionProvider protection) :
    IUserPasswordStore<DnsCertUser>,
    IUserEmailStore<DnsCertUser>,
    IUserSecurityStampStore<DnsCertUser>,
    IUserTwoFactorStore<DnsCertUser>,
    IUserAuthenticatorKeyStore<DnsCertUser>,
    IUserTwoFactorRecoveryCodeStore<DnsCertUser>,
    IUserLockoutStore<DnsCertUser>,
    IUserRoleStore<DnsCertUser>
{
    private const string Columns = """
        id, user_name, display_name, email, email_confirmed, roles, password_hash, must_change_password,
        security_stamp, concurrency_stamp, two_factor_enabled, authenticator_key, recovery_code_hashes,
        lockout_enabled, lockout_end, access_failed_count, organisation_id, language, time_zone, disabled, created_at,
        totp_last_step
        """;

    private readonly IDataProtector _keyProtector = protection.CreateProtector("DnsCert.Identity.AuthenticatorKey.v1");

    public void Dispose()
    {
        // The data source belongs to the container; nothing to release per store.
    }

    public async Task<IdentityResult> CreateAsync(DnsCertUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO users ({Columns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
            """);
        AddAll(command, user, user.ConcurrencyStamp);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return IdentityResult.Success;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return IdentityResult.Failed(new IdentityErrorDescriber().DuplicateUserName(user.UserName));
        }
    }

    public async Task<IdentityResult> UpdateAsync(DnsCertUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var expected = user.ConcurrencyStamp;
        var next = Guid.NewGuid().ToString();
        await using var command = dataSource.CreateCommand("""
            UPDATE users SET user_name = $2, display_name = $3, email = $4, email_confirmed = $5, roles = $6,
                password_hash = $7, must_change_password = $8, security_stamp = $9, concurrency_stamp = $10,
                two_factor_enabled = $11, authenticator_key = $12, recovery_code_hashes = $13, lockout_enabled = $14,
                lockout_end = $15, access_failed_count = $16, organisation_id = $17, language = $18, time_zone = $19,
                disabled = $20, totp_last_step = $22
            WHERE id = $1 AND concurrency_stamp = $23
            """);
        AddAll(command, user, next);
        command.Parameters.Add(new NpgsqlParameter { Value = expected });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return IdentityResult.Failed(new IdentityErrorDescriber().ConcurrencyFailure());
        }

        user.ConcurrencyStamp = next;
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> DeleteAsync(DnsCertUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var command = dataSource.CreateCommand("DELETE FROM users WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = user.Id });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return IdentityResult.Success;
    }

    public Task<DnsCertUser?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        Guid.TryParse(userId, out var id) ? FindOneAsync("id = $1", id, cancellationToken) : Task.FromResult<DnsCertUser?>(null);

    public Task<DnsCertUser?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
        FindOneAsync("lower(user_name) = lower($1)", normalizedUserName, cancellationToken);

    public Task<DnsCertUser?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        FindOneAsync("lower(email) = lower($1)", normalizedEmail, cancellationToken);

    public Task<string> GetUserIdAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(user.Id.ToString());

    public Task<string?> GetUserNameAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.UserName);

    public Task SetUserNameAsync(DnsCertUser user, string? userName, CancellationToken cancellationToken)
    {
        user.UserName = userName ?? "";
        return Task.CompletedTask;
    }

    // Names and mail addresses are matched with lower() in SQL; Identity's upper-case normal form is not stored.
    public Task<string?> GetNormalizedUserNameAsync(DnsCertUser user, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(user.UserName.ToUpperInvariant());

    public Task SetNormalizedUserNameAsync(DnsCertUser user, string? normalizedName, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SetPasswordHashAsync(DnsCertUser user, string? passwordHash, CancellationToken cancellationToken)
    {
        user.PasswordHash = passwordHash;
        return Task.CompletedTask;
    }

    public Task<string?> GetPasswordHashAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash);

    public Task<bool> HasPasswordAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash is not null);

    public Task SetEmailAsync(DnsCertUser user, string? email, CancellationToken cancellationToken)
    {
        user.Email = email;
        return Task.CompletedTask;
    }

    public Task<string?> GetEmailAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(user.Email);

    public Task<bool> GetEmailConfirmedAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(user.EmailConfirmed);

    public Task SetEmailConfirmedAsync(DnsCertUser user, bool confirmed, CancellationToken cancellationToken)
    {
        user.EmailConfirmed = confirmed;
        return Task.CompletedTask;
    }

    public Task<string?> GetNormalizedEmailAsync(DnsCertUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.Email?.ToUpperInvariant());

    public Task SetNormalizedEmailAsync(DnsCertUser user, string? normalizedEmail, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SetSecurityStampAsync(DnsCertUser user, string stamp, CancellationToken cancellationToken)
    {
        user.SecurityStamp = stamp;
        return Task.CompletedTask;
    }

    public Task<string?> GetSecurityStampAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.SecurityStamp);

    public Task SetTwoFactorEnabledAsync(DnsCertUser user, bool enabled, CancellationToken cancellationToken)
    {
        user.TwoFactorEnabled = enabled;
        return Task.CompletedTask;
    }

    public Task<bool> GetTwoFactorEnabledAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(user.TwoFactorEnabled);

    public Task SetAuthenticatorKeyAsync(DnsCertUser user, string key, CancellationToken cancellationToken)
    {
        user.ProtectedAuthenticatorKey = _keyProtector.Protect(key);
        return Task.CompletedTask;
    }

    public Task<string?> GetAuthenticatorKeyAsync(DnsCertUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.ProtectedAuthenticatorKey is null ? null : _keyProtector.Unprotect(user.ProtectedAuthenticatorKey));

    public Task ReplaceCodesAsync(DnsCertUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken)
    {
        user.RecoveryCodeHashes.Clear();
        user.RecoveryCodeHashes.AddRange(recoveryCodes.Select(HashCode));
        return Task.CompletedTask;
    }

    public async Task<bool> RedeemCodeAsync(DnsCertUser user, string code, CancellationToken cancellationToken)
    {
        var hash = HashCode(code);
        if (!user.RecoveryCodeHashes.Remove(hash))
        {
            return false;
        }

        // Identity calls UpdateAsync after a successful redemption; a code is spent once even if two requests race,
        // because the second update fails on the concurrency stamp.
        return (await UpdateAsync(user, cancellationToken)).Succeeded;
    }

    public Task<int> CountCodesAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(user.RecoveryCodeHashes.Count);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnd);

    public Task SetLockoutEndDateAsync(DnsCertUser user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken)
    {
        user.LockoutEnd = lockoutEnd;
        return Task.CompletedTask;
    }

    public Task<int> IncrementAccessFailedCountAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(++user.AccessFailedCount);

    public Task ResetAccessFailedCountAsync(DnsCertUser user, CancellationToken cancellationToken)
    {
        user.AccessFailedCount = 0;
        return Task.CompletedTask;
    }

    public Task<int> GetAccessFailedCountAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(user.AccessFailedCount);

    public Task<bool> GetLockoutEnabledAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnabled);

    public Task SetLockoutEnabledAsync(DnsCertUser user, bool enabled, CancellationToken cancellationToken)
    {
        user.LockoutEnabled = enabled;
        return Task.CompletedTask;
    }

    // Identity hands the role store upper-cased ("normalised") names; our roles are the lower-case names of
    // Core.Accounts.Roles, so every name is mapped back before it is stored or compared.
    private static string Canonical(string roleName) =>
        Core.Accounts.Roles.All.FirstOrDefault(r => r.Equals(roleName, StringComparison.OrdinalIgnoreCase)) ?? roleName;

    public Task AddToRoleAsync(DnsCertUser user, string roleName, CancellationToken cancellationToken)
    {
        var role = Canonical(roleName);
        if (!user.Roles.Contains(role, StringComparer.Ordinal))
        {
            user.Roles.Add(role);
        }

        return Task.CompletedTask;
    }

    public Task RemoveFromRoleAsync(DnsCertUser user, string roleName, CancellationToken cancellationToken)
    {
        user.Roles.Remove(Canonical(roleName));
        return Task.CompletedTask;
    }

    public Task<IList<string>> GetRolesAsync(DnsCertUser user, CancellationToken cancellationToken) => Task.FromResult<IList<string>>([.. user.Roles]);

    public Task<bool> IsInRoleAsync(DnsCertUser user, string roleName, CancellationToken cancellationToken) =>
        Task.FromResult(user.Roles.Contains(Canonical(roleName), StringComparer.Ordinal));

    public async Task<IList<DnsCertUser>> GetUsersInRoleAsync(string roleName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM users WHERE $1 = ANY(roles) ORDER BY user_name");
        command.Parameters.Add(new NpgsqlParameter { Value = Canonical(roleName) });
        var users = new List<DnsCertUser>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(Read(reader));
        }

        return users;
    }

    /// <summary>Recovery codes are random; an unsalted SHA-256 suffices and lets a code be found by its hash.</summary>
    internal static string HashCode(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().Replace("-", "", StringComparison.Ordinal).ToUpperInvariant())));

    private async Task<DnsCertUser?> FindOneAsync(string where, object value, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM users WHERE {where}");
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static DnsCertUser Read(NpgsqlDataReader r)
    {
        var user = new DnsCertUser
        {
            Id = r.GetGuid(0),
            UserName = r.GetString(1),
            DisplayName = r.GetString(2),
            Email = r.IsDBNull(3) ? null : r.GetString(3),
            EmailConfirmed = r.GetBoolean(4),
            Roles = [.. r.GetFieldValue<string[]>(5)],
            PasswordHash = r.IsDBNull(6) ? null : r.GetString(6),
            MustChangePassword = r.GetBoolean(7),
            SecurityStamp = r.GetString(8),
            ConcurrencyStamp = r.GetString(9),
            TwoFactorEnabled = r.GetBoolean(10),
            ProtectedAuthenticatorKey = r.IsDBNull(11) ? null : r.GetString(11),
            RecoveryCodeHashes = [.. r.GetFieldValue<string[]>(12)],
            LockoutEnabled = r.GetBoolean(13),
            LockoutEnd = r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
            AccessFailedCount = r.GetInt32(15),
            OrganisationId = r.IsDBNull(16) ? null : r.GetGuid(16),
            Language = r.GetString(17),
            TimeZone = r.GetString(18),
            Disabled = r.GetBoolean(19),
            CreatedAt = r.GetFieldValue<DateTimeOffset>(20),
            TotpLastStep = r.GetInt64(21),
        };
        return user;
    }

    private static void AddAll(NpgsqlCommand command, DnsCertUser user, string concurrencyStamp)
    {
        object?[] values =
        [
            user.Id, user.UserName, user.DisplayName, user.Email, user.EmailConfirmed, user.Roles.ToArray(),
            user.PasswordHash, user.MustChangePassword, user.SecurityStamp, concurrencyStamp, user.TwoFactorEnabled,
            user.ProtectedAuthenticatorKey, user.RecoveryCodeHashes.ToArray(), user.LockoutEnabled, user.LockoutEnd,
            user.AccessFailedCount, user.OrganisationId, user.Language, user.TimeZone, user.Disabled,
            user.CreatedAt == default ? DateTimeOffset.UtcNow : user.CreatedAt, user.TotpLastStep,
        ];
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }
}
