namespace DnsCert.Dns.Records;

/// <summary>SvcParamKey values (RFC 9460 §14.3.2 registry).</summary>
#pragma warning disable CA1028 // 16-bit wire field
public enum SvcParamKey : ushort
#pragma warning restore CA1028
{
    /// <summary>Keys the client must understand.</summary>
    Mandatory = 0,

    /// <summary>Application protocols.</summary>
    Alpn = 1,

    /// <summary>No default ALPN.</summary>
    NoDefaultAlpn = 2,

    /// <summary>Alternative port.</summary>
    Port = 3,

    /// <summary>IPv4 address hints.</summary>
    Ipv4Hint = 4,

    /// <summary>Encrypted ClientHello configuration (RFC 9848).</summary>
    Ech = 5,

    /// <summary>IPv6 address hints.</summary>
    Ipv6Hint = 6,

    /// <summary>DNS over HTTPS path template (RFC 9461).</summary>
    DohPath = 7,

    /// <summary>Oblivious HTTP gateway (RFC 9540).</summary>
    Ohttp = 8,
}
