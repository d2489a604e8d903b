using System.Security.Cryptography;
using System.Text;
using DnsCert.Monitoring.Evaluation;

namespace DnsCert.Monitoring.Agents;

/// <summary>
/// When a vantage point probes a zone. Time is cut into intervals aligned on the Unix epoch (the evaluation's cycles,
/// <see cref="AvailabilityEvaluator.CycleOf"/>); in each interval every vantage point probes each zone once, at a fixed
/// offset derived from a hash of (vantage point, zone). The offset spreads the load over the interval (jitter) while
/// staying deterministic: a restarted agent probes at the same moments, the server can say what is due, and tests can
/// predict it. The offset stays in the first 3/4 of the interval so the answer (4 s timeout at most) normally arrives
/// in the same interval it measures.
/// </summary>
public static class ProbeSchedule
{
    /// <summary>Share of the interval used for offsets, in percent.</summary>
    public const int SpreadPercent = 75;

    /// <summary>
    /// The probe interval of a zone: its configured interval (seconds, at the default 60-s cycle) scaled to the
    /// runtime's cycle length, never below one cycle. With the default cycle this is the configured interval.
    /// </summary>
    public static TimeSpan Interval(int zoneIntervalSeconds, int cycleSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cycleSeconds, 1);
        var cycles = Math.Max(1, (int)Math.Round(zoneIntervalSeconds / 60.0, MidpointRounding.AwayFromZero));
        return TimeSpan.FromSeconds((double)cycles * cycleSeconds);
    }

    /// <summary>The fixed offset of (vantage point, zone) inside each interval.</summary>
    public static TimeSpan Offset(string vantagePoint, string zone, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(vantagePoint);
        ArgumentNullException.ThrowIfNull(zone);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(vantagePoint + "\n" + zone.ToLowerInvariant()), hash);
        var value = BitConverter.ToUInt64(hash[..8]);
        var spread = interval.Ticks * SpreadPercent / 100;
        return spread <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)(value % (ulong)spread));
    }

    /// <summary>The probe time in the interval holding <paramref name="now"/>.</summary>
    public static DateTimeOffset SlotIn(DateTimeOffset now, string vantagePoint, string zone, TimeSpan interval) =>
        AvailabilityEvaluator.CycleOf(now, interval) + Offset(vantagePoint, zone, interval);

    /// <summary>The first probe time at or after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextDue(DateTimeOffset now, string vantagePoint, string zone, TimeSpan interval)
    {
        var slot = SlotIn(now, vantagePoint, zone, interval);
        return slot >= now ? slot : slot + interval;
    }
}
