namespace DnsCert.Monitoring.Evaluation;

/// <summary>
/// Thresholds of the availability and RTT metrics (dns-health.md part b, after ICANN RA Specification 10 and RSSAC047).
/// Defaults are the SLA values; the vantage-point quorum is lower than Specification 10's 20 because a national CERT
/// runs a handful of agents, and is configurable.
/// </summary>
public sealed record EvaluationSettings
{
    /// <summary>Fewer reporting vantage points than this make a minute "inconclusive" (S10 §5 uses 20).</summary>
    public int MinimumVantagePoints { get; init; } = 2;

    /// <summary>An address is down when at least this percentage of the reporting vantage points saw it down (S10: 51%).</summary>
    public int DownPercent { get; init; } = 51;

    /// <summary>The zone is up when at least this many name servers are up on all their addresses (S10, RSM MINNS = 2).</summary>
    public int MinimumServersUp { get; init; } = 2;

    /// <summary>UDP RTT service level (S10: 500 ms for 95% of queries).</summary>
    public double UdpRttLimitMilliseconds { get; init; } = 500;

    /// <summary>TCP RTT service level, connection setup included (S10: 1,500 ms for 95% of queries).</summary>
    public double TcpRttLimitMilliseconds { get; init; } = 1500;

    /// <summary>An answer slower than this multiple of the RTT limit counts as unanswered (S10: 5×).</summary>
    public int UnansweredMultiple { get; init; } = 5;

    /// <summary>Share of queries that must be within the RTT limit (S10: 95%).</summary>
    public int RttTargetPercent { get; init; } = 95;

    /// <summary>Consecutive failed (or passed) cycles that turn the zone state (ICANN RSM: 3).</summary>
    public int TurnCycles { get; init; } = 3;

    /// <summary>
    /// Length of one evaluation bucket: results are grouped by the cycle of their measurement time (Specification 10:
    /// one minute). The monitoring runtime sets a zone's probe interval here; tests compress it to seconds.
    /// </summary>
    public TimeSpan Cycle { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The RTT limit of a transport ("udp" or "tcp", case-insensitive).</summary>
    public double RttLimit(string transport) =>
        string.Equals(transport, "tcp", StringComparison.OrdinalIgnoreCase) ? TcpRttLimitMilliseconds : UdpRttLimitMilliseconds;

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> on nonsense.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumVantagePoints, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(DownPercent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DownPercent, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumServersUp, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(UdpRttLimitMilliseconds, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TcpRttLimitMilliseconds, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(UnansweredMultiple, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RttTargetPercent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RttTargetPercent, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(TurnCycles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Cycle, TimeSpan.FromSeconds(1));
    }
}
