using DnsCert.Dns.Names;
using DnsCert.Dns.Records;

namespace DnsCert.Dns.Dnssec;

/// <summary>NSEC denial-of-existence proofs (RFC 4035 §5.4, RFC 6840 §4.1, §4.3).</summary>
public static class NsecDenial
{
    /// <summary>Proves that <paramref name="qname"/> does not exist and that no wildcard covers it.</summary>
    public static DenialResult ProveNxDomain(DnsName qname, DnsName zone, IReadOnlyList<ResourceRecord> nsecs)
    {
        var records = Nsecs(nsecs, zone);
        if (records.Count == 0)
        {
            return Fail(DnssecReasons.MissingNsecForNxdomain, "no NSEC records");
        }

        if (records.Any(r => r.Owner == qname))
        {
            return Fail(DnssecReasons.SnameNotCovered, $"an NSEC owned by {qname} shows that the name exists");
        }

        var cover = records.FirstOrDefault(r => Covers(r, qname, zone));
        if (cover.Nsec is null)
        {
            return Fail(DnssecReasons.SnameNotCovered, $"no NSEC covers {qname}");
        }

        var encloser = ClosestEncloser(qname, cover);
        var wildcard = DnsName.Parse("*").Concat(encloser);
        if (!records.Any(r => Covers(r, wildcard, zone)))
        {
            return new DenialResult(DnssecSecurity.Bogus, DenialKind.None, DnssecReasons.WildcardNotCovered,
                $"no NSEC covers {wildcard}", encloser, 0);
        }

        return new DenialResult(DnssecSecurity.Secure, DenialKind.NxDomain, null,
            $"NSEC {cover.Owner} -> {cover.Nsec.NextName} covers {qname}; {wildcard} covered", encloser, 0);
    }

    /// <summary>Proves that <paramref name="qname"/> has no <paramref name="qtype"/> RRset (directly or through a wildcard).</summary>
    public static DenialResult ProveNoData(DnsName qname, DnsRecordType qtype, DnsName zone, IReadOnlyList<ResourceRecord> nsecs)
    {
        var records = Nsecs(nsecs, zone);
        var match = records.FirstOrDefault(r => r.Owner == qname);
        if (match.Nsec is not null)
        {
            return CheckBitmap(match, qname, qtype, DenialKind.NoData, null);
        }

        // RFC 4035 §3.1.3.4: wildcard NODATA needs the name covered and the wildcard matched without the type.
        var cover = records.FirstOrDefault(r => Covers(r, qname, zone));
        if (cover.Nsec is null)
        {
            return Fail(DnssecReasons.MissingNsecForNodata, $"no NSEC matches or covers {qname}");
        }

        var encloser = ClosestEncloser(qname, cover);
        var wildcard = DnsName.Parse("*").Concat(encloser);
        var wildcardMatch = records.FirstOrDefault(r => r.Owner == wildcard);
        return wildcardMatch.Nsec is null
            ? new DenialResult(DnssecSecurity.Bogus, DenialKind.None, DnssecReasons.MissingNsecForNodata,
                $"{qname} covered but no NSEC matches {wildcard}", encloser, 0)
            : CheckBitmap(wildcardMatch, wildcard, qtype, DenialKind.WildcardNoData, encloser);
    }

    /// <summary>
    /// Proves that a wildcard-synthesised answer for <paramref name="qname"/> is legitimate: an NSEC covers the name,
    /// so no exact match exists (RFC 4035 §5.3.4).
    /// </summary>
    public static DenialResult ProveWildcardAnswer(DnsName qname, int rrsigLabels, DnsName zone, IReadOnlyList<ResourceRecord> nsecs)
    {
        ArgumentNullException.ThrowIfNull(qname);
        var encloser = qname;
        while (encloser.LabelCount > rrsigLabels)
        {
            encloser = encloser.Parent;
        }

        var cover = Nsecs(nsecs, zone).FirstOrDefault(r => Covers(r, qname, zone));
        return cover.Nsec is null
            ? new DenialResult(DnssecSecurity.Bogus, DenialKind.None, DnssecReasons.SnameNotCovered,
                $"no NSEC covers {qname} to justify the wildcard answer", encloser, 0)
            : new DenialResult(DnssecSecurity.Secure, DenialKind.WildcardAnswer, null,
                $"NSEC {cover.Owner} -> {cover.Nsec.NextName} covers {qname}", encloser, 0);
    }

