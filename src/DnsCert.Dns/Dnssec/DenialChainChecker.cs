using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Dnssec;

/// <summary>
/// Checks the NSEC or NSEC3 chain of a whole zone as its names stream by (RFC 4034 §4, RFC 5155 §7.1): every
/// authoritative name has its record, each points at the next, the last at the first, and bitmaps list the types present.
/// Names are collected and checked at the end, once the zone cuts are known, so the input need not be sorted; memory
/// grows with the number of names.
/// </summary>
internal sealed class DenialChainChecker(DnsName zone, Nsec3ParamRecord? nsec3Param, DnssecValidationOptions options, Action<ZoneFinding> report)
{
    private readonly List<(DnsName Name, DnsRecordType[] Types, bool Delegation, NsecRecord? Nsec)> _names = [];
    private readonly List<(byte[] Hash, DnsName Owner, Nsec3Record Record)> _nsec3s = [];

    /// <summary>Called for each owner in the zone that is not (yet known to be) below a cut, with its records.</summary>
    public void Name(DnsName owner, IReadOnlyList<ResourceRecord> group, bool delegation)
    {
        if (nsec3Param is not null)
        {
            foreach (var record in group)
            {
                if (record.Data is Nsec3Record nsec3 && record.Name.Parent == zone
                    && Base32Hex.TryDecode(System.Text.Encoding.ASCII.GetString(record.Name.GetLabel(0)), out var hash))
                {
                    _nsec3s.Add((hash, record.Name, nsec3));
                }
            }

            // A name that holds only NSEC3 (and its RRSIGs) is part of the hashed chain, not of the zone's names.
            if (group.All(r => r.Type is DnsRecordType.NSEC3 || (r.Data is RrsigRecord s && s.TypeCovered == DnsRecordType.NSEC3)))
            {
                return;
            }
        }

        _names.Add((owner, TypesAt(group, delegation, nsec3Param is null ? DnsRecordType.NSEC : DnsRecordType.NSEC3), delegation,
            group.Select(r => r.Data).OfType<NsecRecord>().FirstOrDefault()));
    }

    /// <summary>Called after the last record, with the zone cuts now all known.</summary>
    public void Finish(Func<DnsName, bool> belowCut)
    {
        _names.RemoveAll(n => belowCut(n.Name));
        if (nsec3Param is null)
        {
            FinishNsec();
        }
        else
        {
            FinishNsec3(nsec3Param);
        }
    }

