using DnsCert.Dns.Names;

namespace DnsCert.Dns.Dnssec;

/// <summary>What a denial-of-existence proof established.</summary>
public enum DenialKind
{
    /// <summary>Nothing was proven.</summary>
    None,

    /// <summary>The name does not exist and no wildcard could have matched it (NXDOMAIN).</summary>
    NxDomain,

    /// <summary>The name exists but has no RRset of the type (NODATA).</summary>
    NoData,

    /// <summary>The name does not exist; the wildcard at its closest encloser exists without the type.</summary>
    WildcardNoData,

    /// <summary>A wildcard-expanded answer is legitimate: the query name itself does not exist.</summary>
    WildcardAnswer,

    /// <summary>The next closer name is covered by an opt-out NSEC3: an unsigned delegation may exist (insecure).</summary>
    OptOut,
}

/// <summary>Outcome of an NSEC or NSEC3 denial proof. The NSEC/NSEC3 RRsets must already be validated.</summary>
/// <param name="Security">Secure when proven, Insecure for opt-out or too many iterations, Bogus when not proven.</param>
/// <param name="Kind">What was proven.</param>
/// <param name="Reason">A <see cref="DnssecReasons"/> code when not secure.</param>
/// <param name="Detail">Which records made the proof, or what is missing.</param>
/// <param name="ClosestEncloser">The closest encloser, when the proof established one.</param>
/// <param name="HashesComputed">NSEC3 hashes computed (0 for NSEC).</param>
public sealed record DenialResult(DnssecSecurity Security, DenialKind Kind, string? Reason, string Detail, DnsName? ClosestEncloser,
    int HashesComputed)
{
    /// <summary>True when the requested denial is proven (secure).</summary>
    public bool IsProven => Security == DnssecSecurity.Secure;
}
