namespace DnsCert.Core.Incidents;

/// <summary>The three clocks of an incident (docs/incidents.md §Clocks).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<SlaClock>))]
public enum SlaClock
{
    /// <summary>From opening until a handler acknowledges (takes the incident or moves it to open).</summary>
    Acknowledge,

    /// <summary>From opening until the first message leaves for an outside party (coordination request or update).</summary>
    FirstResponse,

    /// <summary>From opening until the incident is closed (or its resolution proposed and then confirmed).</summary>
    Resolution,
}

/// <summary>Where a clock stands. Escalation goes to the duty officer when late, to the head of operations when overdue.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<ClockStatus>))]
public enum ClockStatus
{
    Running,
    Warning,
    Late,
    Overdue,
    Met,
    Missed,
}

/// <summary>The targets for one severity.</summary>
public sealed record SlaTargets(TimeSpan Acknowledge, TimeSpan FirstResponse, TimeSpan Resolution)
{
    public TimeSpan For(SlaClock clock) => clock switch
    {
        SlaClock.Acknowledge => Acknowledge,
        SlaClock.FirstResponse => FirstResponse,
        _ => Resolution,
    };
}

/// <summary>One clock's reading at a time.</summary>
public sealed record ClockReading(SlaClock Clock, DateTimeOffset Started, TimeSpan Target, DateTimeOffset? Stopped, ClockStatus Status, TimeSpan Elapsed)
{
    public DateTimeOffset Due => Started + Target;
}

/// <summary>
/// SLA targets per severity and the two thresholds every clock shares: <see cref="WarnFraction"/> of the target (the
/// assignee is warned) and the target itself (late: escalated to the duty officer), then <see cref="OverdueFactor"/>
/// times the target (overdue: escalated to the head of operations).
/// </summary>
public static class SlaPolicy
{
    public const double WarnFraction = 0.75;
    public const double OverdueFactor = 2.0;

    public static SlaTargets Targets(Severity severity) => severity switch
    {
        Severity.Critical => new(TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(24)),
        Severity.High => new(TimeSpan.FromMinutes(30), TimeSpan.FromHours(4), TimeSpan.FromDays(3)),
        Severity.Medium => new(TimeSpan.FromHours(4), TimeSpan.FromDays(1), TimeSpan.FromDays(7)),
        _ => new(TimeSpan.FromDays(1), TimeSpan.FromDays(3), TimeSpan.FromDays(30)),
    };

    /// <summary>Reads one clock: stopped clocks are met or missed; running ones are running, warning, late or overdue.</summary>
    public static ClockReading Read(SlaClock clock, Severity severity, DateTimeOffset started, DateTimeOffset? stopped, DateTimeOffset now)
    {
        var target = Targets(severity).For(clock);
        var elapsed = (stopped ?? now) - started;
        if (elapsed < TimeSpan.Zero)
        {
            elapsed = TimeSpan.Zero;
        }

        ClockStatus status;
        if (stopped is not null)
        {
            status = elapsed <= target ? ClockStatus.Met : ClockStatus.Missed;
        }
        else if (elapsed >= target * OverdueFactor)
        {
            status = ClockStatus.Overdue;
        }
        else if (elapsed >= target)
        {
            status = ClockStatus.Late;
        }
        else if (elapsed >= target * WarnFraction)
        {
            status = ClockStatus.Warning;
        }
        else
        {
            status = ClockStatus.Running;
        }

        return new ClockReading(clock, started, target, stopped, status, elapsed);
    }

    /// <summary>All three clocks of an incident.</summary>
    public static IReadOnlyList<ClockReading> ReadAll(Severity severity, DateTimeOffset opened, DateTimeOffset? acknowledged,
        DateTimeOffset? firstResponse, DateTimeOffset? resolved, DateTimeOffset now) =>
    [
        Read(SlaClock.Acknowledge, severity, opened, acknowledged, now),
        Read(SlaClock.FirstResponse, severity, opened, firstResponse, now),
        Read(SlaClock.Resolution, severity, opened, resolved, now),
    ];

    /// <summary>True when a running clock is late or overdue: the queue's "late" tab.</summary>
    public static bool IsLate(IEnumerable<ClockReading> clocks) =>
        clocks.Any(c => c.Status is ClockStatus.Late or ClockStatus.Overdue);
}
