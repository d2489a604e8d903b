using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Dnssec;

/// <summary>
/// NSEC3 denial-of-existence proofs (RFC 5155 §8): closest encloser, NXDOMAIN, NODATA, wildcard answers and opt-out,
/// with the RFC 9276 iteration limit and the CVE-2023-50868 work limits of <see cref="DnssecLimits"/>.
/// </summary>
public static class Nsec3Denial
{
    /// <summary>Proves that <paramref name="qname"/> does not exist (RFC 5155 §8.4).</summary>
    public static DenialResult ProveNxDomain(DnsName qname, DnsName zone, IReadOnlyList<ResourceRecord> nsec3s,
        DnssecValidationOptions options)
    {
        var context = Context.Create(qname, zone, nsec3s, options, out var early);
        if (context is null)
        {
            return early!;
        }

        if (context.Match(qname) is not null)
        {
            return context.Fail(DnssecReasons.SnameNotCovered, $"an NSEC3 matches {qname}: the name exists", null);
        }

        var proof = context.ClosestEncloserProof(qname);
        if (proof.Failure is not null)
        {
            return proof.Failure;
        }

        var wildcard = DnsName.Parse("*").Concat(proof.Encloser!);
        var wildcardCover = context.Cover(wildcard);
        if (wildcardCover is null)
        {
            return context.Fail(DnssecReasons.WildcardNotCovered, $"no NSEC3 covers {wildcard}", proof.Encloser);
        }

        return context.Done(proof.OptOut ? DnssecSecurity.Insecure : DnssecSecurity.Secure,
            proof.OptOut ? DenialKind.OptOut : DenialKind.NxDomain, proof.OptOut ? DnssecReasons.OptOut : null,
            $"closest encloser {proof.Encloser}, next closer {proof.NextCloser} covered by {proof.CoverOwner}, {wildcard} covered",
            proof.Encloser);
    }

    /// <summary>
    /// Proves that <paramref name="qname"/> has no <paramref name="qtype"/> RRset (RFC 5155 §8.5–8.7): a matching NSEC3
    /// without the type; for DS a closest-encloser proof with an opt-out cover (insecure); or a wildcard NODATA.
    /// </summary>
    public static DenialResult ProveNoData(DnsName qname, DnsRecordType qtype, DnsName zone, IReadOnlyList<ResourceRecord> nsec3s,
        DnssecValidationOptions options)
    {
        var context = Context.Create(qname, zone, nsec3s, options, out var early);
        if (context is null)
        {
            return early!;
        }

        var match = context.Match(qname);
        if (match is not null)
        {
            return context.CheckBitmap(match.Value, qname, qtype, DenialKind.NoData, qname);
        }

        var proof = context.ClosestEncloserProof(qname);
        if (proof.Failure is not null)
        {
            return qtype == DnsRecordType.DS || proof.Failure.Reason == DnssecReasons.Nsec3WorkExceeded
                ? proof.Failure
                : context.Fail(DnssecReasons.MissingNsecForNodata, $"no NSEC3 matches {qname}", null);
        }

        if (qtype == DnsRecordType.DS)
        {
            // RFC 5155 §8.6: no matching NSEC3 for a DS query is acceptable only under opt-out.
            return proof.OptOut
                ? context.Done(DnssecSecurity.Insecure, DenialKind.OptOut, DnssecReasons.OptOut,
                    $"next closer {proof.NextCloser} covered by opt-out NSEC3 {proof.CoverOwner}", proof.Encloser)
                : context.Fail(DnssecReasons.MissingNsecForNodata,
                    $"no NSEC3 matches {qname} and the cover of {proof.NextCloser} is not opt-out", proof.Encloser);
        }

        // RFC 5155 §8.7: wildcard NODATA.
        var wildcard = DnsName.Parse("*").Concat(proof.Encloser!);
        var wildcardMatch = context.Match(wildcard);
        return wildcardMatch is null
            ? context.Fail(DnssecReasons.MissingNsecForNodata, $"no NSEC3 matches {qname} or {wildcard}", proof.Encloser)
            : context.CheckBitmap(wildcardMatch.Value, wildcard, qtype, DenialKind.WildcardNoData, proof.Encloser!);
    }

