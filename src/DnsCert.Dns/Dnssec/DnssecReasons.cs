namespace DnsCert.Dns.Dnssec;

/// <summary>
/// Reason codes of validation failures. Where DNSViz has an error for the case its name is used
/// (`/work/shared/reference/dns-health.md` §2); codes of our own start with <c>LIMIT_</c> or say what they are.
/// </summary>
public static class DnssecReasons
{
    /// <summary>No RRSIG covers an RRset that must be signed.</summary>
    public const string MissingRrsig = "MISSING_RRSIG";

    /// <summary>The cryptographic check of every candidate signature failed.</summary>
    public const string SignatureInvalid = "SIGNATURE_INVALID";

    /// <summary>The signature verifies but expired before the validation time.</summary>
    public const string ExpirationInPast = "EXPIRATION_IN_PAST";

    /// <summary>The signature verifies but its inception lies after the validation time.</summary>
    public const string InceptionInFuture = "INCEPTION_IN_FUTURE";

    /// <summary>The RRSIG signer is not the zone that holds the RRset.</summary>
    public const string SignerNotZone = "SIGNER_NOT_ZONE";

    /// <summary>No DNSKEY with the RRSIG's key tag and algorithm exists in the zone's key set.</summary>
    public const string DnskeyMissing = "DNSKEY_MISSING_FOR_RRSIG";

    /// <summary>No key matched by the DS set (or trust anchor) signs the DNSKEY RRset.</summary>
    public const string NoSep = "NO_SEP";

    /// <summary>A DS has the tag and algorithm of a key but a different digest.</summary>
    public const string DigestInvalid = "DIGEST_INVALID";

    /// <summary>The trust anchor names no key present in the zone's DNSKEY RRset.</summary>
    public const string NoTrustAnchorSigning = "NO_TRUST_ANCHOR_SIGNING";

    /// <summary>The DNSKEY RRset of a zone is absent.</summary>
    public const string DnskeyMissingFromZone = "MISSING_DNSKEY";

    /// <summary>The RRSIG labels field exceeds the owner's labels or the owner does not fit the signer.</summary>
    public const string RrsigLabelsInvalid = "RRSIG_LABELS_INVALID";

    /// <summary>The NSEC/NSEC3 records do not cover the query name.</summary>
    public const string SnameNotCovered = "SNAME_NOT_COVERED";

    /// <summary>No NSEC3 matches a closest encloser of the query name.</summary>
    public const string NoClosestEncloser = "NO_CLOSEST_ENCLOSER";

    /// <summary>No NSEC3 covers the next closer name.</summary>
    public const string NextClosestEncloserNotCovered = "NEXT_CLOSEST_ENCLOSER_NOT_COVERED";

    /// <summary>The wildcard at the closest encloser is not proven absent.</summary>
    public const string WildcardNotCovered = "WILDCARD_NOT_COVERED";

    /// <summary>The bitmap of the matching NSEC/NSEC3 lists the queried type (or CNAME).</summary>
    public const string StypeInBitmap = "STYPE_IN_BITMAP";

    /// <summary>No NSEC/NSEC3 proves the name absent.</summary>
    public const string MissingNsecForNxdomain = "MISSING_NSEC_FOR_NXDOMAIN";

    /// <summary>No NSEC/NSEC3 matches the name for a NODATA answer.</summary>
    public const string MissingNsecForNodata = "MISSING_NSEC_FOR_NODATA";

    /// <summary>A NODATA proof for DS matches a name that is not a delegation, or has DS in its bitmap.</summary>
    public const string ReferralWithDs = "REFERRAL_WITH_DS";

    /// <summary>An NSEC3 uses a hash algorithm other than SHA-1.</summary>
    public const string Nsec3HashUnsupported = "NSEC3_HASH_ALGORITHM_UNSUPPORTED";

    /// <summary>NSEC3 iterations above <see cref="DnssecLimits.MaxNsec3Iterations"/> (RFC 9276 §3.2): treated as insecure.</summary>
    public const string Nsec3IterationsExceeded = "LIMIT_NSEC3_ITERATIONS";

    /// <summary>Proof needed more NSEC3 hashes or records than the CVE-2023-50868 limits allow.</summary>
    public const string Nsec3WorkExceeded = "LIMIT_NSEC3_WORK";

    /// <summary>More keys share a signature's tag and algorithm than <see cref="DnssecLimits.MaxKeysPerSignature"/> (CVE-2023-50387).</summary>
    public const string KeysPerSignatureExceeded = "LIMIT_KEYS_PER_SIGNATURE";

    /// <summary>More RRSIGs over one RRset than <see cref="DnssecLimits.MaxSignaturesPerRrset"/> (CVE-2023-50387).</summary>
    public const string SignaturesPerRrsetExceeded = "LIMIT_SIGNATURES_PER_RRSET";

    /// <summary>The RRset needed more verifications than <see cref="DnssecLimits.MaxVerificationsPerRrset"/> (CVE-2023-50387).</summary>
    public const string VerificationsExceeded = "LIMIT_VERIFICATIONS_PER_RRSET";

    /// <summary>Only algorithms this validator does not implement are in use (RFC 4035 §5.2: insecure).</summary>
    public const string AlgorithmUnsupported = "ALGORITHM_NOT_SUPPORTED";

    /// <summary>The parent proves that no DS exists: the child is unsigned (insecure).</summary>
    public const string NoDsProven = "NO_DS";

    /// <summary>The next closer name is covered by an opt-out NSEC3: insecure delegation possible.</summary>
    public const string OptOut = "NSEC3_OPT_OUT";

    /// <summary>An authoritative name of the zone has no NSEC/NSEC3 (whole-zone check).</summary>
    public const string MissingNsecForName = "MISSING_NSEC_FOR_NAME";

    /// <summary>An NSEC/NSEC3 next field skips or misorders a name, or the last does not close the ring.</summary>
    public const string NsecChainBroken = "NSEC_CHAIN_BROKEN";

    /// <summary>An NSEC/NSEC3 type bitmap differs from the types present at the name.</summary>
    public const string NsecBitmapMismatch = "NSEC_BITMAP_MISMATCH";
}
