namespace DnsCert.Dns.Dnssec;

/// <summary>Work limits of the validator. Each bounds what a hostile zone can make us compute.</summary>
public static class DnssecLimits
{
    /// <summary>
    /// Keys tried for one RRSIG (same owner, algorithm and key tag). KeyTrap (CVE-2023-50387) fills a DNSKEY RRset
    /// with keys whose tags collide so that every signature is checked against every key.
    /// </summary>
    public const int MaxKeysPerSignature = 4;

    /// <summary>RRSIGs tried for one RRset (CVE-2023-50387: many signatures over one RRset multiply the work).</summary>
    public const int MaxSignaturesPerRrset = 8;

    /// <summary>
    /// Signature verifications for one RRset in total, whatever the mix of keys and signatures (CVE-2023-50387;
    /// BIND and Unbound cap validation work per RRset in the same way).
    /// </summary>
    public const int MaxVerificationsPerRrset = 8;

    /// <summary>
    /// Highest NSEC3 iteration count accepted (RFC 9276 §3.2 lets validators treat more as insecure; 150 is the value
    /// BIND, Unbound and Knot settled on; CVE-2023-50868 showed the cost of hashing with more).
    /// </summary>
    public const ushort MaxNsec3Iterations = 150;

    /// <summary>
    /// NSEC3 hashes computed for one denial proof: one per ancestor tried for the closest encloser plus the wildcard
    /// (CVE-2023-50868: deep names make the closest-encloser search hash many times).
    /// </summary>
    public const int MaxNsec3HashesPerProof = 32;

    /// <summary>NSEC3 records looked at for one denial proof (CVE-2023-50868).</summary>
    public const int MaxNsec3RecordsPerProof = 16;

    /// <summary>Default clock skew tolerated around signature validity windows (DNSViz uses 300 s).</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(300);
}
