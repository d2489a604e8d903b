using DnsCert.Dns.Records;

namespace DnsCert.Dns.Dnssec;

/// <summary>Outcome of validating one RRset with a zone's keys.</summary>
/// <param name="Security">Secure or Bogus (Insecure/Indeterminate only from the callers that decide them).</param>
/// <param name="Reason">A <see cref="DnssecReasons"/> code when not secure.</param>
/// <param name="Detail">Human-readable detail (key tags, times).</param>
/// <param name="Signature">The RRSIG that validated, when secure.</param>
/// <param name="Key">The DNSKEY that validated it, when secure.</param>
/// <param name="VerificationsAttempted">Cryptographic verifications performed.</param>
public sealed record RrsetVerdict(DnssecSecurity Security, string? Reason, string? Detail, RrsigRecord? Signature,
    KeyRecordData? Key, int VerificationsAttempted)
{
    /// <summary>True when <see cref="Security"/> is <see cref="DnssecSecurity.Secure"/>.</summary>
    public bool IsSecure => Security == DnssecSecurity.Secure;
}
