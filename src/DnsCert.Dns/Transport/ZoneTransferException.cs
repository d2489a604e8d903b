using DnsCert.Dns.Messages;

namespace DnsCert.Dns.Transport;

/// <summary>A zone transfer was refused or broke the AXFR/IXFR message rules (RFC 5936, RFC 1995).</summary>
public sealed class ZoneTransferException : DnsTransportException
{
    /// <summary>Creates an exception.</summary>
    public ZoneTransferException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ZoneTransferException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public ZoneTransferException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>RCODE of the refusing response, when that was the reason.</summary>
    public DnsResponseCode? ResponseCode { get; init; }
}
