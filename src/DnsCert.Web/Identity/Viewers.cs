using System.Security.Claims;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;

namespace DnsCert.Web.Identity;

/// <summary>The visibility predicate's <see cref="Viewer"/> and the audit actor, from the signed-in principal.</summary>
public static class Viewers
{
    public static Viewer From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true || !Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            return Viewer.Public;
        }

        Guid? organisation = Guid.TryParse(user.FindFirstValue(DnsCertClaims.OrganisationId), out var org) ? org : null;
        return Viewer.Person(id, organisation, [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)]);
    }

    public static DirectoryActor Actor(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        Guid? id = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : null;
        return new DirectoryActor(id, user.Identity?.Name ?? "anonymous", context.Connection.RemoteIpAddress?.ToString());
    }
}
