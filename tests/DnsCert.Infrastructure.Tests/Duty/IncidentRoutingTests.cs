using DnsCert.Core.Constituency;
using DnsCert.Core.Duty;

namespace DnsCert.Infrastructure.Tests.Duty;

/// <summary>
/// New incidents reach the officer the roster names: the incident's ICANN region picks the roster region, and an empty
/// regional seat falls to the follow-the-sun watch. DutyWorld: APAC (Tokyo 08–17), EMEA (Paris 08–17, global watch
/// 07–15 UTC), AMER (New York 10–19, global watch 15–23 UTC).
/// </summary>
public sealed class IncidentRoutingTests : IAsyncLifetime
{
    private DutyWorld _world = null!;

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync() => _world = await DutyWorld.CreateAsync(Utc("2026-03-02T12:00:00Z"));

    public async Task DisposeAsync() => await _world.Db.DisposeAsync();

    [Theory]
    [InlineData(IcannRegion.Africa, "2026-03-02T09:00:00Z", "pierre")] // EMEA's own officer
    [InlineData(IcannRegion.Europe, "2026-03-02T09:00:00Z", "pierre")]
    [InlineData(IcannRegion.NorthAmerica, "2026-03-02T16:00:00Z", "nora")] // 11:00 in New York
    [InlineData(IcannRegion.LatinAmericaCaribbean, "2026-03-02T16:00:00Z", "nora")]
    [InlineData(IcannRegion.AsiaAustraliaPacific, "2026-03-02T01:00:00Z", "aiko")] // 10:00 in Tokyo
    [InlineData(IcannRegion.AsiaAustraliaPacific, "2026-03-02T09:00:00Z", "pierre")] // 18:00 in Tokyo: APAC seat empty, global watch is EMEA
    [InlineData(IcannRegion.Unknown, "2026-03-02T16:00:00Z", "nora")] // no region: the global watch (AMER at 16:00 UTC)
    public async Task An_incident_goes_to_its_regions_officer_or_else_to_the_global_watch(IcannRegion region, string at, string expected)
    {
        var officer = await new RosterDutyOfficerLookup(_world.Roster).OnDutyAsync(region, Utc(at), default);
        (officer?.UserId).ShouldBe(_world.People[expected]);
    }

    [Fact]
    public async Task With_nobody_on_any_seat_the_incident_stays_unassigned()
    {
        // Regions and people, no shift: neither the regional seat nor the global watch has anybody.
        var empty = await DutyWorld.CreateAsync(Utc("2026-03-02T12:00:00Z"), withShifts: false);
        await using (empty.Db)
        {
            (await new RosterDutyOfficerLookup(empty.Roster).OnDutyAsync(IcannRegion.Europe, Utc("2026-03-02T09:00:00Z"), default)).ShouldBeNull();
        }
    }
}
