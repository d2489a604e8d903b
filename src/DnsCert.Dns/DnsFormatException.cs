namespace DnsCert.Dns;

/// <summary>
/// Thrown when DNS wire-format data is malformed. It is the only exception the decoders let escape on bad input,
/// so callers handling untrusted packets need to catch exactly this type.
/// </summary>
public sealed class DnsFormatException : Exception
{
    /// <summary>Creates an exception for malformed wire data at <paramref name="offset"/>.</summary>
    /// <param name="offset">Byte offset in the message where the problem was found.</param>
    /// <param name="reason">What is wrong, for a person reading a log.</param>
    public DnsFormatException(int offset, string reason)
        : base($"Malformed DNS data at offset {offset}: {reason}")
    {
        Offset = offset;
        Reason = reason;
    }

    /// <summary>Creates an exception without position (used by serialisers).</summary>
    public DnsFormatException()
        : this(0, "malformed DNS data")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DnsFormatException(string message)
        : this(0, message)
    {
    }

    /// <summary>Creates an exception with a message and inner exception.</summary>
    public DnsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Byte offset in the message where decoding failed.</summary>
    public int Offset { get; }

    /// <summary>Why the data was rejected.</summary>
    public string Reason { get; } = string.Empty;
}
