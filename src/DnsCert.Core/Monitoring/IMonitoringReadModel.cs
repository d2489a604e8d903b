using DnsCert.Core.Visibility;
using DnsCert.Monitoring.Changes;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;

namespace DnsCert.Core.Monitoring;

/// <summary>Filters of the watched-zones list; all optional.</summary>
public sealed record WatchedZoneQuery(ZoneHealth? Health = null, Guid? OrganisationId = null, string? Tld = null, int Limit = 200, int Offset = 0);

/// <summary>An organisation that holds a zone (constituency directory asset).</summary>
public sealed record ZoneHolder(Guid Id, string Name);

/// <summary>One watched zone as the list shows it.</summary>
/// <param name="Zone">Lower case with the trailing dot.</param>
/// <param name="Health">State and latest check combined (<see cref="ZoneHealthRules"/>).</param>
/// <param name="State">The availability state machine's state, null before the first evaluation.</param>
/// <param name="Since">Since when the zone has been in <paramref name="State"/>.</param>
/// <param name="LastChange">The latest state change, if any.</param>
/// <param name="WorstFinding">The worst severity of the latest check, null without findings or check.</param>
/// <param name="Findings">Findings of the latest check.</param>
/// <param name="CheckedAt">When the latest check ran.</param>
/// <param name="IntervalSeconds">Probe interval.</param>
/// <param name="Holders">Organisations holding the zone that the viewer may see.</param>
public sealed record WatchedZoneSummary(string Zone, ZoneHealth Health, ZoneState? State, DateTimeOffset? Since, DateTimeOffset? LastChange,
    Severity? WorstFinding, int Findings, DateTimeOffset? CheckedAt, int IntervalSeconds, IReadOnlyList<ZoneHolder> Holders);

/// <summary>A page of the list, the number per health over the whole filtered set (not only the page), and the filter choices.</summary>
public sealed record WatchedZoneList(IReadOnlyList<WatchedZoneSummary> Zones, IReadOnlyDictionary<ZoneHealth, int> Counts, int Total,
    IReadOnlyList<ZoneHolder> Organisations, IReadOnlyList<string> Tlds);

/// <summary>The latest check of a zone: the <c>check</c> report and the delegation it observed.</summary>
public sealed record ZoneCheckResult(DateTimeOffset CheckedAt, string VantagePoint, CheckReport Report, DelegationSnapshot? Observed);

/// <summary>The zone's delegation baseline: the approved one in force and a proposal waiting for a second person.</summary>
public sealed record ZoneBaseline(DelegationSnapshot? Approved, DateTimeOffset? ApprovedAt, string? ApprovedBy, DelegationSnapshot? Proposed,
    DateTimeOffset? ProposedAt, Guid? ProposedById, string? ProposedBy);

/// <summary>An announced delegation change (see <see cref="ChangeRecord"/>) with who wrote and who approved it.</summary>
public sealed record ChangeRecordView(Guid Id, string Reference, DelegationSnapshot Expected, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil,
    Guid CreatedById, string CreatedBy, DateTimeOffset CreatedAt, string? ApprovedBy, DateTimeOffset? ApprovedAt);

/// <summary>Everything the zone page shows but the charts.</summary>
public sealed record ZoneDetail(WatchedZoneSummary Summary, IReadOnlyList<ZoneStateChange> History, ZoneCheckResult? LatestCheck,
    ZoneBaseline Baseline, IReadOnlyList<ChangeRecordView> ChangeRecords);

/// <summary>One UTC day of the zone's SLA aggregates (sla_zone_daily).</summary>
public sealed record SlaDay(DateOnly Day, int MinutesUp, int MinutesDown, int MinutesInconclusive, int UdpQueries, int UdpWithinLimit,
    double? UdpMedianMs, double? UdpP95Ms, int TcpQueries, int TcpWithinLimit, double? TcpMedianMs, double? TcpP95Ms)
{
    /// <summary>Minutes up over minutes measured (inconclusive minutes count as measured but not up), null without data.</summary>
    public double? Availability => MinutesUp + MinutesDown + MinutesInconclusive is var all and > 0 ? (double)MinutesUp / all : null;
}

/// <summary>One UTC day of a name-server address (sla_address_daily).</summary>
public sealed record AddressSlaDay(string ServerName, string Address, DateOnly Day, int MinutesUp, int MinutesDown, int MinutesInconclusive);

/// <summary>
/// RTT of one address over one transport in one time bucket, from the raw probe results: probes sent, answered (the
/// percentiles are over these, RSSAC047), and answered within the service level (500 ms UDP, 1,500 ms TCP).
/// </summary>
public sealed record RttBucket(string ServerName, string Address, string Transport, DateTimeOffset Start, int Queries, int Answered, int WithinLimit,
    double? MedianMs, double? P95Ms);

/// <summary>The history behind the charts: daily SLA per zone and per address, and RTT per address and transport.</summary>
public sealed record ZoneHistory(string Zone, DateTimeOffset From, DateTimeOffset To, TimeSpan Bucket, IReadOnlyList<SlaDay> Days,
    IReadOnlyList<AddressSlaDay> AddressDays, IReadOnlyList<RttBucket> Rtt, IReadOnlyList<ZoneStateChange> Changes);

/// <summary>
/// Read side of monitoring for the console and the API. Every method takes the viewer and answers only what the one
/// visibility predicate lets it see (<see cref="WatchedZoneVisibility"/>); a zone the viewer may not see is null, as if
/// it were not watched.
/// </summary>
public interface IMonitoringReadModel
{
    Task<WatchedZoneList> ListAsync(Viewer viewer, WatchedZoneQuery query, CancellationToken cancellationToken);

    Task<ZoneDetail?> GetAsync(Viewer viewer, string zone, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="days"/> days (1 to 35, the raw retention) up to now; RTT per hour for one day, per day otherwise.</summary>
    Task<ZoneHistory?> HistoryAsync(Viewer viewer, string zone, int days, CancellationToken cancellationToken);
}
