using Microsoft.AspNetCore.Identity;
using CoreHasher = DnsCert.Core.Accounts.PasswordHasher;

namespace DnsCert.Infrastructure.Identity;

/// <summary>Identity hashes and verifies with Core's PBKDF2 hasher, so every password in the table has one format.</summary>
public sealed class CorePasswordHasher : IPasswordHasher<DnsCertUser>
{
    public string HashPassword(DnsCertUser user, string password) => CoreHasher.Hash(password);

    public PasswordVerificationResult VerifyHashedPassword(DnsCertUser user, string hashedPassword, string providedPassword) =>
        CoreHasher.Verify(providedPassword, hashedPassword) ? PasswordVerificationResult.Success : PasswordVerificationResult.Failed;
}
