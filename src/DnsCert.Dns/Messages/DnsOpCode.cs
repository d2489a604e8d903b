namespace DnsCert.Dns.Messages;

/// <summary>Header OPCODE (RFC 1035 §4.1.1, RFC 1996, RFC 2136).</summary>
public enum DnsOpCode : byte
{
    /// <summary>Standard query.</summary>
    Query = 0,

    /// <summary>Inverse query (obsolete, RFC 3425).</summary>
    IQuery = 1,

    /// <summary>Server status request.</summary>
    Status = 2,

    /// <summary>Zone change notification (RFC 1996).</summary>
    Notify = 4,

    /// <summary>Dynamic update (RFC 2136).</summary>
    Update = 5,
}
