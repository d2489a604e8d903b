using System.Security.Claims;
using DnsCert.Core.Accounts;
using DnsCert.Core.Duty;
using DnsCert.Web.Identity;

namespace DnsCert.Web.Duty;

/// <summary>Who may do what with the roster, and the <see cref="Actor"/> of a request.</summary>
public static class DutyAccess
{
    /// <summary>The core and extended team: they read the roster and request swaps and absences for themselves.</summary>
    public static readonly string[] TeamRoles =
        [Roles.Administrator, Roles.HeadOfOperations, Roles.DutyOfficer, Roles.IncidentHandler, Roles.Augmenter, Roles.Analyst];

    /// <summary>Change the roster itself (regions, shifts, overrides), approve swaps, record anybody's absence.</summary>
    public static readonly string[] EditorRoles = [Roles.Administrator, Roles.HeadOfOperations];

    public const string TeamRolesText = $"{Roles.Administrator},{Roles.HeadOfOperations},{Roles.DutyOfficer},{Roles.IncidentHandler},{Roles.Augmenter},{Roles.Analyst}";

    public static bool MayEdit(ClaimsPrincipal user) => EditorRoles.Any(user.IsInRole);

    public static Actor Actor(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        var id = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : Guid.Empty;
        return new Actor(id, user.Identity?.Name ?? "anonymous", MayEdit(user), context.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>The person's IANA time zone preference (UTC when unset or unknown).</summary>
    public static string TimeZone(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var zone = user.FindFirstValue(DnsCertClaims.TimeZone);
        return DutyTime.IsZone(zone) ? zone! : "UTC";
    }
}