    /// <summary>
    /// True when the NSEC at <paramref name="owner"/> covers <paramref name="name"/>: owner &lt; name &lt; next in
    /// canonical order, the last NSEC wrapping to the apex.
    /// </summary>
    public static bool Covers(DnsName owner, NsecRecord nsec, DnsName name)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(nsec);
        ArgumentNullException.ThrowIfNull(name);
        var next = nsec.NextName;
        return owner.CompareTo(next) < 0
            ? owner.CompareTo(name) < 0 && name.CompareTo(next) < 0
            : owner.CompareTo(name) < 0 || name.CompareTo(next) < 0;
    }

    private static bool Covers((DnsName Owner, NsecRecord Nsec) record, DnsName name, DnsName zone)
    {
        if (!name.IsSubdomainOf(zone) || !Covers(record.Owner, record.Nsec, name))
        {
            return false;
        }

        // RFC 6840 §4.1: an NSEC at a delegation (NS without SOA) or a DNAME says nothing about names below it.
        var types = record.Nsec.Types;
        var cut = (types.Contains(DnsRecordType.NS) && !types.Contains(DnsRecordType.SOA)) || types.Contains(DnsRecordType.DNAME);
        return !(cut && name.IsSubdomainOf(record.Owner) && name != record.Owner);
    }

    // RFC 4035 §5.4 / RFC 6840 §4.3: the closest encloser is the longest ancestor shared with the owner or the next name.
    private static DnsName ClosestEncloser(DnsName qname, (DnsName Owner, NsecRecord Nsec) cover)
    {
        var a = CommonAncestor(qname, cover.Owner);
        var b = CommonAncestor(qname, cover.Nsec.NextName);
        return a.LabelCount >= b.LabelCount ? a : b;
    }

    private static DnsName CommonAncestor(DnsName a, DnsName b)
    {
        while (!b.IsSubdomainOf(a))
        {
            a = a.Parent;
        }

        return a;
    }

    private static DenialResult CheckBitmap((DnsName Owner, NsecRecord Nsec) match, DnsName name, DnsRecordType qtype, DenialKind kind,
        DnsName? encloser)
    {
        var types = match.Nsec.Types;
        if (types.Contains(qtype) || (qtype != DnsRecordType.CNAME && types.Contains(DnsRecordType.CNAME)))
        {
            return new DenialResult(DnssecSecurity.Bogus, DenialKind.None, DnssecReasons.StypeInBitmap,
                $"NSEC {name} lists {qtype} or CNAME", encloser, 0);
        }

        // RFC 6840 §4.4: a parent-side NSEC at a delegation cannot deny types other than DS.
        if (qtype != DnsRecordType.DS && types.Contains(DnsRecordType.NS) && !types.Contains(DnsRecordType.SOA))
        {
            return new DenialResult(DnssecSecurity.Bogus, DenialKind.None, DnssecReasons.MissingNsecForNodata,
                $"NSEC {name} is a delegation; it cannot deny {qtype}", encloser, 0);
        }

        return new DenialResult(DnssecSecurity.Secure, kind, null, $"NSEC {name} bitmap lacks {qtype}", encloser ?? name, 0);
    }

    private static List<(DnsName Owner, NsecRecord Nsec)> Nsecs(IReadOnlyList<ResourceRecord> records, DnsName zone)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(zone);
        return [.. records.Where(r => r.Data is NsecRecord && r.Name.IsSubdomainOf(zone)).Select(r => (r.Name, (NsecRecord)r.Data))];
    }

    private static DenialResult Fail(string reason, string detail) => new(DnssecSecurity.Bogus, DenialKind.None, reason, detail, null, 0);
}
