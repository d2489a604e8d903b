using DnsCert.Dns.Names;
using DnsCert.Dns.Records;

namespace DnsCert.Dns.Dnssec;

/// <summary>One RRset of a zone that did not validate.</summary>
/// <param name="Owner">Owner name.</param>
/// <param name="Type">RRset type.</param>
/// <param name="Security">Bogus (or Indeterminate).</param>
/// <param name="Reason">A <see cref="DnssecReasons"/> code.</param>
/// <param name="Detail">Human-readable detail.</param>
public sealed record ZoneFinding(DnsName Owner, DnsRecordType Type, DnssecSecurity Security, string Reason, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"{Owner} {DnsMnemonics.TypeToString(Type)}: {Reason} ({Detail})";
}

/// <summary>Totals of <see cref="ZoneVerifier.Verify"/>.</summary>
public sealed class ZoneVerifyReport
{
    /// <summary>The zone apex (owner of the first SOA), or null when the input had none.</summary>
    public DnsName? Zone { get; internal set; }

    /// <summary>RRsets whose signatures validated (the DNSKEY RRset included).</summary>
    public int Secure { get; internal set; }

    /// <summary>Delegations without DS, and RRsets signed only with unsupported algorithms.</summary>
    public int Insecure { get; internal set; }

    /// <summary>RRsets that failed; each is in <see cref="Findings"/>.</summary>
    public int Bogus { get; internal set; }

    /// <summary>Records below zone cuts (glue, occluded data): not authoritative, not validated.</summary>
    public int Glue { get; internal set; }

    /// <summary>Records outside the zone, ignored.</summary>
    public int OutOfZone { get; internal set; }

    /// <summary>Signature verifications performed.</summary>
    public long Verifications { get; internal set; }

    /// <summary>How the apex DNSKEY RRset was authenticated from the anchor.</summary>
    public KeySetResult? KeySet { get; internal set; }

    /// <summary>The bogus RRsets, and breaks of the NSEC/NSEC3 chain.</summary>
    public List<ZoneFinding> Findings { get; } = [];

    /// <summary>Problems that make nothing bogus but limit the check (unsorted input, NSEC3 iteration limit).</summary>
    public List<ZoneFinding> Warnings { get; } = [];

    /// <summary>The summary line: <c>secure=N insecure=N bogus=N</c>.</summary>
    public string Summary => $"secure={Secure} insecure={Insecure} bogus={Bogus}";
}

/// <summary>
/// Validates every RRset of a signed zone offline from a trust anchor for its apex, like <c>ldns-verify-zone</c>.
/// Streams the records: those of one owner must be contiguous and the apex must come first (true of sorted zones and
/// of signer output). Delegations without DS count as insecure; glue is skipped. Signed RRsets are reported as they
/// come; unsigned ones at the end, once every zone cut is known.
/// </summary>
public static class ZoneVerifier
{
    /// <summary>Verifies <paramref name="records"/>; <paramref name="onFinding"/> sees each bogus RRset as it is found.</summary>
    public static ZoneVerifyReport Verify(IEnumerable<ResourceRecord> records, TrustAnchor anchor, DnssecValidationOptions options,
        Action<ZoneFinding>? onFinding = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(options);
        var state = new State(anchor, options, onFinding);
        var group = new List<ResourceRecord>();
        foreach (var record in records)
        {
            if (group.Count > 0 && record.Name != group[0].Name)
            {
                state.Process(group);
                group.Clear();
            }

            group.Add(record);
        }

        if (group.Count > 0)
        {
            state.Process(group);
        }

        state.Finish();
        return state.Report;
    }

    private sealed class State(TrustAnchor anchor, DnssecValidationOptions options, Action<ZoneFinding>? onFinding)
    {
        private readonly HashSet<DnsName> _cuts = [];
        private readonly List<(DnsName Owner, DnsRecordType Type, int Records, RrsetVerdict Verdict)> _unsigned = [];
        private IReadOnlyList<KeyRecordData> _keys = [];
        private DenialChainChecker? _chain;

        public ZoneVerifyReport Report { get; } = new();

        // Unsigned RRsets are judged at the end: in files that are not sorted (BIND writes its own order) glue can come
        // before the delegation that makes it glue.
        public void Finish()
        {
            foreach (var (owner, type, records, verdict) in _unsigned)
            {
                if (UnderCut(owner))
                {
                    Report.Glue += records;
                }
                else
                {
                    Count(owner, type, verdict.Security, verdict.Reason, verdict.Detail);
                }
            }

            _chain?.Finish(UnderCut);
        }

