using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;

namespace DnsCert.Core.Duty;

/// <summary>
/// The incident module's "who is on duty for this region" answered by the roster. Roster regions are the team's own
/// (APAC, EMEA, AMER by convention), not ICANN's, so an incident's ICANN region is mapped to the roster region of that
/// code; when the roster has no such region or nobody on it, the follow-the-sun watch (the global officer) takes it —
/// an incident is never left unrouted because one region's seat is empty.
/// </summary>
public sealed class RosterDutyOfficerLookup(DutyRoster roster) : IDutyOfficerLookup
{
    /// <summary>The roster region code each ICANN region's incidents go to first.</summary>
    public static string? RegionCode(IcannRegion region) => region switch
    {
        IcannRegion.AsiaAustraliaPacific => "APAC",
        IcannRegion.Europe or IcannRegion.Africa => "EMEA",
        IcannRegion.NorthAmerica or IcannRegion.LatinAmericaCaribbean => "AMER",
        _ => null,
    };

    public async Task<DutyOfficer?> OnDutyAsync(IcannRegion region, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var everywhere = await roster.OnDutyEverywhereAsync(at, cancellationToken);
        var code = RegionCode(region);
        var regional = code is null ? null : everywhere.FirstOrDefault(s => !s.Global && s.Region == code);
        var officer = regional?.Officer ?? everywhere.FirstOrDefault(s => s.Global)?.Officer;
        return officer is null ? null : new DutyOfficer(officer.Person.Id, officer.Person.DisplayName);
    }
}
