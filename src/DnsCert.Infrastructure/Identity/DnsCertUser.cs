namespace DnsCert.Infrastructure.Identity;

/// <summary>
/// A person as ASP.NET Core Identity handles them: the mutable twin of <c>Core.Accounts.User</c>, mapped to the
/// <c>users</c> table. Secrets stay protected here too: <see cref="PasswordHash"/> is a PBKDF2 hash,
/// <see cref="ProtectedAuthenticatorKey"/> is encrypted, <see cref="RecoveryCodeHashes"/> are SHA-256 hashes.
/// </summary>
public sealed class DnsCertUser
{
    public Guid Id { get; set; }

    public string UserName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string? Email { get; set; }

    public bool EmailConfirmed { get; set; }

    public List<string> Roles { get; init; } = [];

    public string? PasswordHash { get; set; }

    public bool MustChangePassword { get; set; }

    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString();

    public string ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString();

    public bool TwoFactorEnabled { get; set; }

    public string? ProtectedAuthenticatorKey { get; set; }

    public long TotpLastStep { get; set; }

    public List<string> RecoveryCodeHashes { get; init; } = [];

    public bool LockoutEnabled { get; set; } = true;

    public DateTimeOffset? LockoutEnd { get; set; }

    public int AccessFailedCount { get; set; }

    public Guid? OrganisationId { get; set; }

    public string Language { get; set; } = "en";

    public string TimeZone { get; set; } = "UTC";

    public bool Disabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
