using DnsCert.Core.Constituency;
using DnsCert.Core.Monitoring;
using DnsCert.Core.Visibility;
using IncidentSeverity = DnsCert.Core.Incidents.Severity;

namespace DnsCert.Core.Dashboard;

/// <summary>One TLD in the health grid: the worst health of the watched zones under it that the viewer may see.</summary>
/// <param name="Tld">The label without dots ("ml"); "." for the root zone.</param>
/// <param name="Worst">The worst health among those zones.</param>
/// <param name="Zones">How many visible watched zones the TLD has (itself included).</param>
/// <param name="Region">The ICANN region of the organisation holding the TLD zone, when the viewer may see that organisation.</param>
public sealed record TldHealth(string Tld, ZoneHealth Worst, int Zones, IcannRegion Region);

/// <summary>What changed about a zone in the last day: a state change (<see cref="Check"/> null) or a delegation-change finding (CHG-*).</summary>
public sealed record RecentZoneChange(string Zone, DateTimeOffset At, string? Check, string Text);

/// <summary>An active incident on the dashboard, worst first.</summary>
public sealed record DashboardIncident(long Id, string Title, IncidentSeverity Severity, string State, DateTimeOffset OpenedAt);

/// <summary>
/// The situational-awareness picture for one viewer: every part read through the one visibility predicate, so a
/// constituent's picture holds only its own organisation's zones and incidents.
/// </summary>
public sealed record DashboardSnapshot(
    IReadOnlyDictionary<ZoneHealth, int> ZoneCounts,
    IReadOnlyList<TldHealth> Tlds,
    IReadOnlyDictionary<IncidentSeverity, int> IncidentsBySeverity,
    IReadOnlyList<DashboardIncident> WorstIncidents,
    IReadOnlyList<RecentZoneChange> Changes)
{
    /// <summary>How far back "recent delegation changes" reach.</summary>
    public static readonly TimeSpan ChangeWindow = TimeSpan.FromHours(24);

    /// <summary>Rows kept per list: the dashboard is a glance, the full lists are one click away.</summary>
    public const int ListLimit = 10;
}

/// <summary>The public status page: TLP:CLEAR monitoring only, aggregated per TLD, and a count of public incidents.</summary>
public sealed record PublicStatus(IReadOnlyList<TldHealth> Tlds, int OpenPublicIncidents, int RecentPublicIncidents, DateTimeOffset At)
{
    /// <summary>"Recent" public incidents: opened within this window.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromDays(30);
}

/// <summary>Reads the dashboard and the status page; every query applies the visibility predicate for the viewer.</summary>
public interface IDashboardReadModel
{
    Task<DashboardSnapshot> ReadAsync(Viewer viewer, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>What the public (not signed in) may see: <see cref="Viewer.Public"/> through the same predicate.</summary>
    Task<PublicStatus> PublicStatusAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
