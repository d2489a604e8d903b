using DnsCert.Monitoring.Model;

namespace DnsCert.Monitoring.Agents;

/// <summary>One name-server address of a zone to probe.</summary>
public sealed record ProbeTarget(string ServerName, string Address);

/// <summary>
/// A zone an agent probes: its name servers' addresses, the probe interval (already scaled to the server's cycle
/// length), and what to ask each address (SOA over UDP and over TCP: the availability and RTT probes of
/// dns-health.md part b).
/// </summary>
public sealed record ZoneWork(string Zone, int IntervalSeconds, IReadOnlyList<ProbeTarget> Servers, IReadOnlyList<string> Transports);

/// <summary>The answer to a work pull: the zones this vantage point probes and the server's clock and cycle.</summary>
public sealed record AgentWork(string VantagePoint, DateTimeOffset ServerTime, int CycleSeconds, IReadOnlyList<ZoneWork> Zones);

/// <summary>Results an agent pushes; <see cref="BatchId"/> makes a re-sent batch harmless (it is stored once).</summary>
public sealed record ResultBatch(Guid BatchId, string VantagePoint, IReadOnlyList<ProbeMeasurement> Results);

/// <summary>The server's acknowledgement: after it, the agent may forget the batch.</summary>
public sealed record BatchAcknowledgement(Guid BatchId, bool Duplicate, int Stored, int Discarded);

/// <summary>An agent's periodic sign of life, with how much it holds in its spool.</summary>
public sealed record AgentHeartbeat(string VantagePoint, string? Version, int SpooledBatches, int SpooledResults, DateTimeOffset? LastProbeAt);

/// <summary>The server's answer to a heartbeat.</summary>
public sealed record HeartbeatReply(DateTimeOffset ServerTime);

/// <summary>
/// The agent's side of the protocol. Implemented over HTTP for remote agents (<see cref="HttpAgentServer"/>) and in
/// process by the server's own local agent, so both run the same <see cref="AgentRunner"/>.
/// </summary>
public interface IAgentServer
{
    Task<AgentWork> GetWorkAsync(string vantagePoint, CancellationToken cancellationToken);

    Task<BatchAcknowledgement> PushAsync(ResultBatch batch, CancellationToken cancellationToken);

    Task<HeartbeatReply> HeartbeatAsync(AgentHeartbeat heartbeat, CancellationToken cancellationToken);
}

/// <summary>The server (or its database) cannot be reached now; try again later, keep the results.</summary>
public sealed class AgentServerUnavailableException : Exception
{
    public AgentServerUnavailableException()
    {
    }

    public AgentServerUnavailableException(string message) : base(message)
    {
    }

    public AgentServerUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>The server refused the request for good (token refused, or a batch it will never accept).</summary>
public sealed class AgentRequestRejectedException : Exception
{
    public AgentRequestRejectedException()
    {
    }

    public AgentRequestRejectedException(string message) : base(message)
    {
    }

    public AgentRequestRejectedException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>The HTTP status, when the refusal came over HTTP.</summary>
    public int? StatusCode { get; init; }
}
