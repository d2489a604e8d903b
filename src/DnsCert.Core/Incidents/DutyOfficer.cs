using DnsCert.Core.Constituency;

namespace DnsCert.Core.Incidents;

/// <summary>The person on duty for a region at a time.</summary>
public sealed record DutyOfficer(Guid UserId, string Name);

/// <summary>
/// "Who is on duty now for this region?" — the port new incidents are routed through. The duty roster (Core/Duty)
/// provides the real answer; until it is wired, <see cref="NoDutyRoster"/> answers nobody and new incidents wait in the
/// queue's "unassigned" tab, where every duty officer sees them.
/// </summary>
public interface IDutyOfficerLookup
{
    Task<DutyOfficer?> OnDutyAsync(IcannRegion region, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>The fallback: no roster, nobody on duty, the incident stays unassigned.</summary>
public sealed class NoDutyRoster : IDutyOfficerLookup
{
    public Task<DutyOfficer?> OnDutyAsync(IcannRegion region, DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.FromResult<DutyOfficer?>(null);
}