    private void FinishNsec()
    {
        var names = _names.OrderBy(n => n.Name).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var (name, types, _, nsec) = names[i];
            if (nsec is null)
            {
                report(new ZoneFinding(name, DnsRecordType.NSEC, DnssecSecurity.Bogus, DnssecReasons.MissingNsecForName,
                    "no NSEC at an authoritative name"));
                continue;
            }

            var next = i + 1 < names.Count ? names[i + 1].Name : zone;
            if (nsec.NextName != next)
            {
                report(new ZoneFinding(name, DnsRecordType.NSEC, DnssecSecurity.Bogus, DnssecReasons.NsecChainBroken,
                    $"next name {nsec.NextName}, but the next name in the zone is {next}"));
            }

            CheckBitmap(name, DnsRecordType.NSEC, nsec.Types, types);
        }
    }

    private void FinishNsec3(Nsec3ParamRecord parameters)
    {
        if (parameters.HashAlgorithm != DnssecDigests.Nsec3Sha1)
        {
            report(new ZoneFinding(zone, DnsRecordType.NSEC3PARAM, DnssecSecurity.Indeterminate, DnssecReasons.Nsec3HashUnsupported,
                $"hash algorithm {parameters.HashAlgorithm}"));
            return;
        }

        // RFC 9276 §3.2, CVE-2023-50868: do not hash every name of a zone with a hostile iteration count.
        if (parameters.Iterations > options.MaxNsec3Iterations)
        {
            report(new ZoneFinding(zone, DnsRecordType.NSEC3PARAM, DnssecSecurity.Insecure, DnssecReasons.Nsec3IterationsExceeded,
                $"{parameters.Iterations} iterations, limit {options.MaxNsec3Iterations}: the NSEC3 chain was not checked"));
            return;
        }

        var ring = _nsec3s.OrderBy(n => n.Hash, ByteComparer.Instance).ToList();
        for (var i = 0; i < ring.Count; i++)
        {
            var next = ring[(i + 1) % ring.Count];
            if (!ring[i].Record.NextHashedOwner.Span.SequenceEqual(next.Hash))
            {
                report(new ZoneFinding(ring[i].Owner, DnsRecordType.NSEC3, DnssecSecurity.Bogus, DnssecReasons.NsecChainBroken,
                    $"next hashed owner {Base32Hex.Encode(ring[i].Record.NextHashedOwner.Span)}, but the next NSEC3 is {next.Owner}"));
            }
        }

        // Every name and every empty non-terminal between it and the apex needs an NSEC3, except unsigned delegations
        // covered by an opt-out NSEC3 (RFC 5155 §7.1).
        var expected = new Dictionary<DnsName, (DnsRecordType[] Types, bool Unsigned)>();
        foreach (var (name, types, delegation, _) in _names)
        {
            var unsignedDelegation = delegation && !types.Contains(DnsRecordType.DS);
            expected[name] = (types, unsignedDelegation);
            for (var ancestor = name.Parent; ancestor.LabelCount > zone.LabelCount && !expected.ContainsKey(ancestor); ancestor = ancestor.Parent)
            {
                expected[ancestor] = ([], false);
            }
        }

        foreach (var (name, (types, unsignedDelegation)) in expected)
        {
            var hash = DnssecDigests.ComputeNsec3Hash(name, parameters.Iterations, parameters.Salt.Span);
            var index = ring.FindIndex(n => n.Hash.AsSpan().SequenceEqual(hash));
            if (index >= 0)
            {
                CheckBitmap(name, DnsRecordType.NSEC3, ring[index].Record.Types, types);
                continue;
            }

            var optOut = unsignedDelegation && ring.Any(n => (n.Record.Flags & 1) != 0 && Covers(n.Hash, n.Record.NextHashedOwner.Span, hash));
            if (!optOut)
            {
                report(new ZoneFinding(name, DnsRecordType.NSEC3, DnssecSecurity.Bogus, DnssecReasons.MissingNsecForName,
                    $"no NSEC3 with hash {Base32Hex.Encode(hash)}"));
            }
        }
    }

    private static bool Covers(byte[] owner, ReadOnlySpan<byte> next, byte[] hash)
    {
        var afterOwner = hash.AsSpan().SequenceCompareTo(owner) > 0;
        var beforeNext = hash.AsSpan().SequenceCompareTo(next) < 0;
        return next.SequenceCompareTo(owner) <= 0 ? afterOwner || beforeNext : afterOwner && beforeNext;
    }

    private void CheckBitmap(DnsName owner, DnsRecordType type, IReadOnlyList<DnsRecordType> listed, DnsRecordType[] present)
    {
        if (!listed.SequenceEqual(present))
        {
            report(new ZoneFinding(owner, type, DnssecSecurity.Bogus, DnssecReasons.NsecBitmapMismatch,
                $"bitmap {string.Join(' ', listed.Select(DnsMnemonics.TypeToString))}, types present {string.Join(' ', present.Select(DnsMnemonics.TypeToString))}"));
        }
    }

    // The types an NSEC/NSEC3 at this name must list: at a delegation only the parent's NS, DS and the chain's own types.
    private static DnsRecordType[] TypesAt(IReadOnlyList<ResourceRecord> group, bool delegation, DnsRecordType chainType)
    {
        var types = group.Select(r => r.Type)
            .Where(t => !delegation || t is DnsRecordType.NS or DnsRecordType.DS or DnsRecordType.RRSIG or DnsRecordType.NSEC)
            .Where(t => t != DnsRecordType.NSEC3)
            .ToHashSet();
        if (chainType == DnsRecordType.NSEC)
        {
            types.Add(DnsRecordType.NSEC);
            types.Add(DnsRecordType.RRSIG);
        }
        else if (types.Count > 0 && (!delegation || types.Contains(DnsRecordType.DS)))
        {
            // RFC 5155 §7.1: RRSIG is listed when the name has signed RRsets (not at an unsigned delegation).
            types.Add(DnsRecordType.RRSIG);
        }

        return [.. types.Order()];
    }

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
