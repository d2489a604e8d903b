using DnsCert.Dns.Messages;

namespace DnsCert.Dns.Transport;

/// <summary>The result of a query: the accepted response plus every attempt that led to it.</summary>
public sealed class DnsExchange
{
    internal DnsExchange(DnsMessage query, DnsMessage response, IReadOnlyList<DnsAttempt> attempts)
    {
        Query = query;
        Response = response;
        Attempts = attempts;
    }

    /// <summary>The query as finally sent (ID filled in).</summary>
    public DnsMessage Query { get; }

    /// <summary>The accepted, decoded response.</summary>
    public DnsMessage Response { get; }

    /// <summary>All attempts in order; the last one is the answered attempt.</summary>
    public IReadOnlyList<DnsAttempt> Attempts { get; }

    /// <summary>The attempt that produced <see cref="Response"/>.</summary>
    public DnsAttempt Final => Attempts[^1];

    /// <summary>Exact bytes of the final query.</summary>
    public ReadOnlyMemory<byte> QueryBytes => Final.QueryBytes;

    /// <summary>Exact bytes of the accepted response.</summary>
    public ReadOnlyMemory<byte> ResponseBytes => Final.ResponseBytes;

    /// <summary>Round-trip time of the final attempt.</summary>
    public TimeSpan RoundTripTime => Final.Elapsed;

    /// <summary>Transport of the final attempt.</summary>
    public DnsTransportProtocol Protocol => Final.Protocol;
}
