namespace DnsCert.Dns.Dnssec;

/// <summary>Validation outcome (RFC 4033 §5, RFC 4035 §4.3).</summary>
public enum DnssecSecurity
{
    /// <summary>An unbroken chain of signed DNSKEY/DS records leads from the trust anchor to the data.</summary>
    Secure,

    /// <summary>The chain provably ends at an unsigned delegation (no DS, opt-out, or only unsupported algorithms).</summary>
    Insecure,

    /// <summary>The data should be signed but the signatures or proofs fail.</summary>
    Bogus,

    /// <summary>The evidence at hand does not allow a decision (missing records, no applicable trust anchor).</summary>
    Indeterminate,
}
