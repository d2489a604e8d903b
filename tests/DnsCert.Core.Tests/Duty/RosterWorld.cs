using DnsCert.Core.Duty;

namespace DnsCert.Core.Tests.Duty;

/// <summary>
/// A follow-the-sun team with people at UTC+9 (Tokyo, no DST), UTC+1 (Paris, EU DST) and UTC−5 (New York, US DST).
/// Each region's officer works 08:00–17:00 (Tokyo, Paris) or 10:00–19:00 (New York) local time every day, so the
/// global watch is covered in winter and in summer: APAC 23–08 UTC, EMEA 07–16 (06–15 in summer), AMER 15–00 (14–23).
/// </summary>
internal sealed class RosterWorld
{
    public static readonly DateOnly Start = new(2026, 1, 5);

    public DutyPerson Aiko { get; } = Person("aiko", "Asia/Tokyo");
    public DutyPerson Pierre { get; } = Person("pierre", "Europe/Paris");
    public DutyPerson Nora { get; } = Person("nora", "America/New_York");
    public DutyPerson Ben { get; } = Person("ben", "Europe/Berlin");
    public DutyPerson Carla { get; } = Person("carla", "America/New_York");
    public DutyPerson Hiro { get; } = Person("hiro", "Asia/Tokyo");

    public List<DutyRegion> Regions { get; } =
    [
        new("APAC", "Asia-Pacific", "Asia/Tokyo", new TimeOnly(23, 0), new TimeOnly(7, 0), 0, false),
        new("EMEA", "Europe, Middle East, Africa", "Europe/Paris", new TimeOnly(7, 0), new TimeOnly(15, 0), 1, true),
        new("AMER", "Americas", "America/New_York", new TimeOnly(15, 0), new TimeOnly(23, 0), 2, false),
    ];

    public List<DutyShift> Shifts { get; } = [];
    public List<DutyOverride> Overrides { get; } = [];
    public List<DutyAbsence> Absences { get; } = [];
    public List<DutySwap> Swaps { get; } = [];

    public RosterWorld()
    {
        Shifts.Add(Daily("APAC", DutyRole.Officer, "Asia/Tokyo", 8, 17, Aiko));
        Shifts.Add(Daily("EMEA", DutyRole.Officer, "Europe/Paris", 8, 17, Pierre));
        Shifts.Add(Daily("AMER", DutyRole.Officer, "America/New_York", 10, 19, Nora));
        Shifts.Add(Daily("EMEA", DutyRole.Backup, "Europe/Berlin", 8, 17, Ben));
        Shifts.Add(Daily("AMER", DutyRole.Backup, "America/New_York", 10, 19, Carla));
    }

    public DutySnapshot Snapshot => new(Regions, Shifts, Overrides, Absences, Swaps, [Aiko, Pierre, Nora, Ben, Carla, Hiro]);

    public OnDutyStatus At(string utc, string? region = null) => RosterCalculator.OnDuty(Snapshot, Utc(utc), region);

    public static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    public static DutyShift Daily(string region, DutyRole role, string zone, int from, int to, params DutyPerson[] members) =>
        new(Guid.NewGuid(), region, role, $"{region} {role.Name()} {from:00}-{to:00}", zone, Enum.GetValues<DayOfWeek>().ToHashSet(),
            new TimeOnly(from, 0), new TimeOnly(to, 0), Start, null, [.. members.Select(m => m.Id)], 1);

    public static DutyPerson Person(string name, string zone) =>
        new(Guid.NewGuid(), name, char.ToUpperInvariant(name[0]) + name[1..], $"{name}@cert.test", zone, "en", null);
}