        public void Process(List<ResourceRecord> group)
        {
            var owner = group[0].Name;
            if (Report.Zone is null)
            {
                if (!group.Any(r => r.Type == DnsRecordType.SOA))
                {
                    Report.OutOfZone += group.Count;
                    return;
                }

                Report.Zone = owner;
                var param = group.Select(r => r.Data).OfType<Nsec3ParamRecord>().FirstOrDefault();
                _chain = new DenialChainChecker(owner, param, options, ChainFinding);
                ProcessApex(group);
                _chain.Name(owner, group, delegation: false);
                return;
            }

            var zone = Report.Zone;
            if (!owner.IsSubdomainOf(zone))
            {
                Report.OutOfZone += group.Count;
                return;
            }

            if (UnderCut(owner))
            {
                Report.Glue += group.Count;
                return;
            }

            if (group.Any(r => r.Type == DnsRecordType.NS))
            {
                _cuts.Add(owner);
                if (!group.Any(r => r.Type == DnsRecordType.DS))
                {
                    Report.Insecure++;
                }

                // RFC 4035 §2.2: at a delegation only DS and NSEC are the parent's, and signed.
                ValidateRrsets(group, t => t is DnsRecordType.DS or DnsRecordType.NSEC);
                _chain?.Name(owner, group, delegation: true);
                Report.Glue += group.Count(r => r.Type is not (DnsRecordType.DS or DnsRecordType.NSEC or DnsRecordType.RRSIG));
                return;
            }

            ValidateRrsets(group, _ => true);
            _chain?.Name(owner, group, delegation: false);
        }

        private bool UnderCut(DnsName owner)
        {
            for (var name = owner.Parent; name.LabelCount > Report.Zone!.LabelCount; name = name.Parent)
            {
                if (_cuts.Contains(name))
                {
                    return true;
                }
            }

            return false;
        }

        private void ChainFinding(ZoneFinding finding)
        {
            if (finding.Security != DnssecSecurity.Bogus)
            {
                Report.Warnings.Add(finding);
                return;
            }

            Report.Bogus++;
            Report.Findings.Add(finding);
            onFinding?.Invoke(finding);
        }

        private void ProcessApex(List<ResourceRecord> group)
        {
            var zone = Report.Zone!;
            var dnskeys = group.Where(r => r.Type == DnsRecordType.DNSKEY).ToList();
            var sigs = Signatures(group, DnsRecordType.DNSKEY);
            KeySetResult keySet = anchor.Zone == zone
                ? KeySetValidator.Validate(zone, dnskeys, sigs, anchor, options)
                : new KeySetResult(DnssecSecurity.Indeterminate, DnssecReasons.NoTrustAnchorSigning,
                    $"the trust anchor is for {anchor.Zone}, the zone is {zone}", [], [], 0);
            Report.KeySet = keySet;
            Report.Verifications += keySet.VerificationsAttempted;
            if (dnskeys.Count > 0 || keySet.Security != DnssecSecurity.Secure)
            {
                Count(zone, DnsRecordType.DNSKEY, keySet.Security, keySet.Reason, keySet.Detail);
            }

            _keys = keySet.Security == DnssecSecurity.Secure ? keySet.ZoneKeys : [];
            ValidateRrsets(group, t => t != DnsRecordType.DNSKEY);
        }

        private void ValidateRrsets(List<ResourceRecord> group, Func<DnsRecordType, bool> include)
        {
            var zone = Report.Zone!;
            foreach (var rrset in group.Where(r => r.Type != DnsRecordType.RRSIG && include(r.Type)).GroupBy(r => (r.Type, r.Class)))
            {
                var type = rrset.Key.Type;
                var records = rrset.ToList();
                var signatures = Signatures(group, type);
                if (signatures.Count == 0)
                {
                    _unsigned.Add((records[0].Name, type, records.Count,
                        new RrsetVerdict(DnssecSecurity.Bogus, DnssecReasons.MissingRrsig, "no RRSIG covers the RRset", null, null, 0)));
                    continue;
                }

                if (Report.KeySet is { Security: not DnssecSecurity.Secure } failed)
                {
                    Count(records[0].Name, type, failed.Security == DnssecSecurity.Insecure ? DnssecSecurity.Insecure : DnssecSecurity.Bogus,
                        failed.Reason, $"zone keys not authenticated: {failed.Detail}");
                    continue;
                }

                var verdict = RrsetValidator.Validate(records, signatures, zone, _keys, options);
                Report.Verifications += verdict.VerificationsAttempted;
                Count(records[0].Name, type, verdict.Security, verdict.Reason, verdict.Detail);
            }
        }

        private void Count(DnsName owner, DnsRecordType type, DnssecSecurity security, string? reason, string? detail)
        {
            switch (security)
            {
                case DnssecSecurity.Secure:
                    Report.Secure++;
                    break;
                case DnssecSecurity.Insecure:
                    Report.Insecure++;
                    break;
                default:
                    Report.Bogus++;
                    var finding = new ZoneFinding(owner, type, security, reason ?? DnssecReasons.SignatureInvalid, detail ?? "");
                    Report.Findings.Add(finding);
                    onFinding?.Invoke(finding);
                    break;
            }
        }

        private static List<RrsigRecord> Signatures(List<ResourceRecord> group, DnsRecordType type) =>
            [.. group.Select(r => r.Data).OfType<RrsigRecord>().Where(s => s.TypeCovered == type)];
    }
}
