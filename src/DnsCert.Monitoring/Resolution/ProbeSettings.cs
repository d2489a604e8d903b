namespace DnsCert.Monitoring.Resolution;

/// <summary>How probing behaves. Defaults follow RSSAC047 (4 s timeout, no retry) and stay polite to each server.</summary>
public sealed class ProbeSettings
{
    /// <summary>Time to wait for each query; RSSAC047 §5: 4 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Queries in flight at once over all servers.</summary>
    public int MaxConcurrency { get; init; } = 64;

    /// <summary>Queries in flight at once to one server address (politeness).</summary>
    public int PerServerConcurrency { get; init; } = 4;

    /// <summary>Name of this vantage point in measurements.</summary>
    public string VantagePoint { get; init; } = Environment.MachineName;

    /// <summary>
    /// A private DNS tree (a lab, a test bed): loopback and private name server addresses are not findings (DEL-09).
    /// Set when the root hints are not the real ones.
    /// </summary>
    public bool PrivateTree { get; init; }

    /// <summary>Also use IPv6 name server addresses.</summary>
    public bool UseIPv6 { get; init; } = true;

    /// <summary>Source address of every query (null: the system chooses); an agent's vantage point on a multi-homed host.</summary>
    public System.Net.IPAddress? SourceAddress { get; init; }

    /// <summary>
    /// Keep every result in <see cref="Prober.All"/> (a one-shot check needs them as evidence); a long-lived agent's
    /// prober turns it off so memory does not grow with every probe.
    /// </summary>
    public bool KeepResults { get; init; } = true;

    /// <summary>Clock for timestamps and signature windows.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
