using DnsCert.Dns.Names;
using DnsCert.Dns.Records;

namespace DnsCert.Dns.Dnssec;

/// <summary>
/// One zone on the path from the trust anchor to the answer: its DNSKEY RRset and, except for the anchor's zone, what
/// its parent says about it (the DS RRset, or NSEC/NSEC3 records proving there is none). Records include their RRSIGs.
/// </summary>
/// <param name="Zone">The zone apex.</param>
/// <param name="DnskeyRecords">The DNSKEY RRset and its RRSIGs, from the zone itself.</param>
/// <param name="ParentRecords">From the parent: the DS RRset and its RRSIGs, or the NSEC/NSEC3 records (with RRSIGs)
/// denying DS. Empty for the trust anchor's zone.</param>
public sealed record ZoneLink(DnsName Zone, IReadOnlyList<ResourceRecord> DnskeyRecords, IReadOnlyList<ResourceRecord> ParentRecords);

/// <summary>Outcome of a chain-of-trust validation.</summary>
/// <param name="Security">Secure, Insecure, Bogus or Indeterminate.</param>
/// <param name="Reason">A <see cref="DnssecReasons"/> code when not secure (also for Insecure: why).</param>
/// <param name="Detail">Human-readable detail of the failure.</param>
/// <param name="Evidence">Each step of the chain, from the anchor down, as far as it got.</param>
/// <param name="VerificationsAttempted">Signature verifications performed in total.</param>
public sealed record ChainResult(DnssecSecurity Security, string? Reason, string? Detail, IReadOnlyList<string> Evidence,
    int VerificationsAttempted);

/// <summary>
/// Validates an answer RRset from a configured trust anchor down a list of zone cuts (RFC 4035 §5): each DNSKEY RRset
/// is authenticated by the DS set above it, each DS set by the parent's keys, the answer by the last zone's keys.
/// A proven absence of DS (NSEC, NSEC3, opt-out) makes the rest insecure.
/// </summary>
public static class ChainValidator
{
    /// <summary>
    /// Validates <paramref name="answer"/> (an RRset plus its RRSIGs) with the chain <paramref name="links"/>, whose
    /// first element is the anchor's zone and each next one a child of the previous.
    /// </summary>
    public static ChainResult Validate(TrustAnchor anchor, IReadOnlyList<ZoneLink> links, IReadOnlyList<ResourceRecord> answer,
        DnssecValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(options);
        var evidence = new List<string> { $"trust anchor {anchor}" };
        var attempts = 0;
        if (links.Count == 0 || links[0].Zone != anchor.Zone)
        {
            return new ChainResult(DnssecSecurity.Indeterminate, DnssecReasons.NoTrustAnchorSigning,
                $"the chain does not start at the anchor's zone {anchor.Zone}", evidence, 0);
        }

        var data = answer.Where(r => r.Type != DnsRecordType.RRSIG).ToList();
        if (data.Count == 0)
        {
            return new ChainResult(DnssecSecurity.Indeterminate, DnssecReasons.MissingRrsig, "no answer RRset", evidence, 0);
        }

        var owner = data[0].Name;
        IReadOnlyList<DelegationSignerData> ds = anchor.Ds;
        IReadOnlyList<KeyRecordData> anchorKeys = anchor.Keys;
        IReadOnlyList<KeyRecordData> keys = [];
        DnsName? parent = null;
        for (var i = 0; i < links.Count; i++)
        {
            var link = links[i];
            if (parent is not null)
            {
                if (!link.Zone.IsSubdomainOf(parent) || link.Zone == parent)
                {
                    return new ChainResult(DnssecSecurity.Indeterminate, DnssecReasons.NoTrustAnchorSigning,
                        $"{link.Zone} is not below {parent}", evidence, attempts);
                }

                // The parent's statement about the child: a DS RRset signed by the parent, or a proof that none exists.
                var dsRecords = link.ParentRecords.Where(r => r.Type == DnsRecordType.DS && r.Name == link.Zone).ToList();
                if (dsRecords.Count > 0)
                {
                    var verdict = RrsetValidator.Validate(dsRecords, Signatures(link.ParentRecords, link.Zone, DnsRecordType.DS), parent, keys, options);
                    attempts += verdict.VerificationsAttempted;
                    if (!verdict.IsSecure)
                    {
                        return new ChainResult(verdict.Security, verdict.Reason, $"DS RRset of {link.Zone}: {verdict.Detail}", evidence, attempts);
                    }

                    evidence.Add($"DS RRset of {link.Zone} signed by {parent} DNSKEY {verdict.Key!.KeyTag}");
                    ds = [.. dsRecords.Select(r => (DelegationSignerData)r.Data)];
                    anchorKeys = [];
                }
                else
                {
                    var noDs = ProveNoDs(link.Zone, parent, keys, link.ParentRecords, options, ref attempts);
                    evidence.Add($"no DS for {link.Zone}: {noDs.Detail}");
                    return noDs.Security is DnssecSecurity.Secure or DnssecSecurity.Insecure
                        ? new ChainResult(DnssecSecurity.Insecure, noDs.Reason ?? DnssecReasons.NoDsProven,
                            $"{link.Zone} is an unsigned delegation of {parent}", evidence, attempts)
                        : new ChainResult(DnssecSecurity.Bogus, noDs.Reason, $"DS of {link.Zone} neither present nor proven absent: {noDs.Detail}",
                            evidence, attempts);
                }
            }

            var dnskeys = link.DnskeyRecords.Where(r => r.Type == DnsRecordType.DNSKEY && r.Name == link.Zone).ToList();
            var keySet = KeySetValidator.Validate(link.Zone, dnskeys, Signatures(link.DnskeyRecords, link.Zone, DnsRecordType.DNSKEY),
                ds, anchorKeys, options);
            attempts += keySet.VerificationsAttempted;
            evidence.AddRange(keySet.Evidence);
            if (keySet.Security != DnssecSecurity.Secure)
            {
                return new ChainResult(keySet.Security, keySet.Reason, keySet.Detail, evidence, attempts);
            }

            keys = keySet.ZoneKeys;
            parent = link.Zone;
        }

        if (!owner.IsSubdomainOf(parent!))
        {
            return new ChainResult(DnssecSecurity.Indeterminate, DnssecReasons.SignerNotZone, $"{owner} is not in {parent}", evidence, attempts);
        }

        var answerVerdict = RrsetValidator.Validate(data.Where(r => r.Type == data[0].Type).ToList(),
            Signatures(answer, owner, data[0].Type), parent!, keys, options);
        attempts += answerVerdict.VerificationsAttempted;
        if (!answerVerdict.IsSecure)
        {
            return new ChainResult(answerVerdict.Security, answerVerdict.Reason,
                $"{owner} {DnsMnemonics.TypeToString(data[0].Type)}: {answerVerdict.Detail}", evidence, attempts);
        }

        evidence.Add($"{owner} {DnsMnemonics.TypeToString(data[0].Type)} signed by {parent} DNSKEY {answerVerdict.Key!.KeyTag}");
        return new ChainResult(DnssecSecurity.Secure, null, null, evidence, attempts);
    }

