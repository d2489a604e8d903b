using System.Security.Claims;
using DnsCert.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Identity;

/// <summary>Puts roles, organisation, language, time zone and enrolment state into the sign-in cookie's principal.</summary>
public sealed class DnsCertClaimsFactory(UserManager<DnsCertUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<DnsCertUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(DnsCertUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaims(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        identity.AddClaim(new Claim(ClaimTypes.GivenName, user.DisplayName));
        if (user.OrganisationId is { } org)
        {
            identity.AddClaim(new Claim(DnsCertClaims.OrganisationId, org.ToString()));
        }

        identity.AddClaim(new Claim(DnsCertClaims.Language, user.Language));
        identity.AddClaim(new Claim(DnsCertClaims.TimeZone, user.TimeZone));
        identity.AddClaim(new Claim(DnsCertClaims.TwoFactorEnrolled, user.TwoFactorEnabled ? "true" : "false"));
        identity.AddClaim(new Claim(DnsCertClaims.MustChangePassword, user.MustChangePassword ? "true" : "false"));
        return identity;
    }
}
