using DnsCert.Core.Audit;
using DnsCert.Web.Identity;

namespace DnsCert.Web.Monitoring;

/// <summary>
/// Writes what a person changed about a watched zone to the hash-chained audit log: adding and removing zones, the
/// interval, proposing, approving and rejecting baselines, approving change records (the four-eyes trail).
/// </summary>
public sealed class MonitoringAudit(IAuditLog audit, TimeProvider time)
{
    public Task RecordAsync(HttpContext http, string action, string zone, IReadOnlyDictionary<string, string?>? details, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var actor = Viewers.Actor(http);
        return audit.AppendAsync(AuditEntry.Create(time.GetUtcNow(), actor.UserId, actor.Name, "monitoring." + action, "watched-zone", zone, details,
            actor.IpAddress), cancellationToken);
    }
}