    private static DenialResult ProveNoDs(DnsName child, DnsName parent, IReadOnlyList<KeyRecordData> keys, IReadOnlyList<ResourceRecord> records,
        DnssecValidationOptions options, ref int attempts)
    {
        // The NSEC/NSEC3 RRsets must validate with the parent's keys before they prove anything.
        var denial = records.Where(r => r.Type is DnsRecordType.NSEC or DnsRecordType.NSEC3).ToList();
        foreach (var rrset in denial.GroupBy(r => (r.Name, r.Type)))
        {
            var verdict = RrsetValidator.Validate(rrset.ToList(), Signatures(records, rrset.Key.Name, rrset.Key.Type), parent, keys, options);
            attempts += verdict.VerificationsAttempted;
            if (!verdict.IsSecure)
            {
                return new DenialResult(DnssecSecurity.Bogus, DenialKind.None, verdict.Reason,
                    $"{rrset.Key.Name} {rrset.Key.Type}: {verdict.Detail}", null, 0);
            }
        }

        if (denial.Any(r => r.Type == DnsRecordType.NSEC3))
        {
            return Nsec3Denial.ProveNoData(child, DnsRecordType.DS, parent, denial, options);
        }

        return denial.Count == 0
            ? new DenialResult(DnssecSecurity.Bogus, DenialKind.None, DnssecReasons.MissingNsecForNodata, "no DS and no NSEC/NSEC3", null, 0)
            : NsecDenial.ProveNoData(child, DnsRecordType.DS, parent, denial);
    }

    private static List<RrsigRecord> Signatures(IReadOnlyList<ResourceRecord> records, DnsName owner, DnsRecordType type) =>
        [.. records.Where(r => r.Name == owner).Select(r => r.Data).OfType<RrsigRecord>().Where(s => s.TypeCovered == type)];
}
