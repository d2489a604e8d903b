using System.Net;
using DnsCert.Dns;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;
using DnsCert.Monitoring.Checks;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Monitoring.Changes;

/// <summary>
/// A delegation in one normalised spelling, so that comparing two of them never invents a change: names in lower case
/// with the trailing dot, addresses in their canonical text (RFC 5952 for IPv6, via <see cref="IPAddress"/>), DS as
/// "tag alg type HEX" with the digest in upper case. Sorted sets, so the JSON form is stable too.
/// </summary>
public sealed record DelegationSnapshot
{
    public required string Zone { get; init; }

    /// <summary>Parent NS names.</summary>
    public required IReadOnlyList<string> NameServers { get; init; }

    /// <summary>Glue per NS name (only names that have some).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Glue { get; init; }

    /// <summary>DS records at the parent.</summary>
    public required IReadOnlyList<string> Ds { get; init; }

    /// <summary>Addresses that answered authoritatively (from a check; empty for snapshots taken from a zone file).</summary>
    public IReadOnlyList<string> AuthoritativeAddresses { get; init; } = [];

    public string? SoaMname { get; init; }

    public string? SoaRname { get; init; }

    public uint? SoaSerial { get; init; }

    public static string Name(DnsName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return DelegationChecks.Normal(name);
    }

    public static string Address(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    public static string DsText(DelegationSignerData ds)
    {
        ArgumentNullException.ThrowIfNull(ds);
        return $"{ds.KeyTag} {ds.Algorithm} {ds.DigestType} {Convert.ToHexString(ds.Digest.Span)}";
    }

    /// <summary>Builds a snapshot from records: NS and DS owned by the zone, A/AAAA owned by its NS names.</summary>
    public static DelegationSnapshot FromRecords(DnsName zone, IEnumerable<ResourceRecord> ns, IEnumerable<ResourceRecord> ds, ILookup<DnsName, ResourceRecord> addresses)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(addresses);
        var names = ns.Where(r => r.Type == DnsRecordType.NS && r.Name == zone).Select(r => ((NsRecord)r.Data).Target).DistinctBy(Name).ToList();
        var glue = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var list = RootHints.Addresses(addresses[name], name).Select(Address).Distinct().Order(StringComparer.Ordinal).ToList();
            if (list.Count > 0)
            {
                glue[Name(name)] = list;
            }
        }

        return new DelegationSnapshot
        {
            Zone = Name(zone),
            NameServers = names.Select(Name).Order(StringComparer.Ordinal).ToList(),
            Glue = glue,
            Ds = ds.Where(r => r.Type == DnsRecordType.DS && r.Name == zone).Select(r => DsText((DelegationSignerData)r.Data)).Distinct().Order(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>What a check observed: the referral's NS and glue, the DS, the SOA and the servers answering AA.</summary>
    public static DelegationSnapshot FromObservation(ZoneObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var referral = observation.Delegation.Referral?.Response;
        var records = referral is null ? [] : referral.Authorities.Concat(referral.Additionals).ToList();
        var ds = observation.ParentDs.Where(p => p.AuthoritativeOk).Take(1).SelectMany(p => p.Response!.Answers).ToList();
        var snapshot = FromRecords(observation.Zone, records, ds, records.ToLookup(r => r.Name));
        var soa = observation.Servers.Where(s => s.SoaUdp.AuthoritativeOk).SelectMany(s => s.SoaUdp.AnswerRecords(DnsRecordType.SOA, observation.Zone))
            .Select(r => (SoaRecord)r.Data).OrderByDescending(s => s.Serial).FirstOrDefault();
        return snapshot with
        {
            AuthoritativeAddresses = observation.Servers.Where(s => s.SoaUdp.Authoritative || s.SoaTcp is { Authoritative: true })
                .Select(s => Address(s.Address)).Distinct().Order(StringComparer.Ordinal).ToList(),
            SoaMname = soa is null ? null : Name(soa.PrimaryServer),
            SoaRname = soa is null ? null : Name(soa.ResponsibleMailbox),
            SoaSerial = soa?.Serial,
        };
    }

    /// <summary>The delegation of every child zone of <paramref name="origin"/> in a zone file (e.g. every TLD in a root zone file).</summary>
    public static IReadOnlyDictionary<string, DelegationSnapshot> FromZoneFile(string path, DnsName origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return FromZone(ZoneFileReader.ReadFile(path, new ZoneFileReaderOptions { Origin = origin, AllowInclude = false }), origin);
    }

    /// <summary>The delegation of every child zone of <paramref name="origin"/> among the records of that zone.</summary>
    public static IReadOnlyDictionary<string, DelegationSnapshot> FromZone(IEnumerable<ResourceRecord> zoneRecords, DnsName origin)
    {
        ArgumentNullException.ThrowIfNull(zoneRecords);
        ArgumentNullException.ThrowIfNull(origin);
        var records = zoneRecords.Where(r => r.Type is DnsRecordType.NS or DnsRecordType.DS or DnsRecordType.A or DnsRecordType.AAAA).ToList();
        var addresses = records.Where(r => r.Type is DnsRecordType.A or DnsRecordType.AAAA).ToLookup(r => r.Name);
        var byOwner = records.Where(r => r.Type is DnsRecordType.NS or DnsRecordType.DS && r.Name != origin).ToLookup(r => r.Name);
        return byOwner.ToDictionary(g => Name(g.Key), g => FromRecords(g.Key, g, g, addresses), StringComparer.Ordinal);
    }
}
