using System.Net;

namespace DnsCert.Dns.Transport;

/// <summary>Transport used for one attempt.</summary>
public enum DnsTransportProtocol
{
    /// <summary>UDP datagram.</summary>
    Udp,

    /// <summary>TCP with 2-octet length framing (RFC 1035 §4.2.2, RFC 7766).</summary>
    Tcp,
}

/// <summary>How an attempt ended.</summary>
public enum DnsAttemptOutcome
{
    /// <summary>A matching response was accepted.</summary>
    Answered,

    /// <summary>A matching response had TC set, so the query was repeated over TCP.</summary>
    Truncated,

    /// <summary>Nothing acceptable arrived in time.</summary>
    TimedOut,

    /// <summary>The socket or connection failed.</summary>
    NetworkError,

    /// <summary>The matching response could not be decoded.</summary>
    Malformed,
}

/// <summary>One query/response attempt, kept as evidence: exact bytes, addresses and timing.</summary>
public sealed record DnsAttempt
{
    /// <summary>UDP or TCP.</summary>
    public required DnsTransportProtocol Protocol { get; init; }

    /// <summary>Server address and port queried.</summary>
    public required IPEndPoint Server { get; init; }

    /// <summary>Local address and (random) source port used.</summary>
    public IPEndPoint? LocalEndPoint { get; init; }

    /// <summary>Exact query bytes sent (without the TCP length prefix).</summary>
    public required ReadOnlyMemory<byte> QueryBytes { get; init; }

    /// <summary>Exact bytes of the accepted response (empty when none).</summary>
    public ReadOnlyMemory<byte> ResponseBytes { get; init; }

    /// <summary>When the query was sent.</summary>
    public required DateTimeOffset SentAt { get; init; }

    /// <summary>Time from sending to the accepted response or to giving up.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>How the attempt ended.</summary>
    public required DnsAttemptOutcome Outcome { get; init; }

    /// <summary>Datagrams or frames ignored because source, ID or question did not match, or they did not decode.</summary>
    public int IgnoredPackets { get; init; }

    /// <summary>The last datagram ignored (wrong source, ID or question, undecodable, unverifiable), as evidence.</summary>
    public ReadOnlyMemory<byte> LastIgnoredBytes { get; init; }

    /// <summary>Error text for failed attempts.</summary>
    public string? Error { get; init; }
}
