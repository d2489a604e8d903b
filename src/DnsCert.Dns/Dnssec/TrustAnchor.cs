using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Dnssec;

/// <summary>A configured trust anchor: DS or DNSKEY records for one zone (RFC 4035 §4.4).</summary>
public sealed class TrustAnchor
{
    /// <summary>Creates an anchor for <paramref name="zone"/>.</summary>
    public TrustAnchor(DnsName zone, IEnumerable<DelegationSignerData> ds, IEnumerable<KeyRecordData> keys)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(keys);
        Zone = zone;
        Ds = [.. ds];
        Keys = [.. keys];
    }

    /// <summary>The zone whose DNSKEY RRset the anchor authenticates.</summary>
    public DnsName Zone { get; }

    /// <summary>DS-style anchors.</summary>
    public IReadOnlyList<DelegationSignerData> Ds { get; }

    /// <summary>DNSKEY-style anchors.</summary>
    public IReadOnlyList<KeyRecordData> Keys { get; }

    /// <summary>
    /// Parses one or more DS or DNSKEY records in zone-file syntax (TTL optional), e.g.
    /// <c>. IN DS 19036 8 2 49AAC11D…</c>. All records must have the same owner.
    /// </summary>
    /// <exception cref="ZoneFileException">Unparseable text, no record, another type, or mixed owners.</exception>
    public static TrustAnchor Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = ZoneFileReader.Read(new StringReader(text), new ZoneFileReaderOptions
        {
            Origin = DnsName.Root,
            DefaultTtl = 0,
            AllowInclude = false,
        }, "<anchor>").ToList();
        if (records.Count == 0)
        {
            throw new ZoneFileException("<anchor>", 1, 1, "no DS or DNSKEY record in the trust anchor");
        }

        var zone = records[0].Name;
        if (records.Any(r => r.Name != zone || r.Data is not (DelegationSignerData or KeyRecordData)))
        {
            throw new ZoneFileException("<anchor>", 1, 1, "a trust anchor is DS or DNSKEY records of one owner");
        }

        return new TrustAnchor(zone, records.Select(r => r.Data).OfType<DelegationSignerData>(),
            records.Select(r => r.Data).OfType<KeyRecordData>());
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(", ", Ds.Select(d => $"{Zone} DS {d.KeyTag} {d.Algorithm} {d.DigestType}")
            .Concat(Keys.Select(k => $"{Zone} DNSKEY {k.KeyTag} {k.Algorithm}")));
}
