using NodaTime;
using NodaTime.TimeZones;

namespace DnsCert.Core.Duty;

/// <summary>
/// Local wall-clock times to UTC instants, with one documented rule for daylight-saving changes (docs/duty.md):
/// <list type="bullet">
/// <item>A local time in a <b>gap</b> (spring forward: 02:30 does not exist in Paris on 2026-03-29) maps to the first
/// valid instant after the gap (03:00 CEST) — the shift starts, or ends, when the clock jumps.</item>
/// <item>A local time in an <b>overlap</b> (fall back: 02:30 happens twice in Paris on 2026-10-25) maps to its first,
/// earlier occurrence.</item>
/// </list>
/// Starts and ends follow the same rule, so a shift that ends at the local time the next one starts always meets it:
/// no hole and no double cover on change nights. The night's shift is an hour shorter or longer, as the clock says.
/// </summary>
public static class DutyTime
{
    private static readonly ZoneLocalMappingResolver s_rule =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    /// <summary>The IANA zone, or a field error naming what was given.</summary>
    public static DateTimeZone Zone(string? id, string field = "timeZone")
    {
        var zone = string.IsNullOrWhiteSpace(id) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(id.Trim());
        return zone ?? throw new ValidationException(field, $"'{id}' is not an IANA time zone such as Europe/Paris");
    }

    /// <summary>True when <paramref name="id"/> names an IANA zone.</summary>
    public static bool IsZone(string? id) => !string.IsNullOrWhiteSpace(id) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id.Trim()) is not null;

    /// <summary>The instant a local date and time denotes in <paramref name="zone"/>, by the rule above.</summary>
    public static DateTimeOffset ToInstant(DateOnly date, TimeOnly time, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = new LocalDateTime(date.Year, date.Month, date.Day, time.Hour, time.Minute, time.Second);
        return zone.ResolveLocal(local, s_rule).ToInstant().ToDateTimeOffset();
    }

    /// <summary>The instants a shift occurrence on local <paramref name="date"/> covers (end exclusive).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Occurrence(DateOnly date, TimeOnly start, TimeOnly end, DateTimeZone zone)
    {
        var endDate = end <= start ? date.AddDays(1) : date;
        return (ToInstant(date, start, zone), ToInstant(endDate, end, zone));
    }

    /// <summary>The local date and time of an instant in a zone.</summary>
    public static DateTime Local(DateTimeOffset at, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return Instant.FromDateTimeOffset(at).InZone(zone).LocalDateTime.ToDateTimeUnspecified();
    }

    /// <summary>The UTC offset in force at an instant (for "09:00 CEST (UTC+02:00)" labels).</summary>
    public static TimeSpan Offset(DateTimeOffset at, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.GetUtcOffset(Instant.FromDateTimeOffset(at)).ToTimeSpan();
    }

    /// <summary>The instant as the zone shows it, with its offset (what a person sees on the calendar).</summary>
    public static DateTimeOffset InZone(DateTimeOffset at, string zoneId) =>
        at.ToOffset(Offset(at, Zone(zoneId)));
}
