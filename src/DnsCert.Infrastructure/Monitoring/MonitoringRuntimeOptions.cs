namespace DnsCert.Infrastructure.Monitoring;

/// <summary>The continuous monitoring runtime (configuration section "Monitoring:Runtime"); docs/monitoring.md.</summary>
public sealed class MonitoringRuntimeOptions
{
    public const string SectionName = "Monitoring:Runtime";

    /// <summary>Run the scheduler, evaluation and check loops in this server instance.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Length of one cycle in seconds (Specification 10: 60). A zone's interval (watched_zones.interval_seconds, in
    /// seconds at the 60-s cycle) is scaled to it, so tests and demonstrations run the whole runtime compressed.
    /// </summary>
    public int CycleSeconds { get; set; } = 60;

    /// <summary>A cycle is evaluated this many seconds after it ended, so agents' results have arrived.</summary>
    public int EvaluationDelaySeconds { get; set; } = 15;

    /// <summary>Cycles evaluated at most when catching up (after a restart); older ones are left to the SLA aggregates.</summary>
    public int MaxCatchUpCycles { get; set; } = 10;

    /// <summary>Fewer reporting vantage points than this make a cycle inconclusive (Specification 10: 20).</summary>
    public int MinimumVantagePoints { get; set; } = 2;

    /// <summary>Run the server's own agent (the same code as <c>dnscert agent</c>, in process).</summary>
    public bool LocalAgent { get; set; } = true;

    /// <summary>Vantage point name of the local agent.</summary>
    public string LocalAgentName { get; set; } = "server";

    /// <summary>Source address of the local agent's probes (null: the system chooses).</summary>
    public string? LocalAgentSource { get; set; }

    /// <summary>Folder of the local agent's spool.</summary>
    public string SpoolDirectory { get; set; } = ".data/agent-spool";

    /// <summary>Root hints of the check catalogue (default: Debian's real root hints); a lab's for a private tree.</summary>
    public string? HintsFile { get; set; }

    /// <summary>Root trust anchor of the check catalogue (default: Debian's IANA root.ds).</summary>
    public string? AnchorFile { get; set; }

    /// <summary>The hints are not the real root's (a lab): private and loopback name-server addresses are expected.</summary>
    public bool PrivateTree { get; set; }

    /// <summary>Zones checked at once by the check loop.</summary>
    public int CheckParallelism { get; set; } = 8;

    /// <summary>A finding clears after this many consecutive check runs without it (≤ 3: cleared within 3 cycles).</summary>
    public int ClearAfterRuns { get; set; } = 2;

    /// <summary>How often today's (and, early in the day, yesterday's) SLA aggregates are recomputed.</summary>
    public int SlaEverySeconds { get; set; } = 300;

    /// <summary>How often partitions are created ahead and expired ones dropped.</summary>
    public int MaintenanceEverySeconds { get; set; } = 3600;

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> on nonsense.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(CycleSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(EvaluationDelaySeconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCatchUpCycles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumVantagePoints, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckParallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ClearAfterRuns, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ClearAfterRuns, 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(SlaEverySeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaintenanceEverySeconds, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(LocalAgentName);
    }
}
