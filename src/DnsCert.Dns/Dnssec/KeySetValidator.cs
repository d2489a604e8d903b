using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Dnssec;

/// <summary>Outcome of authenticating a zone's DNSKEY RRset from DS records or anchor keys.</summary>
/// <param name="Security">Secure, Insecure (only unsupported algorithms) or Bogus.</param>
/// <param name="Reason">A <see cref="DnssecReasons"/> code when not secure.</param>
/// <param name="Detail">Human-readable detail.</param>
/// <param name="ZoneKeys">The zone keys usable for the zone's other RRsets, when secure.</param>
/// <param name="Evidence">Steps of the proof, e.g. "DS 19036/8/2 matches DNSKEY 19036".</param>
/// <param name="VerificationsAttempted">Signature verifications performed.</param>
public sealed record KeySetResult(DnssecSecurity Security, string? Reason, string? Detail, IReadOnlyList<KeyRecordData> ZoneKeys,
    IReadOnlyList<string> Evidence, int VerificationsAttempted);

/// <summary>Authenticates DNSKEY RRsets (RFC 4035 §5.2): a key matched by DS or anchor must sign the whole set.</summary>
public static class KeySetValidator
{
    /// <summary>Authenticates the DNSKEY RRset of <paramref name="zone"/> with the anchor.</summary>
    public static KeySetResult Validate(DnsName zone, IReadOnlyCollection<ResourceRecord> dnskeys, IReadOnlyList<RrsigRecord> rrsigs,
        TrustAnchor anchor, DnssecValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        return Validate(zone, dnskeys, rrsigs, anchor.Ds, anchor.Keys, options);
    }

    /// <summary>
    /// Authenticates the DNSKEY RRset of <paramref name="zone"/> with the (already validated) DS records
    /// <paramref name="ds"/> and/or trusted keys <paramref name="anchorKeys"/>.
    /// </summary>
    public static KeySetResult Validate(DnsName zone, IReadOnlyCollection<ResourceRecord> dnskeys, IReadOnlyList<RrsigRecord> rrsigs,
        IReadOnlyList<DelegationSignerData> ds, IReadOnlyList<KeyRecordData> anchorKeys, DnssecValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(dnskeys);
        ArgumentNullException.ThrowIfNull(rrsigs);
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(anchorKeys);
        ArgumentNullException.ThrowIfNull(options);
        var evidence = new List<string>();
        var supportedDs = ds.Where(d => RrsigVerifier.IsSupportedAlgorithm(d.Algorithm)
            && d.DigestType is DnssecDigests.Sha1 or DnssecDigests.Sha256 or DnssecDigests.Sha384).ToList();
        if (ds.Count > 0 && supportedDs.Count == 0 && anchorKeys.Count == 0)
        {
            return new KeySetResult(DnssecSecurity.Insecure, DnssecReasons.AlgorithmUnsupported,
                $"no DS of {zone} uses a supported algorithm and digest", [], evidence, 0);
        }

        if (dnskeys.Count == 0)
        {
            return Fail(DnssecReasons.DnskeyMissingFromZone, $"no DNSKEY RRset at {zone}", evidence, 0);
        }

        var keys = dnskeys.Select(r => r.Data).OfType<KeyRecordData>().ToList();
        var zoneKeys = keys.Where(IsUsableZoneKey).ToList();
        var trusted = new List<KeyRecordData>();
        var digestMismatch = false;
        foreach (var key in zoneKeys)
        {
            if (anchorKeys.Any(a => a.Algorithm == key.Algorithm && a.Flags == key.Flags && a.PublicKey.Span.SequenceEqual(key.PublicKey.Span)))
            {
                trusted.Add(key);
                evidence.Add($"anchor DNSKEY {key.KeyTag}/{key.Algorithm} is in the {zone} DNSKEY RRset");
                continue;
            }

            foreach (var d in supportedDs)
            {
                if (d.KeyTag != key.KeyTag || d.Algorithm != key.Algorithm)
                {
                    continue;
                }

                var computed = DnssecDigests.ComputeDs(zone, key, d.DigestType);
                if (computed.Digest.Span.SequenceEqual(d.Digest.Span))
                {
                    trusted.Add(key);
                    evidence.Add($"DS {d.KeyTag}/{d.Algorithm}/{d.DigestType} matches DNSKEY {key.KeyTag} of {zone}");
                    break;
                }

                digestMismatch = true;
                evidence.Add($"DS {d.KeyTag}/{d.Algorithm}/{d.DigestType} has the tag of DNSKEY {key.KeyTag} but not its digest");
            }
        }

        if (trusted.Count == 0)
        {
            var reason = digestMismatch ? DnssecReasons.DigestInvalid
                : anchorKeys.Count > 0 || ds.Count == 0 ? DnssecReasons.NoTrustAnchorSigning : DnssecReasons.NoSep;
            return Fail(reason, $"no DNSKEY of {zone} matches the DS/anchor set", evidence, 0);
        }

        var verdict = RrsetValidator.Validate(dnskeys, rrsigs, zone, trusted, options);
        if (!verdict.IsSecure)
        {
            var reason = verdict.Reason == DnssecReasons.DnskeyMissing ? DnssecReasons.NoSep : verdict.Reason!;
            return new KeySetResult(verdict.Security == DnssecSecurity.Insecure ? DnssecSecurity.Insecure : DnssecSecurity.Bogus,
                reason, $"DNSKEY RRset of {zone}: {verdict.Detail}", [], evidence, verdict.VerificationsAttempted);
        }

        evidence.Add($"DNSKEY {verdict.Key!.KeyTag} signs the {zone} DNSKEY RRset ({zoneKeys.Count} zone keys)");
        return new KeySetResult(DnssecSecurity.Secure, null, null, zoneKeys, evidence, verdict.VerificationsAttempted);
    }

    /// <summary>A key that may validate zone data: zone flag, protocol 3, not revoked (RFC 4034 §2.1.1, RFC 5011 §7).</summary>
    public static bool IsUsableZoneKey(KeyRecordData key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Protocol == 3 && (key.Flags & KeyRecordData.ZoneKeyFlag) != 0 && (key.Flags & KeyRecordData.RevokeFlag) == 0;
    }

    private static KeySetResult Fail(string reason, string detail, List<string> evidence, int attempts) =>
        new(DnssecSecurity.Bogus, reason, detail, [], evidence, attempts);
}
