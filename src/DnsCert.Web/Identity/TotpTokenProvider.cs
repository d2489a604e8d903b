using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;

namespace DnsCert.Web.Identity;

/// <summary>
/// Checks authenticator codes with our RFC 6238 implementation: one step of drift either side (Identity's default
/// allows two) and no replay — a code is accepted only for a time step later than the last accepted one, and the
/// step is stored with the user's concurrency stamp, so two requests racing with one code cannot both win.
/// </summary>
public sealed class TotpTokenProvider(TimeProvider clock) : IUserTwoFactorTokenProvider<DnsCertUser>
{
    public const string Name = "DnsCertTotp";

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<DnsCertUser> manager, DnsCertUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        return !string.IsNullOrEmpty(await manager.GetAuthenticatorKeyAsync(user));
    }

    // Codes come from the person's app; the server never generates or sends one.
    public Task<string> GenerateAsync(string purpose, UserManager<DnsCertUser> manager, DnsCertUser user) =>
        Task.FromResult("");

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<DnsCertUser> manager, DnsCertUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var step = Totp.Match(Base32.Decode(key), token ?? "", clock.GetUtcNow());
        if (step is not { } matched || matched <= user.TotpLastStep)
        {
            return false;
        }

        user.TotpLastStep = matched;
        return (await manager.UpdateAsync(user)).Succeeded;
    }
}
