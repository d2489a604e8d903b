using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Dnssec;

/// <summary>
/// Validates an RRset against its RRSIGs and the DNSKEYs of the signing zone (RFC 4035 §5.3), within the work limits
/// of <see cref="DnssecLimits"/>: a KeyTrap-style RRset is refused with the limit named, not ground through.
/// </summary>
public static class RrsetValidator
{
    /// <summary>
    /// Validates <paramref name="rrset"/> (one owner, type and class) with <paramref name="rrsigs"/> (the RRSIGs at
    /// that owner covering the type) against <paramref name="zoneKeys"/>, the DNSKEYs of <paramref name="zone"/>.
    /// </summary>
    public static RrsetVerdict Validate(IReadOnlyCollection<ResourceRecord> rrset, IReadOnlyList<RrsigRecord> rrsigs,
        DnsName zone, IReadOnlyList<KeyRecordData> zoneKeys, DnssecValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(rrset);
        ArgumentNullException.ThrowIfNull(rrsigs);
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(zoneKeys);
        ArgumentNullException.ThrowIfNull(options);
        if (rrsigs.Count == 0)
        {
            return Bogus(DnssecReasons.MissingRrsig, "no RRSIG covers the RRset", 0);
        }

        var attempts = 0;
        string? limit = null;
        string? limitDetail = null;
        string? best = null;
        string? bestDetail = null;
        var bestRank = int.MaxValue;

        void Note(string reason, string detail, int rank)
        {
            if (rank < bestRank)
            {
                (best, bestDetail, bestRank) = (reason, detail, rank);
            }
        }

        var signatures = rrsigs.Count;
        if (signatures > options.MaxSignaturesPerRrset)
        {
            signatures = options.MaxSignaturesPerRrset;
            limit = DnssecReasons.SignaturesPerRrsetExceeded;
            limitDetail = $"{rrsigs.Count} RRSIGs over one RRset, limit {options.MaxSignaturesPerRrset} (CVE-2023-50387)";
        }

        for (var s = 0; s < signatures; s++)
        {
            var rrsig = rrsigs[s];
            if (rrsig.SignerName != zone)
            {
                Note(DnssecReasons.SignerNotZone, $"RRSIG {rrsig.KeyTag} signer {rrsig.SignerName} is not the zone {zone}", 4);
                continue;
            }

            if (!RrsigVerifier.IsSupportedAlgorithm(rrsig.Algorithm))
            {
                // RFC 4035 §5.2 / RFC 6840 §5.2: insecure only when the zone really uses the algorithm (a key of it is in
                // the authenticated key set); an RRSIG naming an algorithm none of the zone's keys has is just unusable.
                if (HasKey(zoneKeys, rrsig.KeyTag, rrsig.Algorithm))
                {
                    Note(DnssecReasons.AlgorithmUnsupported, $"RRSIG {rrsig.KeyTag} uses algorithm {rrsig.Algorithm}", 6);
                }
                else
                {
                    Note(DnssecReasons.DnskeyMissing, $"no DNSKEY {rrsig.KeyTag} alg {rrsig.Algorithm} in {zone}", 5);
                }

                continue;
            }

            var tried = 0;
            foreach (var key in zoneKeys)
            {
                if (key.Algorithm != rrsig.Algorithm || RrsigVerifier.KeyTagOf(key) != rrsig.KeyTag)
                {
                    continue;
                }

                if (tried == options.MaxKeysPerSignature)
                {
                    limit ??= DnssecReasons.KeysPerSignatureExceeded;
                    limitDetail ??= $"more than {options.MaxKeysPerSignature} keys with tag {rrsig.KeyTag} algorithm {rrsig.Algorithm} (CVE-2023-50387)";
                    break;
                }

                if (attempts == options.MaxVerificationsPerRrset)
                {
                    limit = DnssecReasons.VerificationsExceeded;
                    limitDetail = $"{attempts} verifications for one RRset, limit {options.MaxVerificationsPerRrset} (CVE-2023-50387)";
                    return Bogus(limit, limitDetail, attempts);
                }

                tried++;
                attempts++;
                var status = RrsigVerifier.Verify(rrsig, rrset, zone, key, options.Now, options.ClockSkew);
                switch (status)
                {
                    case DnssecVerifyStatus.Valid:
                        return new RrsetVerdict(DnssecSecurity.Secure, null, null, rrsig, key, attempts);
                    case DnssecVerifyStatus.Expired:
                        Note(DnssecReasons.ExpirationInPast,
                            $"RRSIG {rrsig.KeyTag} expired {RrsigRecord.FormatTime(rrsig.Expiration)}", 0);
                        break;
                    case DnssecVerifyStatus.NotYetValid:
                        Note(DnssecReasons.InceptionInFuture,
                            $"RRSIG {rrsig.KeyTag} valid from {RrsigRecord.FormatTime(rrsig.Inception)}", 1);
                        break;
                    case DnssecVerifyStatus.RrsetMismatch:
                        Note(DnssecReasons.RrsigLabelsInvalid, $"RRSIG {rrsig.KeyTag} labels {rrsig.Labels} do not fit the owner", 3);
                        break;
                    case DnssecVerifyStatus.KeyMismatch:
                        Note(DnssecReasons.DnskeyMissing, $"DNSKEY {key.KeyTag} is not a usable zone key", 5);
                        break;
                    default:
                        Note(DnssecReasons.SignatureInvalid, $"RRSIG {rrsig.KeyTag} alg {rrsig.Algorithm}: {status}", 2);
                        break;
                }
            }

            if (tried == 0)
            {
                Note(DnssecReasons.DnskeyMissing, $"no DNSKEY {rrsig.KeyTag} alg {rrsig.Algorithm} in {zone}", 5);
            }
        }

        if (limit is not null)
        {
            return Bogus(limit, limitDetail!, attempts);
        }

        if (best == DnssecReasons.AlgorithmUnsupported)
        {
            return new RrsetVerdict(DnssecSecurity.Insecure, best, bestDetail, null, null, attempts);
        }

        return Bogus(best ?? DnssecReasons.SignatureInvalid, bestDetail ?? "no signature verified", attempts);
    }

    private static bool HasKey(IReadOnlyList<KeyRecordData> keys, ushort keyTag, byte algorithm)
    {
        foreach (var key in keys)
        {
            if (key.Algorithm == algorithm && RrsigVerifier.KeyTagOf(key) == keyTag)
            {
                return true;
            }
        }

        return false;
    }

    private static RrsetVerdict Bogus(string reason, string detail, int attempts) =>
        new(DnssecSecurity.Bogus, reason, detail, null, null, attempts);
}
