using System.Net;
using DnsCert.Dns;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Monitoring.Resolution;

/// <summary>A name server of a zone with the addresses known for it (glue, hints or resolution).</summary>
public sealed record NameServer(DnsName Name, IReadOnlyList<IPAddress> Addresses);

/// <summary>A zone and the servers its parent (or the hints) name for it.</summary>
public sealed record ZoneCut(DnsName Zone, IReadOnlyList<NameServer> Servers);

/// <summary>Root hints: the <c>.</c> NS records and their A/AAAA, in zone-file syntax (named.root, Unbound's root.hints).</summary>
public static class RootHints
{
    /// <summary>Debian's dns-root-data copy of IANA's named.root: the real root servers.</summary>
    public const string DefaultFile = "/usr/share/dns/root.hints";

    /// <summary>Debian's dns-root-data copy of the IANA root trust anchor (DS records).</summary>
    public const string DefaultAnchorFile = "/usr/share/dns/root.ds";

    /// <exception cref="ZoneFileException">The file does not parse or names no root server with an address.</exception>
    public static ZoneCut Load(string path)
    {
        var records = ZoneFileReader.ReadFile(path, new ZoneFileReaderOptions { Origin = DnsName.Root, DefaultTtl = 3600000, AllowInclude = false }).ToList();
        var cut = FromRecords(records);
        if (cut.Servers.All(s => s.Addresses.Count == 0))
        {
            throw new ZoneFileException(path, 1, 1, "the root hints name no root server with an A or AAAA record");
        }

        return cut;
    }

    public static ZoneCut FromRecords(IReadOnlyList<ResourceRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var names = records.Where(r => r.Type == DnsRecordType.NS && r.Name.IsRoot).Select(r => ((NsRecord)r.Data).Target).Distinct().ToList();
        return new ZoneCut(DnsName.Root, names.Select(n => new NameServer(n, Addresses(records, n))).ToList());
    }

    /// <summary>A/AAAA addresses of <paramref name="name"/> among <paramref name="records"/>, normalised and deduplicated.</summary>
    public static IReadOnlyList<IPAddress> Addresses(IEnumerable<ResourceRecord> records, DnsName name) =>
        records.Where(r => r.Name == name).Select(r => r.Data switch
        {
            ARecord a => a.Address,
            AaaaRecord aaaa => aaaa.Address,
            _ => null,
        }).OfType<IPAddress>().Distinct().ToList();
}
