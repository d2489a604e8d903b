using System.Security.Claims;
using DnsCert.Core.Audit;

namespace DnsCert.Web.Identity;

/// <summary>Writes sign-in and account events to the audit log with who, what and from where.</summary>
public sealed class AccountAudit(IAuditLog log, TimeProvider clock)
{
    public Task WriteAsync(HttpContext context, string action, Guid? userId, string actor,
        IReadOnlyDictionary<string, string?>? details = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return log.AppendAsync(
            AuditEntry.Create(clock.GetUtcNow(), userId, actor, action, "user", userId?.ToString(), details,
                context.Connection.RemoteIpAddress?.ToString()),
            context.RequestAborted);
    }

    public Task WriteAsync(HttpContext context, string action, ClaimsPrincipal user, IReadOnlyDictionary<string, string?>? details = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var id = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var g) ? g : (Guid?)null;
        return WriteAsync(context, action, id, user.Identity?.Name ?? "unknown", details);
    }
}
