using System.Security.Claims;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Dashboard;
using DnsCert.Core.Duty;
using DnsCert.Web.Duty;
using DnsCert.Web.Identity;
using DnsCert.Web.Pages.Duty;

namespace DnsCert.Web.Dashboard;

/// <summary>An active campaign on the dashboard: how much of it the DNS has confirmed (routable names only).</summary>
public sealed record CampaignProgress(Guid Id, string Name, long Names, long Verified, DateTimeOffset Deadline)
{
    /// <summary>Verified share of the routable names, 0 to 1.</summary>
    public double Coverage => Names == 0 ? 1 : (double)Verified / Names;
}

/// <summary>What the dashboard partial renders: the same model for the first page and for every live update.</summary>
public sealed record DashboardView(DashboardSnapshot Snapshot, int ActiveCampaigns, IReadOnlyList<CampaignProgress> Campaigns, OnDutyPanel? OnDuty,
    ClaimsPrincipal Person);

/// <summary>Puts the dashboard together for one signed-in person, every part through the visibility predicate.</summary>
public sealed class DashboardComposer(IDashboardReadModel reads, ICampaignStore campaigns, DutyRoster roster, TimeProvider clock)
{
    public async Task<DashboardView> ComposeAsync(ClaimsPrincipal person, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        var viewer = Viewers.From(person);
        var now = clock.GetUtcNow();
        var snapshot = await reads.ReadAsync(viewer, now, cancellationToken);
        var active = (await campaigns.ListAsync(viewer, cancellationToken))
            .Where(c => c.Deadline >= now)
            .Select(c => new CampaignProgress(c.Id, c.Name, c.Names - c.Unroutable, c.Verified, c.Deadline))
            .OrderBy(c => c.Coverage).ThenBy(c => c.Deadline).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        var onDuty = DutyAccess.TeamRoles.Any(person.IsInRole)
            ? new OnDutyPanel(await roster.OnDutyEverywhereAsync(now, cancellationToken), DutyAccess.TimeZone(person))
            : null;
        return new DashboardView(snapshot, active.Count, [.. active.Take(DashboardSnapshot.ListLimit)], onDuty, person);
    }
}
