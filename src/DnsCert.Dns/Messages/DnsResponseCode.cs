namespace DnsCert.Dns.Messages;

/// <summary>RCODE including the EDNS extended bits (RFC 1035 §4.1.1, RFC 6891 §6.1.3) and TSIG errors (RFC 8945).</summary>
#pragma warning disable CA1028 // 12-bit protocol field
public enum DnsResponseCode : ushort
#pragma warning restore CA1028
{
    /// <summary>No error.</summary>
    NoError = 0,

    /// <summary>Format error.</summary>
    FormErr = 1,

    /// <summary>Server failure.</summary>
    ServFail = 2,

    /// <summary>Name does not exist.</summary>
    NXDomain = 3,

    /// <summary>Not implemented.</summary>
    NotImp = 4,

    /// <summary>Refused.</summary>
    Refused = 5,

    /// <summary>Name exists when it should not (RFC 2136).</summary>
    YXDomain = 6,

    /// <summary>RRset exists when it should not (RFC 2136).</summary>
    YXRRSet = 7,

    /// <summary>RRset that should exist does not (RFC 2136).</summary>
    NXRRSet = 8,

    /// <summary>Not authoritative / not authorised (RFC 2136, RFC 8945).</summary>
    NotAuth = 9,

    /// <summary>Name not contained in zone (RFC 2136).</summary>
    NotZone = 10,

    /// <summary>Bad OPT version (RFC 6891) — shares 16 with TSIG BADSIG.</summary>
    BadVers = 16,

    /// <summary>Key not recognised (RFC 8945).</summary>
    BadKey = 17,

    /// <summary>Signature out of time window (RFC 8945).</summary>
    BadTime = 18,

    /// <summary>Bad or missing server cookie (RFC 7873).</summary>
    BadCookie = 23,
}
