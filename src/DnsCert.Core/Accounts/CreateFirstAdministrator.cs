using DnsCert.Core.Audit;

namespace DnsCert.Core.Accounts;

/// <summary>Ask for the first administrator of a fresh installation.</summary>
public sealed record CreateFirstAdministratorCommand(string UserName, string? Email);

/// <summary>The outcome: either a new administrator with its one-time password, or the one that already exists.</summary>
public sealed record CreateFirstAdministratorResult(bool Created, string UserName, string? Password);

/// <summary>
/// Creates the first administrator with a generated password that is returned once and stored only as a hash.
/// Idempotent: when an administrator exists nothing is written, so `./dnscert up` can run it every time.
/// </summary>
public sealed class CreateFirstAdministratorHandler(IUserRepository users, TimeProvider clock)
{
    public async Task<CreateFirstAdministratorResult> HandleAsync(
        CreateFirstAdministratorCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var userName = UserNames.Validate(command.UserName);
        var password = PasswordGenerator.Generate();
        var user = new User(
            Guid.CreateVersion7(clock.GetUtcNow()),
            userName,
            DisplayName: "Administrator",
            command.Email,
            [Roles.Administrator],
            PasswordHasher.Hash(password),
            MustChangePassword: true,
            clock.GetUtcNow());

        var audit = AuditEntry.Create(user.CreatedAt, null, AuditEntry.System, "user.created", "user", user.Id.ToString(),
            new Dictionary<string, string?> { ["userName"] = userName, ["roles"] = Roles.Administrator, ["via"] = "first-administrator" });
        var existing = await users.AddIfNoAdministratorAsync(user, audit, cancellationToken);
        return existing is null
            ? new CreateFirstAdministratorResult(true, userName, password)
            : new CreateFirstAdministratorResult(false, existing, null);
    }
}
