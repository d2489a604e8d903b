namespace DnsCert.Dns;

/// <summary>Resource record CLASS values (RFC 1035 §3.2.4, RFC 2136).</summary>
#pragma warning disable CA1028 // 16-bit wire field
public enum DnsClass : ushort
#pragma warning restore CA1028
{
    /// <summary>Reserved.</summary>
    None = 0,

    /// <summary>Internet.</summary>
    IN = 1,

    /// <summary>Chaos (used for server identification queries such as version.bind).</summary>
    CH = 3,

    /// <summary>Hesiod.</summary>
    HS = 4,

    /// <summary>NONE (RFC 2136 updates).</summary>
    NoneClass = 254,

    /// <summary>ANY (query class; TSIG records use it).</summary>
    ANY = 255,
}
