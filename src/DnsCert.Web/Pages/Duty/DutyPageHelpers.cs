using System.Globalization;
using DnsCert.Core.Duty;

namespace DnsCert.Web.Pages.Duty;

/// <summary>One shift occurrence as the calendar shows it: in the viewer's time zone and in the shift's own.</summary>
public sealed record CalendarSlot(DutySlot Slot, DutyPerson Person, DateTimeOffset ViewerStart, DateTimeOffset ViewerEnd, DateTimeOffset LocalStart, DateTimeOffset LocalEnd)
{
    public static CalendarSlot Of(DutySlot slot, DutyPerson person, string viewerZone) => new(slot, person,
        DutyTime.InZone(slot.Start, viewerZone), DutyTime.InZone(slot.End, viewerZone),
        DutyTime.InZone(slot.Start, slot.TimeZone), DutyTime.InZone(slot.End, slot.TimeZone));
}

/// <summary>The "on duty now" panel: every region and the global watch, shown in the viewer's time zone.</summary>
public sealed record OnDutyPanel(IReadOnlyList<OnDutyStatus> Statuses, string ViewerZone);

/// <summary>Formatting shared by the duty pages (invariant digits: times must read the same in every language).</summary>
public static class DutyFormat
{
    public static string Time(DateTimeOffset at) => at.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"UTC+02:00": the offset in force, so a reader sees when a DST change moved a shift.</summary>
    public static string Offset(DateTimeOffset at) =>
        "UTC" + (at.Offset < TimeSpan.Zero ? "−" : "+") + at.Offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    public static string Range(DateTimeOffset start, DateTimeOffset end) =>
        start.Date == end.Date || end.TimeOfDay == TimeSpan.Zero && end.Date == start.Date.AddDays(1)
            ? $"{Time(start)}–{Time(end)}"
            : $"{Time(start)}–{end.ToString("ddd HH:mm", CultureInfo.InvariantCulture)}";

    /// <summary>A <c>datetime-local</c> input read in the person's zone, by the roster's DST rule.</summary>
    public static DateTimeOffset? ParseLocal(string? text, string zone, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!System.DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local))
        {
            throw new Core.ValidationException(field, "a date and time such as 2026-03-29T09:00");
        }

        return DutyTime.ToInstant(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local), DutyTime.Zone(zone));
    }

    public static string LocalInput(DateTimeOffset at, string zone) =>
        DutyTime.InZone(at, zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
}
