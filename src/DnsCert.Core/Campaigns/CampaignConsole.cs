using DnsCert.Core.Visibility;

namespace DnsCert.Core.Campaigns;

/// <summary>Where a campaign stands, as its list shows it.</summary>
public enum CampaignState
{
    /// <summary>Before the deadline, names still outstanding.</summary>
    Open,

    /// <summary>Past the deadline with names not yet verified.</summary>
    Overdue,

    /// <summary>Every routable name verified in the DNS.</summary>
    Complete,
}

/// <summary>A campaign in the console's list: the summary plus how many registries were asked and what stands out.</summary>
public sealed record CampaignListItem(
    Guid Id, string Name, Tlp Tlp, CampaignAction Action, DateTimeOffset Deadline, DateTimeOffset CreatedAt,
    long Names, long Unroutable, long Verified, long Contradicted, int Registries)
{
    public long Routable => Names - Unroutable;

    /// <summary>Share of routable names verified in the DNS, 0 to 1.</summary>
    public double Coverage => Routable == 0 ? 0 : (double)Verified / Routable;

    public CampaignState State(DateTimeOffset now) =>
        Routable > 0 && Verified == Routable ? CampaignState.Complete : now > Deadline ? CampaignState.Overdue : CampaignState.Open;
}

/// <summary>One registry's (or, without one, the whole campaign's) counts for one day of the campaign's time window.</summary>
public sealed record DailyCoverage(
    DateOnly Day, Guid? OrganisationId, long Requested, long Acknowledged, long Actioned, long Verified, long Contradicted)
{
    public long Total => Requested + Acknowledged + Actioned + Verified + Contradicted;
}

/// <summary>One name as the drill-down and the after-action export show it.</summary>
public sealed record CampaignNameRow(
    string Name, string Tld, DateOnly Day, string? Registry, NameStatus Status, string? ReportedOutcome, DateTimeOffset? ReportedAt,
    string? DnsState, string? DnsDetail, DateTimeOffset? DnsCheckedAt);

/// <summary>One page of names and how many there are in all.</summary>
public sealed record NamePage(IReadOnlyList<CampaignNameRow> Rows, long Total, int Page, int PageSize)
{
    public int Pages => Total == 0 ? 1 : (int)((Total + PageSize - 1) / PageSize);
}

/// <summary>Which names a drill-down shows: one registry's, or the unroutable ones; optionally only one status.</summary>
public sealed record NameQuery(Guid? OrganisationId, bool Unroutable, NameStatus? Status, int Page, int PageSize)
{
    /// <summary>Rows on one page: enough to work through a slice, small enough for a slow link.</summary>
    public const int MaxPageSize = 500;

    public NameQuery Checked() => this with { Page = Math.Max(1, Page), PageSize = Math.Clamp(PageSize, 1, MaxPageSize) };
}

/// <summary>A registry's request as its portal list shows it.</summary>
public sealed record RequestSummary(
    Guid RequestId, Guid CampaignId, string CampaignName, Tlp Tlp, CampaignAction Action, DateTimeOffset Deadline, string OrganisationName,
    IReadOnlyList<string> Tlds, int Names, DateTimeOffset CreatedAt, DateTimeOffset? AcknowledgedAt, long Actioned, long Outstanding);

/// <summary>
/// The console's reads of campaigns: the list with coverage, coverage per day, the names drill-down, the after-action
/// export, and a registry's own requests. Every method takes the viewer and applies the one visibility predicate — on
/// the campaign for staff views, on the request's audience (the registry asked, at least TLP:AMBER) for the portal.
/// </summary>
public interface ICampaignConsoleStore
{
    Task<IReadOnlyList<CampaignListItem>> ListAsync(Viewer viewer, CancellationToken cancellationToken);

    /// <summary>Counts per upload day, for one registry or (null) the whole campaign; empty when the viewer cannot see it.</summary>
    Task<IReadOnlyList<DailyCoverage>> DailyAsync(Viewer viewer, Guid campaignId, Guid? organisationId, CancellationToken cancellationToken);

    Task<NamePage> NamesAsync(Viewer viewer, Guid campaignId, NameQuery query, CancellationToken cancellationToken);

    /// <summary>Every name of the campaign, ordered by registry then name, read as it is written out (nothing held).</summary>
    IAsyncEnumerable<CampaignNameRow> ExportAsync(Viewer viewer, Guid campaignId, CancellationToken cancellationToken);

    /// <summary>The requests whose audience includes the viewer (a registry's users: their organisation's), newest first.</summary>
    Task<IReadOnlyList<RequestSummary>> RequestsAsync(Viewer viewer, CancellationToken cancellationToken);

    /// <summary>One request, when the viewer is in its audience, else null.</summary>
    Task<RequestSummary?> RequestAsync(Viewer viewer, Guid requestId, CancellationToken cancellationToken);

    /// <summary>One request's names, paged; an empty page with total 0 when the viewer is not in the request's audience.</summary>
    Task<NamePage> RequestNamesAsync(Viewer viewer, Guid requestId, NameQuery query, CancellationToken cancellationToken);
}

/// <summary>The order the coverage view lists registries in.</summary>
public static class CampaignLaggards
{
    /// <summary>Names a registry still has to act on (nothing reported as done, nothing verified).</summary>
    public static long Outstanding(RegistryCoverage coverage)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        return coverage.Requested + coverage.Acknowledged;
    }

    /// <summary>Past the deadline with names still outstanding.</summary>
    public static bool IsOverdue(RegistryCoverage coverage, DateTimeOffset deadline, DateTimeOffset now) => now > deadline && Outstanding(coverage) > 0;

    /// <summary>
    /// Laggards first: the lowest share verified in the DNS, then overdue before on time, then the least progress
    /// reported (<see cref="CampaignCoverage.Progress"/>: a registry that has not even acknowledged comes before one that
    /// acts), then the most names outstanding, then by name so the order is stable.
    /// </summary>
    public static IReadOnlyList<RegistryCoverage> Order(IEnumerable<RegistryCoverage> registries, DateTimeOffset deadline, DateTimeOffset now) =>
        [.. registries.OrderBy(r => r.VerifiedShare).ThenByDescending(r => IsOverdue(r, deadline, now)).ThenBy(CampaignCoverage.Progress)
            .ThenByDescending(Outstanding).ThenBy(r => r.OrganisationName, StringComparer.Ordinal)];
}
