namespace DnsCert.Infrastructure.Monitoring;

/// <summary>Storage of probe results (configuration section "Monitoring:Storage").</summary>
public sealed class MonitoringStorageOptions
{
    public const string SectionName = "Monitoring:Storage";

    /// <summary>Days of raw probe results kept; older day partitions are dropped. Daily SLA aggregates are kept.</summary>
    public int RetentionDays { get; set; } = 35;

    /// <summary>Day partitions created ahead of today, so ingestion never waits on DDL at midnight.</summary>
    public int PartitionsAhead { get; set; } = 3;

    /// <summary>Measurement times further ahead of the server clock than this are refused (agent clock broken).</summary>
    public int MaxClockSkewSeconds { get; set; } = 300;
}
