using DnsCert.Dns.Messages;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Transport;

/// <summary>Settings for <see cref="DnsClient"/>.</summary>
public sealed class DnsClientOptions
{
    /// <summary>Time to wait for each attempt.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Extra UDP attempts after the first times out (each with a new ID and source port).</summary>
    public int Retries { get; init; } = 2;

    /// <summary>EDNS buffer size advertised and used for receiving; null sends queries without EDNS.</summary>
    public ushort? UdpPayloadSize { get; init; } = EdnsInfo.DefaultUdpPayloadSize;

    /// <summary>Set the DO bit to ask for DNSSEC records (RFC 3225); needs EDNS.</summary>
    public bool DnssecOk { get; init; }

    /// <summary>Ask the server to identify itself with an NSID option (RFC 5001); needs EDNS.</summary>
    public bool RequestNsid { get; init; }

    /// <summary>Repeat truncated UDP answers over TCP (RFC 7766 §5).</summary>
    public bool TcpFallbackOnTruncation { get; init; } = true;

    /// <summary>Send every query over TCP.</summary>
    public bool UseTcpOnly { get; init; }

    /// <summary>
    /// Sign every query with this key and accept only responses with a valid TSIG (RFC 8945 §5.3.2: UDP answers that
    /// fail are discarded like spoofed ones; over TCP the query fails).
    /// </summary>
    public TsigKey? TsigKey { get; init; }

    /// <summary>
    /// Source address to send from (null: the system picks one). Monitoring agents bound to different loopback
    /// addresses are distinct vantage points to the servers they probe.
    /// </summary>
    public System.Net.IPAddress? LocalAddress { get; init; }

    /// <summary>Clock for timestamps (tests may substitute one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
