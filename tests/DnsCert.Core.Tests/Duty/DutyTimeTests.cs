using DnsCert.Core.Duty;

namespace DnsCert.Core.Tests.Duty;

/// <summary>The DST rule of docs/duty.md: gap → first instant after it; overlap → the earlier occurrence.</summary>
public class DutyTimeTests
{
    private static DateTimeOffset Instant(int y, int mo, int d, int h, int mi, string zone) =>
        DutyTime.ToInstant(new DateOnly(y, mo, d), new TimeOnly(h, mi), DutyTime.Zone(zone));

    [Fact]
    public void Ordinary_local_times_map_to_their_offsets()
    {
        Instant(2026, 1, 15, 9, 0, "Europe/Paris").ShouldBe(RosterWorld.Utc("2026-01-15T08:00:00Z"));
        Instant(2026, 7, 15, 9, 0, "Europe/Paris").ShouldBe(RosterWorld.Utc("2026-07-15T07:00:00Z"));
        Instant(2026, 1, 15, 9, 0, "America/New_York").ShouldBe(RosterWorld.Utc("2026-01-15T14:00:00Z"));
        Instant(2026, 7, 15, 9, 0, "America/New_York").ShouldBe(RosterWorld.Utc("2026-07-15T13:00:00Z"));
        Instant(2026, 7, 15, 9, 0, "Asia/Tokyo").ShouldBe(RosterWorld.Utc("2026-07-15T00:00:00Z"));
    }

    [Theory]
    // US spring forward, 2026-03-08: 02:00 EST → 03:00 EDT; 02:00–02:59 do not exist.
    [InlineData("America/New_York", 2026, 3, 8, 2, 0, "2026-03-08T07:00:00Z")]
    [InlineData("America/New_York", 2026, 3, 8, 2, 30, "2026-03-08T07:00:00Z")]
    [InlineData("America/New_York", 2026, 3, 8, 3, 0, "2026-03-08T07:00:00Z")]
    [InlineData("America/New_York", 2026, 3, 8, 1, 59, "2026-03-08T06:59:00Z")]
    // EU spring forward, 2026-03-29: 02:00 CET → 03:00 CEST.
    [InlineData("Europe/Paris", 2026, 3, 29, 2, 30, "2026-03-29T01:00:00Z")]
    [InlineData("Europe/Berlin", 2026, 3, 29, 2, 0, "2026-03-29T01:00:00Z")]
    [InlineData("Europe/Paris", 2026, 3, 29, 1, 30, "2026-03-29T00:30:00Z")]
    public void A_local_time_in_the_gap_is_the_first_instant_after_it(string zone, int y, int mo, int d, int h, int mi, string utc) =>
        Instant(y, mo, d, h, mi, zone).ShouldBe(RosterWorld.Utc(utc));

    [Theory]
    // EU fall back, 2026-10-25: 03:00 CEST → 02:00 CET; 02:00–02:59 happen twice.
    [InlineData("Europe/Paris", 2026, 10, 25, 2, 30, "2026-10-25T00:30:00Z")]
    [InlineData("Europe/Paris", 2026, 10, 25, 2, 0, "2026-10-25T00:00:00Z")]
    [InlineData("Europe/Paris", 2026, 10, 25, 3, 0, "2026-10-25T02:00:00Z")]
    // US fall back, 2026-11-01: 02:00 EDT → 01:00 EST; 01:00–01:59 happen twice.
    [InlineData("America/New_York", 2026, 11, 1, 1, 30, "2026-11-01T05:30:00Z")]
    [InlineData("America/New_York", 2026, 11, 1, 2, 0, "2026-11-01T07:00:00Z")]
    public void A_repeated_local_time_is_its_earlier_occurrence(string zone, int y, int mo, int d, int h, int mi, string utc) =>
        Instant(y, mo, d, h, mi, zone).ShouldBe(RosterWorld.Utc(utc));

    [Theory]
    [InlineData("Europe/Paris", 2026, 3, 28, 8)] // night of the spring change: an hour shorter
    [InlineData("Europe/Paris", 2026, 10, 24, 10)] // night of the fall change: an hour longer
    [InlineData("America/New_York", 2026, 3, 7, 8)]
    [InlineData("America/New_York", 2026, 10, 31, 10)]
    [InlineData("Asia/Tokyo", 2026, 3, 28, 9)] // no DST in Japan
    [InlineData("Europe/Paris", 2026, 6, 13, 9)]
    public void A_night_shift_lasts_as_long_as_the_clock_says(string zone, int y, int mo, int d, int hours)
    {
        var (start, end) = DutyTime.Occurrence(new DateOnly(y, mo, d), new TimeOnly(22, 0), new TimeOnly(7, 0), DutyTime.Zone(zone));
        (end - start).ShouldBe(TimeSpan.FromHours(hours));
    }

    [Theory]
    [InlineData("Europe/Paris", 2026, 3, 28)]
    [InlineData("Europe/Paris", 2026, 10, 24)]
    [InlineData("America/New_York", 2026, 3, 7)]
    [InlineData("America/New_York", 2026, 10, 31)]
    public void A_shift_ending_at_a_changed_local_time_meets_the_next_one_without_hole_or_overlap(string zone, int y, int mo, int d)
    {
        var tz = DutyTime.Zone(zone);
        // 22:00–02:30 then 02:30–10:00: 02:30 is in the gap or the repeated hour on these nights in one of the zones.
        foreach (var handOver in new[] { new TimeOnly(2, 30), new TimeOnly(1, 30), new TimeOnly(2, 0) })
        {
            var (_, firstEnd) = DutyTime.Occurrence(new DateOnly(y, mo, d), new TimeOnly(22, 0), handOver, tz);
            var (secondStart, _) = DutyTime.Occurrence(new DateOnly(y, mo, d).AddDays(1), handOver, new TimeOnly(10, 0), tz);
            firstEnd.ShouldBe(secondStart, $"{zone} {handOver}");
        }
    }

    [Fact]
    public void Unknown_zones_are_field_errors() =>
        Should.Throw<ValidationException>(() => DutyTime.Zone("Mars/Olympus")).Field.ShouldBe("timeZone");
}