    /// <summary>
    /// Proves that a wildcard-expanded answer for <paramref name="qname"/> is legitimate (RFC 5155 §8.8): the next
    /// closer name below the closest encloser given by the RRSIG labels field is covered.
    /// </summary>
    public static DenialResult ProveWildcardAnswer(DnsName qname, int rrsigLabels, DnsName zone, IReadOnlyList<ResourceRecord> nsec3s,
        DnssecValidationOptions options)
    {
        var context = Context.Create(qname, zone, nsec3s, options, out var early);
        if (context is null)
        {
            return early!;
        }

        if (rrsigLabels >= qname.LabelCount)
        {
            return context.Fail(DnssecReasons.RrsigLabelsInvalid, $"RRSIG labels {rrsigLabels}: {qname} is no wildcard expansion", null);
        }

        var encloser = qname;
        var nextCloser = qname;
        while (encloser.LabelCount > rrsigLabels)
        {
            nextCloser = encloser;
            encloser = encloser.Parent;
        }

        var cover = context.Cover(nextCloser);
        return cover is null
            ? context.Fail(DnssecReasons.NextClosestEncloserNotCovered, $"no NSEC3 covers next closer {nextCloser}", encloser)
            : context.Done(DnssecSecurity.Secure, DenialKind.WildcardAnswer, null,
                $"next closer {nextCloser} covered by {cover.Value.Owner}", encloser);
    }

    private readonly record struct Nsec3Entry(DnsName Owner, byte[] Hash, Nsec3Record Record);

    private readonly record struct EncloserProof(DenialResult? Failure, DnsName? Encloser, DnsName? NextCloser, DnsName? CoverOwner,
        bool OptOut);

    private sealed class Context
    {
        private readonly List<Nsec3Entry> _entries;
        private readonly Nsec3Record _parameters;
        private readonly DnsName _zone;
        private int _hashes;

        private Context(List<Nsec3Entry> entries, DnsName zone)
        {
            _entries = entries;
            _parameters = entries[0].Record;
            _zone = zone;
        }

        public static Context? Create(DnsName qname, DnsName zone, IReadOnlyList<ResourceRecord> records, DnssecValidationOptions options,
            out DenialResult? early)
        {
            ArgumentNullException.ThrowIfNull(qname);
            ArgumentNullException.ThrowIfNull(zone);
            ArgumentNullException.ThrowIfNull(records);
            ArgumentNullException.ThrowIfNull(options);
            early = null;
            var all = records.Where(r => r.Data is Nsec3Record && r.Name.Parent == zone).ToList();
            if (all.Count > DnssecLimits.MaxNsec3RecordsPerProof)
            {
                early = new DenialResult(DnssecSecurity.Bogus, DenialKind.None, DnssecReasons.Nsec3WorkExceeded,
                    $"{all.Count} NSEC3 records, limit {DnssecLimits.MaxNsec3RecordsPerProof} (CVE-2023-50868)", null, 0);
                return null;
            }

            // RFC 5155 §8.1: NSEC3 RRs with an unknown hash algorithm are ignored.
            var known = all.Where(r => ((Nsec3Record)r.Data).HashAlgorithm == DnssecDigests.Nsec3Sha1).ToList();
            if (known.Count == 0)
            {
                early = all.Count == 0
                    ? new DenialResult(DnssecSecurity.Bogus, DenialKind.None, DnssecReasons.MissingNsecForNxdomain, "no NSEC3 records", null, 0)
                    : new DenialResult(DnssecSecurity.Insecure, DenialKind.None, DnssecReasons.Nsec3HashUnsupported,
                        "only NSEC3 records with unknown hash algorithms", null, 0);
                return null;
            }

            // RFC 9276 §3.2: above the limit, treat as insecure without hashing (CVE-2023-50868).
            var maxIterations = known.Max(r => ((Nsec3Record)r.Data).Iterations);
            if (maxIterations > options.MaxNsec3Iterations)
            {
                early = new DenialResult(DnssecSecurity.Insecure, DenialKind.None, DnssecReasons.Nsec3IterationsExceeded,
                    $"NSEC3 iterations {maxIterations} above {options.MaxNsec3Iterations} (RFC 9276 §3.2)", null, 0);
                return null;
            }

            var entries = new List<Nsec3Entry>();
            foreach (var record in known)
            {
                if (Base32Hex.TryDecode(System.Text.Encoding.ASCII.GetString(record.Name.GetLabel(0)), out var hash))
                {
                    entries.Add(new Nsec3Entry(record.Name, hash, (Nsec3Record)record.Data));
                }
            }

            if (entries.Count == 0)
            {
                early = new DenialResult(DnssecSecurity.Bogus, DenialKind.None, DnssecReasons.MissingNsecForNxdomain,
                    "no NSEC3 owner is a base32hex hash", null, 0);
                return null;
            }

            return new Context(entries, zone);
        }

        public Nsec3Entry? Match(DnsName name)
        {
            var hash = Hash(name);
            return hash is null ? null : _entries.FirstOrDefault(e => e.Hash.AsSpan().SequenceEqual(hash)) is { Record: not null } m ? m : null;
        }

