namespace DnsCert.Core.Duty;

/// <summary>The two seats of a region's watch: the duty officer answers, the backup stands in when pages go unanswered.</summary>
public enum DutyRole
{
    Officer,
    Backup,
}

/// <summary>Why somebody holds a seat at an instant (shown on pages and in the API so nobody has to guess).</summary>
public enum DutySource
{
    /// <summary>The recurring shift (or its rotation) puts them there.</summary>
    Shift,

    /// <summary>An effective swap moved this shift occurrence to them.</summary>
    Swap,

    /// <summary>A one-off override set by the head of operations.</summary>
    Override,

    /// <summary>The scheduled people are absent: the backup stepped up or the next member of the rotation is called.</summary>
    Fallback,
}

/// <summary>
/// A follow-the-sun region (APAC, EMEA, AMER, … — configurable). <see cref="CoverFromUtc"/> to <see cref="CoverUntilUtc"/>
/// is the part of every UTC day the region holds the global watch (until ≤ from wraps past midnight; equal means all
/// day). <see cref="Position"/> orders the hand-over: when the covering region has nobody, the next one answers.
/// </summary>
public sealed record DutyRegion(
    string Code, string Name, string TimeZone, TimeOnly CoverFromUtc, TimeOnly CoverUntilUtc, int Position, bool SwapsNeedApproval)
{
    public bool Covers(DateTimeOffset at)
    {
        var time = TimeOnly.FromTimeSpan(at.UtcDateTime.TimeOfDay);
        if (CoverFromUtc == CoverUntilUtc)
        {
            return true;
        }

        return CoverFromUtc < CoverUntilUtc
            ? time >= CoverFromUtc && time < CoverUntilUtc
            : time >= CoverFromUtc || time < CoverUntilUtc;
    }
}

/// <summary>A person as the roster knows them: a user of the console with their own time zone preference.</summary>
public sealed record DutyPerson(Guid Id, string UserName, string DisplayName, string? Email, string TimeZone, string Language, string? Phone);

/// <summary>
/// A recurring shift written as people think of it: "09:00–17:00 Europe/Paris, Monday to Friday". An end at or before
/// the start ends on the next local day (a night shift); equal start and end is a 24-hour shift. With several
/// <see cref="Members"/> the seat rotates every <see cref="RotationWeeks"/> weeks, counted from the Monday of the week of
/// <see cref="ValidFrom"/> (weekly rotations as PagerDuty and Opsgenie have them).
/// </summary>
public sealed record DutyShift(
    Guid Id, string Region, DutyRole Role, string Name, string TimeZone, IReadOnlySet<DayOfWeek> Days,
    TimeOnly Start, TimeOnly End, DateOnly ValidFrom, DateOnly? ValidUntil, IReadOnlyList<Guid> Members, int RotationWeeks);

/// <summary>A one-off seat assignment that beats the shifts of the same role and region for its time range.</summary>
public sealed record DutyOverride(
    Guid Id, string Region, DutyRole Role, Guid PersonId, DateTimeOffset From, DateTimeOffset Until, string Reason, DateTimeOffset CreatedAt);

/// <summary>A person is unavailable (leave, illness, travel). Absences block: their seats fall to others.</summary>
public sealed record DutyAbsence(Guid Id, Guid PersonId, DateTimeOffset From, DateTimeOffset Until, string Reason, DateTimeOffset CreatedAt);

/// <summary>The life of a swap: requested → accepted by the counterpart → (approved when the region asks for it) effective.</summary>
public enum SwapStatus
{
    Requested,
    Accepted,
    Effective,
    Declined,
    Cancelled,
}

/// <summary>
/// A swap: the requester's occurrence of <see cref="ShiftId"/> starting at <see cref="OccurrenceStart"/> goes to the
/// counterpart; when <see cref="ReturnShiftId"/> is set the counterpart's occurrence comes back to the requester (a true
/// swap), otherwise it is a give-away.
/// </summary>
public sealed record DutySwap(
    Guid Id, Guid ShiftId, DateTimeOffset OccurrenceStart, Guid RequesterId, Guid CounterpartId,
    Guid? ReturnShiftId, DateTimeOffset? ReturnOccurrenceStart, SwapStatus Status, bool NeedsApproval, string Note,
    DateTimeOffset RequestedAt, DateTimeOffset? AcceptedAt, Guid? ApprovedBy, DateTimeOffset? DecidedAt);

/// <summary>One expanded occurrence of a shift or override, in UTC instants, with the local view it came from.</summary>
public sealed record DutySlot(
    Guid SourceId, string Region, DutyRole Role, string ShiftName, Guid PersonId, Guid ScheduledPersonId,
    DateTimeOffset Start, DateTimeOffset End, DateOnly LocalDate, string TimeZone, DutySource Source,
    IReadOnlyList<Guid> RotationSuccessors)
{
    public bool Contains(DateTimeOffset at) => Start <= at && at < End;
}

/// <summary>One seat holder at an instant.</summary>
public sealed record OnDutyPerson(DutyPerson Person, DutyRole Seat, DutySource Source, DateTimeOffset? Until, string? ShiftName, string? Note);

/// <summary>The answer to "who is on duty": the region holding the watch, its duty officer and backup.</summary>
public sealed record OnDutyStatus(DateTimeOffset At, string? Region, OnDutyPerson? Officer, OnDutyPerson? Backup, bool Global)
{
    public bool Covered => Officer is not null;
}

/// <summary>Everything the roster needs for a time range, read in one go.</summary>
public sealed record DutySnapshot(
    IReadOnlyList<DutyRegion> Regions,
    IReadOnlyList<DutyShift> Shifts,
    IReadOnlyList<DutyOverride> Overrides,
    IReadOnlyList<DutyAbsence> Absences,
    IReadOnlyList<DutySwap> Swaps,
    IReadOnlyList<DutyPerson> People);

/// <summary>Names used in storage, the API and the CLI.</summary>
public static class DutyCodes
{
    public static string Name(this DutyRole role) => role == DutyRole.Officer ? "officer" : "backup";

    public static string Name(this DutySource source) => source switch
    {
        DutySource.Shift => "shift",
        DutySource.Swap => "swap",
        DutySource.Override => "override",
        _ => "fallback",
    };

    public static string Name(this SwapStatus status) => status switch
    {
        SwapStatus.Requested => "requested",
        SwapStatus.Accepted => "accepted",
        SwapStatus.Effective => "effective",
        SwapStatus.Declined => "declined",
        _ => "cancelled",
    };

    public static DutyRole ParseRole(string? text, string field = "role") => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "officer" or "duty-officer" or "primary" => DutyRole.Officer,
        "backup" or "secondary" => DutyRole.Backup,
        _ => throw new ValidationException(field, $"'{text}' is not a duty role (officer, backup)"),
    };

    public static SwapStatus ParseSwapStatus(string text) => text switch
    {
        "requested" => SwapStatus.Requested,
        "accepted" => SwapStatus.Accepted,
        "effective" => SwapStatus.Effective,
        "declined" => SwapStatus.Declined,
        "cancelled" => SwapStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "not a swap status"),
    };

    /// <summary>Region codes: 2–16 upper-case letters, digits or '-' (APAC, EMEA, AMER, LATAM-S).</summary>
    public static string Region(string? text, string field = "region")
    {
        var code = (text ?? "").Trim().ToUpperInvariant();
        if (code.Length is < 2 or > 16 || !code.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-'))
        {
            throw new ValidationException(field, "a region code is 2 to 16 letters, digits or '-' (e.g. EMEA)");
        }

        return code;
    }
}
