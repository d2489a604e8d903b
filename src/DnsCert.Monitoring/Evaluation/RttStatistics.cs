using DnsCert.Monitoring.Model;

namespace DnsCert.Monitoring.Evaluation;

/// <summary>
/// RTT of one transport over a set of probes (dns-health.md part b §3). <see cref="Queries"/> counts every probe;
/// an unanswered or failed probe counts as above the limit (S10: "unanswered counts as above the SLR"). The median and
/// 95th percentile are over answered probes only (nearest-rank), null when none answered.
/// </summary>
public sealed record RttStatistics(
    string Transport, int Queries, int Answered, int WithinLimit, double LimitMilliseconds, double? MedianMilliseconds,
    double? Percentile95Milliseconds, bool MeetsServiceLevel)
{
    /// <summary>Computes the statistics of the probes over <paramref name="transport"/> ("udp" or "tcp").</summary>
    public static RttStatistics Compute(IEnumerable<ProbeMeasurement> measurements, string transport, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var limit = settings.RttLimit(transport);
        var selected = measurements.Where(m => string.Equals(m.Transport, transport, StringComparison.OrdinalIgnoreCase)).ToList();
        var answered = selected.Where(m => AvailabilityEvaluator.IsValid(m, settings)).Select(m => m.RttMilliseconds).Order().ToList();
        var within = answered.Count(rtt => rtt <= limit);
        // No queries means nothing was missed: the service level is not violated by an empty period.
        var meets = selected.Count == 0 || within * 100 >= settings.RttTargetPercent * selected.Count;
        return new RttStatistics(
            transport.ToLowerInvariant(), selected.Count, answered.Count, within, limit,
            Percentile(answered, 50), Percentile(answered, 95), meets);
    }

    /// <summary>Nearest-rank percentile of an ascending list: the value at rank ⌈p/100 × n⌉; null for an empty list.</summary>
    public static double? Percentile(IReadOnlyList<double> ascending, int percent)
    {
        ArgumentNullException.ThrowIfNull(ascending);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (ascending.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percent * ascending.Count / 100.0);
        return ascending[Math.Max(rank, 1) - 1];
    }
}
