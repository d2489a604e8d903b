namespace DnsCert.Core.Accounts;

/// <summary>A person who signs in to DnsCert. The password is only ever held as a <see cref="PasswordHasher"/> hash (none yet for an invitee).</summary>
public sealed record User(
    Guid Id,
    string UserName,
    string DisplayName,
    string? Email,
    IReadOnlyList<string> Roles,
    string? PasswordHash,
    bool MustChangePassword,
    DateTimeOffset CreatedAt);
