namespace DnsCert.Dns.Transport;

/// <summary>A query could not be completed: no usable response in time, or the connection failed.</summary>
public class DnsTransportException : Exception
{
    /// <summary>Creates an exception.</summary>
    public DnsTransportException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DnsTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public DnsTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Every attempt made, with raw bytes and timing, for the evidence record.</summary>
    public IReadOnlyList<DnsAttempt> Attempts { get; init; } = [];
}

/// <summary>No acceptable response arrived within the timeout on any attempt.</summary>
public sealed class DnsTimeoutException : DnsTransportException
{
    /// <summary>Creates an exception.</summary>
    public DnsTimeoutException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DnsTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public DnsTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The server's response (matched by ID on TCP) could not be decoded; the bytes are kept as evidence.</summary>
public sealed class DnsResponseFormatException : DnsTransportException
{
    /// <summary>Creates an exception.</summary>
    public DnsResponseFormatException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DnsResponseFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the decoder's error.</summary>
    public DnsResponseFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The undecodable response as received.</summary>
    public ReadOnlyMemory<byte> ResponseBytes { get; init; }
}
