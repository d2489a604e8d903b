namespace DnsCert.Dns.Security;

/// <summary>Outcome of checking one RRSIG against one key.</summary>
public enum DnssecVerifyStatus
{
    /// <summary>The signature verifies and is within its validity period.</summary>
    Valid,

    /// <summary>The cryptographic check failed.</summary>
    BadSignature,

    /// <summary>The current time is after the signature expiration.</summary>
    Expired,

    /// <summary>The current time is before the signature inception.</summary>
    NotYetValid,

    /// <summary>The algorithm is not implemented here (e.g. GOST, DSA).</summary>
    UnsupportedAlgorithm,

    /// <summary>The key's tag, algorithm, owner, protocol or zone flag does not match the signature.</summary>
    KeyMismatch,

    /// <summary>The public key could not be decoded.</summary>
    InvalidKey,

    /// <summary>The RRset does not fit the RRSIG (empty, wrong type or class, labels field too large).</summary>
    RrsetMismatch,
}
