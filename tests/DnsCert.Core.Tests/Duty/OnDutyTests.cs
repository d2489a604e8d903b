using DnsCert.Core.Duty;

namespace DnsCert.Core.Tests.Duty;

/// <summary>
/// Acceptance (issue 9): with people at UTC+9, UTC+1 and UTC−5, "on duty now" is right across the European and North
/// American daylight-saving changes — tested at the boundaries: the US change (2026-03-08), the EU change (03-29), the
/// weeks in between where Europe and North America are 4 (not 5/6) hours apart, the EU fall back (10-25) and the US
/// one (11-01).
/// </summary>
public class OnDutyTests
{
    private readonly RosterWorld _world = new();

    private string? Officer(string utc, string? region = null) => _world.At(utc, region).Officer?.Person.UserName;

    [Theory]
    // Winter everywhere: Tokyo 08–17 = 23–08Z, Paris 08–17 = 07–16Z, New York 10–19 = 15–00Z.
    [InlineData("2026-03-02T06:59:59Z", "EMEA", null)]
    [InlineData("2026-03-02T07:00:00Z", "EMEA", "pierre")]
    [InlineData("2026-03-02T15:59:59Z", "EMEA", "pierre")]
    [InlineData("2026-03-02T16:00:00Z", "EMEA", null)]
    [InlineData("2026-03-02T14:59:59Z", "AMER", null)]
    [InlineData("2026-03-02T15:00:00Z", "AMER", "nora")]
    [InlineData("2026-03-02T23:59:59Z", "AMER", "nora")]
    [InlineData("2026-03-03T00:00:00Z", "AMER", null)]
    [InlineData("2026-03-02T23:00:00Z", "APAC", "aiko")]
    [InlineData("2026-03-02T07:59:59Z", "APAC", "aiko")]
    [InlineData("2026-03-02T08:00:00Z", "APAC", null)]
    // US spring forward (Sunday 2026-03-08, 02:00 → 03:00 EDT): New York's 10:00 is 14:00Z from that day on.
    [InlineData("2026-03-07T14:30:00Z", "AMER", null)]
    [InlineData("2026-03-08T14:00:00Z", "AMER", "nora")]
    [InlineData("2026-03-08T13:59:59Z", "AMER", null)]
    [InlineData("2026-03-08T22:59:59Z", "AMER", "nora")]
    [InlineData("2026-03-08T23:00:00Z", "AMER", null)]
    // The three weeks Europe is still on winter time: Paris unchanged, New York an hour earlier in UTC.
    [InlineData("2026-03-16T07:00:00Z", "EMEA", "pierre")]
    [InlineData("2026-03-16T06:30:00Z", "EMEA", null)]
    [InlineData("2026-03-16T14:30:00Z", "AMER", "nora")]
    [InlineData("2026-03-28T15:30:00Z", "EMEA", "pierre")]
    // EU spring forward (Sunday 2026-03-29, 02:00 → 03:00 CEST): Paris's 08:00 is 06:00Z from that day on.
    [InlineData("2026-03-28T06:30:00Z", "EMEA", null)]
    [InlineData("2026-03-29T06:00:00Z", "EMEA", "pierre")]
    [InlineData("2026-03-29T05:59:59Z", "EMEA", null)]
    [InlineData("2026-03-29T14:59:59Z", "EMEA", "pierre")]
    [InlineData("2026-03-29T15:00:00Z", "EMEA", null)]
    // Tokyo never changes.
    [InlineData("2026-03-29T23:00:00Z", "APAC", "aiko")]
    [InlineData("2026-03-29T22:59:59Z", "APAC", null)]
    // EU fall back (Sunday 2026-10-25, 03:00 → 02:00 CET): Paris back to 07–16Z, New York still summer (14–23Z).
    [InlineData("2026-10-24T06:00:00Z", "EMEA", "pierre")]
    [InlineData("2026-10-25T06:00:00Z", "EMEA", null)]
    [InlineData("2026-10-25T07:00:00Z", "EMEA", "pierre")]
    [InlineData("2026-10-25T15:30:00Z", "EMEA", "pierre")]
    [InlineData("2026-10-27T14:00:00Z", "AMER", "nora")]
    [InlineData("2026-10-31T22:59:59Z", "AMER", "nora")]
    [InlineData("2026-10-31T23:00:00Z", "AMER", null)]
    // US fall back (Sunday 2026-11-01, 02:00 → 01:00 EST): New York back to 15–00Z.
    [InlineData("2026-11-01T14:30:00Z", "AMER", null)]
    [InlineData("2026-11-01T15:00:00Z", "AMER", "nora")]
    [InlineData("2026-11-01T23:30:00Z", "AMER", "nora")]
    [InlineData("2026-11-02T00:00:00Z", "AMER", null)]
    public void The_regional_officer_follows_the_local_clock(string utc, string region, string? expected) =>
        Officer(utc, region).ShouldBe(expected);

