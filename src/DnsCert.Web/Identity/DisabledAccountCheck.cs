using DnsCert.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;

namespace DnsCert.Web.Identity;

/// <summary>A disabled account cannot sign in (Identity reports it as NotAllowed).</summary>
public sealed class DisabledAccountCheck : IUserConfirmation<DnsCertUser>
{
    public Task<bool> IsConfirmedAsync(UserManager<DnsCertUser> manager, DnsCertUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Task.FromResult(!user.Disabled);
    }
}
