using System.Text.Json.Serialization;

namespace DnsCert.Monitoring.Evaluation;

/// <summary>The displayed state of a watched zone.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ZoneState>))]
public enum ZoneState
{
    /// <summary>Not enough cycles yet to say anything.</summary>
    Unknown,

    /// <summary>The zone passed <see cref="EvaluationSettings.TurnCycles"/> consecutive conclusive cycles.</summary>
    Up,

    /// <summary>The zone failed <see cref="EvaluationSettings.TurnCycles"/> consecutive conclusive cycles.</summary>
    Down,

    /// <summary>The last <see cref="EvaluationSettings.TurnCycles"/> cycles had too few vantage points; never "down".</summary>
    Inconclusive,
}

/// <summary>A transition of the zone state, for the state-change history.</summary>
public sealed record ZoneStateChange(string Zone, ZoneState From, ZoneState To, DateTimeOffset At, string Reason);

/// <summary>The persisted counters of the machine (so a server restart resumes mid-streak).</summary>
public sealed record ZoneStateSnapshot(
    string Zone, ZoneState State, DateTimeOffset? Since, int PassStreak, int FailStreak, int InconclusiveStreak, DateTimeOffset? LastCycle);

/// <summary>
/// The zone state of dns-health.md part b §6 (ICANN RSM): it turns to down after N consecutive failed cycles and back
/// to up after N passes. An inconclusive cycle says nothing about the zone, so it neither counts towards nor breaks a
/// pass or fail streak; N inconclusive cycles in a row make the state inconclusive (we can no longer vouch for
/// either). A cycle older than or equal to the last one applied is ignored: cycles are fed in time order, and a late
/// result re-evaluates history, not the live state.
/// </summary>
public sealed class ZoneStateMachine
{
    private readonly EvaluationSettings _settings;

    public ZoneStateMachine(string zone, EvaluationSettings settings, ZoneStateSnapshot? resume = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(zone);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        Snapshot = resume ?? new ZoneStateSnapshot(zone, ZoneState.Unknown, null, 0, 0, 0, null);
        if (!string.Equals(Snapshot.Zone, zone, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The snapshot belongs to another zone.", nameof(resume));
        }
    }

    /// <summary>The current state and counters.</summary>
    public ZoneStateSnapshot Snapshot { get; private set; }

    /// <summary>The current state.</summary>
    public ZoneState State => Snapshot.State;

    /// <summary>Applies one cycle's zone verdict; returns the transition it caused, if any.</summary>
    public ZoneStateChange? Apply(DateTimeOffset cycle, Availability verdict)
    {
        var s = Snapshot;
        if (s.LastCycle is { } last && cycle <= last)
        {
            return null;
        }

        var (pass, fail, inconclusive) = verdict switch
        {
            Availability.Up => (s.PassStreak + 1, 0, 0),
            Availability.Down => (0, s.FailStreak + 1, 0),
            _ => (s.PassStreak, s.FailStreak, s.InconclusiveStreak + 1),
        };
        var target = s.State;
        string? reason = null;
        var n = _settings.TurnCycles;
        if (verdict == Availability.Up && pass >= n && s.State != ZoneState.Up)
        {
            target = ZoneState.Up;
            reason = $"{pass} consecutive passed cycles";
        }
        else if (verdict == Availability.Down && fail >= n && s.State != ZoneState.Down)
        {
            target = ZoneState.Down;
            reason = $"{fail} consecutive failed cycles";
        }
        else if (verdict == Availability.Inconclusive && inconclusive >= n && s.State != ZoneState.Inconclusive)
        {
            target = ZoneState.Inconclusive;
            reason = $"{inconclusive} consecutive cycles with too few vantage points";
        }

        Snapshot = new ZoneStateSnapshot(s.Zone, target, target != s.State ? cycle : s.Since, pass, fail, inconclusive, cycle);
        return target != s.State ? new ZoneStateChange(s.Zone, s.State, target, cycle, reason!) : null;
    }
}