        public Nsec3Entry? Cover(DnsName name)
        {
            var hash = Hash(name);
            if (hash is null)
            {
                return null;
            }

            foreach (var entry in _entries)
            {
                var next = entry.Record.NextHashedOwner.Span;
                var afterOwner = hash.AsSpan().SequenceCompareTo(entry.Hash) > 0;
                var beforeNext = hash.AsSpan().SequenceCompareTo(next) < 0;
                var wraps = next.SequenceCompareTo(entry.Hash) <= 0;
                if (wraps ? afterOwner || beforeNext : afterOwner && beforeNext)
                {
                    return entry;
                }
            }

            return null;
        }

        // RFC 5155 §8.3: the closest encloser matches an NSEC3; the next closer name is covered by one.
        public EncloserProof ClosestEncloserProof(DnsName qname)
        {
            if (!qname.IsSubdomainOf(_zone))
            {
                return new EncloserProof(Fail(DnssecReasons.NoClosestEncloser, $"{qname} is not in {_zone}", null), null, null, null, false);
            }

            var nextCloser = qname;
            var candidate = qname;
            while (candidate.LabelCount >= _zone.LabelCount)
            {
                if (_hashes >= DnssecLimits.MaxNsec3HashesPerProof)
                {
                    return new EncloserProof(Fail(DnssecReasons.Nsec3WorkExceeded,
                        $"closest encloser search stopped after {_hashes} hashes (CVE-2023-50868)", null), null, null, null, false);
                }

                if (candidate != qname && Match(candidate) is { } match)
                {
                    // RFC 5155 §8.3: an encloser at a delegation or DNAME cannot prove names below it.
                    var types = match.Record.Types;
                    if ((types.Contains(DnsRecordType.NS) && !types.Contains(DnsRecordType.SOA)) || types.Contains(DnsRecordType.DNAME))
                    {
                        return new EncloserProof(Fail(DnssecReasons.NoClosestEncloser,
                            $"closest encloser {candidate} is a delegation or DNAME", candidate), null, null, null, false);
                    }

                    var cover = Cover(nextCloser);
                    if (cover is null)
                    {
                        return new EncloserProof(Fail(DnssecReasons.NextClosestEncloserNotCovered,
                            $"no NSEC3 covers next closer {nextCloser}", candidate), null, null, null, false);
                    }

                    return new EncloserProof(null, candidate, nextCloser, cover.Value.Owner, (cover.Value.Record.Flags & 1) != 0);
                }

                if (candidate.IsRoot)
                {
                    break;
                }

                nextCloser = candidate;
                candidate = candidate.Parent;
            }

            return new EncloserProof(Fail(DnssecReasons.NoClosestEncloser, $"no NSEC3 matches an ancestor of {qname}", null),
                null, null, null, false);
        }

        public DenialResult CheckBitmap(Nsec3Entry match, DnsName name, DnsRecordType qtype, DenialKind kind, DnsName encloser)
        {
            var types = match.Record.Types;
            if (types.Contains(qtype) || (qtype != DnsRecordType.CNAME && types.Contains(DnsRecordType.CNAME)))
            {
                return Fail(DnssecReasons.StypeInBitmap, $"NSEC3 {match.Owner} for {name} lists {qtype} or CNAME", encloser);
            }

            // RFC 5155 §8.5/§8.6: a parent-side NSEC3 at a delegation denies only DS.
            if (qtype != DnsRecordType.DS && types.Contains(DnsRecordType.NS) && !types.Contains(DnsRecordType.SOA))
            {
                return Fail(DnssecReasons.MissingNsecForNodata, $"NSEC3 {match.Owner} is a delegation; it cannot deny {qtype}", encloser);
            }

            return Done(DnssecSecurity.Secure, kind, null, $"NSEC3 {match.Owner} matches {name}, bitmap lacks {qtype}", encloser);
        }

        public DenialResult Fail(string reason, string detail, DnsName? encloser) =>
            new(DnssecSecurity.Bogus, DenialKind.None, reason, detail, encloser, _hashes);

        public DenialResult Done(DnssecSecurity security, DenialKind kind, string? reason, string detail, DnsName? encloser) =>
            new(security, kind, reason, detail, encloser, _hashes);

        private byte[]? Hash(DnsName name)
        {
            if (_hashes >= DnssecLimits.MaxNsec3HashesPerProof)
            {
                return null;
            }

            _hashes++;
            return DnssecDigests.ComputeNsec3Hash(name, _parameters.Iterations, _parameters.Salt.Span);
        }
    }
}
