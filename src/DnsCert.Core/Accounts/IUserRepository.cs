using DnsCert.Core.Audit;

namespace DnsCert.Core.Accounts;

/// <summary>Where users are kept. Implemented in DnsCert.Infrastructure.</summary>
public interface IUserRepository
{
    /// <summary>
    /// Inserts <paramref name="user"/> only if no user holds the administrator role yet, atomically with that check.
    /// Returns the user name of the existing administrator when one exists (nothing is written then), else null.
    /// <paramref name="audit"/> is appended to the audit log in the same transaction as the insert.
    /// </summary>
    Task<string?> AddIfNoAdministratorAsync(User user, AuditEntry audit, CancellationToken cancellationToken);

    Task<User?> FindByUserNameAsync(string userName, CancellationToken cancellationToken);
}