    [Theory]
    // The global watch: the region whose UTC window covers the instant, else the next region that has somebody.
    [InlineData("2026-03-02T23:30:00Z", "aiko", "APAC")]
    [InlineData("2026-03-02T07:30:00Z", "pierre", "EMEA")]
    [InlineData("2026-03-02T15:30:00Z", "nora", "AMER")]
    // Winter: 06:30Z is APAC's window and Aiko (15:30 Tokyo) holds it.
    [InlineData("2026-03-02T06:30:00Z", "aiko", "APAC")]
    // The US-only summer weeks: at 22:30Z New York (18:30 EDT) still answers; at 23:30Z Tokyo (08:30) does.
    [InlineData("2026-03-16T22:30:00Z", "nora", "AMER")]
    [InlineData("2026-03-16T23:30:00Z", "aiko", "APAC")]
    // Summer: EMEA's window opens at 07:00Z but Paris started at 06:00Z; at 15:30Z AMER's window, Nora since 14:00Z.
    [InlineData("2026-07-01T07:30:00Z", "pierre", "EMEA")]
    [InlineData("2026-07-01T15:30:00Z", "nora", "AMER")]
    // The EU-winter/US-summer week: Paris until 16:00Z but AMER's window holds the watch from 15:00Z.
    [InlineData("2026-10-28T15:30:00Z", "nora", "AMER")]
    [InlineData("2026-10-28T14:30:00Z", "pierre", "EMEA")]
    // After both changes.
    [InlineData("2026-11-02T23:30:00Z", "aiko", "APAC")]
    [InlineData("2026-11-02T15:00:00Z", "nora", "AMER")]
    public void The_global_officer_follows_the_sun(string utc, string expected, string region)
    {
        var status = _world.At(utc);
        status.Global.ShouldBeTrue();
        status.Officer!.Person.UserName.ShouldBe(expected);
        status.Region.ShouldBe(region);
    }

    [Fact]
    public void An_empty_window_falls_to_the_next_region_that_has_somebody()
    {
        DutyAbsence Leave(DutyPerson p) => new(Guid.NewGuid(), p.Id, RosterWorld.Utc("2026-07-01T00:00:00Z"), RosterWorld.Utc("2026-07-02T00:00:00Z"), "leave", DateTimeOffset.UnixEpoch);
        _world.Absences.Add(Leave(_world.Pierre));
        _world.Absences.Add(Leave(_world.Ben));
        // 14:30Z is EMEA's window; EMEA has nobody, AMER is next by position and New York (10:30 EDT) answers.
        var status = _world.At("2026-07-01T14:30:00Z");
        status.Region.ShouldBe("AMER");
        status.Officer!.Person.UserName.ShouldBe("nora");
        // 10:00Z: EMEA empty, AMER (06:00 EDT) and APAC (19:00 JST) empty too: uncovered, reported as EMEA's.
        var uncovered = _world.At("2026-07-01T10:00:00Z");
        uncovered.Covered.ShouldBeFalse();
        uncovered.Region.ShouldBe("EMEA");
    }

    [Fact]
    public void On_the_fall_back_night_the_night_shift_covers_the_repeated_hour_and_lasts_nine_hours()
    {
        // Paris night shift 22:00–06:00 (Hiro), then 06:00–14:00 (Ben) on the fall-back night: the night lasts 9 h.
        _world.Shifts.Add(RosterWorld.Daily("EMEA", DutyRole.Backup, "Europe/Paris", 22, 6, _world.Hiro) with { Role = DutyRole.Officer, Name = "night" });
        // 02:30 CEST (00:30Z) and 02:30 CET (01:30Z) both inside the night shift.
        Officer("2026-10-25T00:30:00Z", "EMEA").ShouldBe("hiro");
        Officer("2026-10-25T01:30:00Z", "EMEA").ShouldBe("hiro");
        Officer("2026-10-25T04:59:59Z", "EMEA").ShouldBe("hiro");
        Officer("2026-10-25T05:00:00Z", "EMEA").ShouldBeNull(); // 06:00 CET: night over, Pierre starts 08:00
        // Spring night: 8 hours, 21:00Z to 04:00Z.
        Officer("2026-03-28T21:00:00Z", "EMEA").ShouldBe("hiro");
        Officer("2026-03-29T03:59:59Z", "EMEA").ShouldBe("hiro");
        Officer("2026-03-29T04:00:00Z", "EMEA").ShouldBeNull();
    }

    [Fact]
    public void The_backup_is_reported_with_the_officer()
    {
        var status = _world.At("2026-03-02T10:00:00Z", "EMEA");
        status.Officer!.Person.UserName.ShouldBe("pierre");
        status.Officer.Source.ShouldBe(DutySource.Shift);
        status.Officer.Until.ShouldBe(RosterWorld.Utc("2026-03-02T16:00:00Z"));
        // Ben is in Berlin, the same clock as Paris.
        status.Backup!.Person.UserName.ShouldBe("ben");
    }
}
