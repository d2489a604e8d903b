namespace DnsCert.Dns;

/// <summary>Resource record TYPE values (IANA "Resource Record (RR) TYPEs" registry). Unlisted values are valid too.</summary>
#pragma warning disable CA1028 // the wire field is 16 bits; an int-backed enum would invite out-of-range values
public enum DnsRecordType : ushort
#pragma warning restore CA1028
{
    /// <summary>No type (reserved).</summary>
    None = 0,

    /// <summary>IPv4 address (RFC 1035).</summary>
    A = 1,

    /// <summary>Authoritative name server (RFC 1035).</summary>
    NS = 2,

    /// <summary>Canonical name (RFC 1035).</summary>
    CNAME = 5,

    /// <summary>Start of authority (RFC 1035).</summary>
    SOA = 6,

    /// <summary>Domain name pointer (RFC 1035).</summary>
#pragma warning disable CA1720 // PTR is the RFC mnemonic, not a pointer type
    PTR = 12,
#pragma warning restore CA1720

    /// <summary>Host information (RFC 1035, RFC 8482).</summary>
    HINFO = 13,

    /// <summary>Mail exchange (RFC 1035).</summary>
    MX = 15,

    /// <summary>Text strings (RFC 1035).</summary>
    TXT = 16,

    /// <summary>Responsible person (RFC 1183).</summary>
    RP = 17,

    /// <summary>IPv6 address (RFC 3596).</summary>
    AAAA = 28,

    /// <summary>Location (RFC 1876).</summary>
    LOC = 29,

    /// <summary>Service locator (RFC 2782).</summary>
    SRV = 33,

    /// <summary>Naming authority pointer (RFC 3403).</summary>
    NAPTR = 35,

    /// <summary>Delegation name (RFC 6672).</summary>
    DNAME = 39,

    /// <summary>EDNS(0) pseudo-record (RFC 6891).</summary>
    OPT = 41,

    /// <summary>Delegation signer (RFC 4034).</summary>
    DS = 43,

    /// <summary>SSH key fingerprint (RFC 4255).</summary>
    SSHFP = 44,

    /// <summary>DNSSEC signature (RFC 4034).</summary>
    RRSIG = 46,

    /// <summary>Next secure (RFC 4034).</summary>
    NSEC = 47,

    /// <summary>DNS public key (RFC 4034).</summary>
    DNSKEY = 48,

    /// <summary>Hashed next secure (RFC 5155).</summary>
    NSEC3 = 50,

    /// <summary>NSEC3 parameters (RFC 5155).</summary>
    NSEC3PARAM = 51,

    /// <summary>TLS association (RFC 6698).</summary>
    TLSA = 52,

    /// <summary>Child DS (RFC 7344).</summary>
    CDS = 59,

    /// <summary>Child DNSKEY (RFC 7344).</summary>
    CDNSKEY = 60,

    /// <summary>Child-to-parent synchronisation (RFC 7477).</summary>
    CSYNC = 62,

    /// <summary>Zone message digest (RFC 8976).</summary>
    ZONEMD = 63,

    /// <summary>Service binding (RFC 9460).</summary>
    SVCB = 64,

    /// <summary>HTTPS service binding (RFC 9460).</summary>
    HTTPS = 65,

    /// <summary>Sender policy framework (RFC 7208, obsolete type).</summary>
    SPF = 99,

    /// <summary>Transaction signature (RFC 8945).</summary>
    TSIG = 250,

    /// <summary>Incremental zone transfer (RFC 1995), query only.</summary>
    IXFR = 251,

    /// <summary>Full zone transfer (RFC 5936), query only.</summary>
    AXFR = 252,

    /// <summary>Any type (RFC 1035, RFC 8482), query only.</summary>
    ANY = 255,

    /// <summary>Uniform resource identifier (RFC 7553).</summary>
    URI = 256,

    /// <summary>Certification authority authorization (RFC 8659).</summary>
    CAA = 257,
}
