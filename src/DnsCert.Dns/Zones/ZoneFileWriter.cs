using DnsCert.Dns.Records;

namespace DnsCert.Dns.Zones;

/// <summary>
/// Writes records as canonical presentation: one record per line, absolute owner, explicit TTL and class, tabs
/// between fields, no directives — the form that diffs and other tools read without context.
/// </summary>
public static class ZoneFileWriter
{
    /// <summary>Writes records in the order given.</summary>
    public static void Write(TextWriter writer, IEnumerable<ResourceRecord> records)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            writer.Write(record.ToString());
            writer.Write('\n');
        }
    }

    /// <summary>Writes records asynchronously in the order given.</summary>
    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<ResourceRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(records);
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync((record + "\n").AsMemory(), cancellationToken);
        }
    }

    /// <summary>
    /// Returns the records in RFC 4034 canonical form and order: names lower-cased, sorted by owner (§6.1), then
    /// class and type, then canonical RDATA (§6.3), with exact duplicates removed. This materialises the zone.
    /// </summary>
    public static IReadOnlyList<ResourceRecord> Canonicalize(IEnumerable<ResourceRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var list = records
            .Select(r => new ResourceRecord(r.Name.ToLowerInvariant(), r.Class, r.Ttl, RecordData.FromWire(r.Type, r.Data.ToCanonicalWire())))
            .Distinct()
            .ToList();
        list.Sort(CompareCanonical);
        return list;
    }

    /// <summary>RFC 4034 §6 order of records.</summary>
    public static int CompareCanonical(ResourceRecord? x, ResourceRecord? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var byName = x.Name.CompareTo(y.Name);
        if (byName != 0)
        {
            return byName;
        }

        var byClass = ((ushort)x.Class).CompareTo((ushort)y.Class);
        if (byClass != 0)
        {
            return byClass;
        }

        var byType = ((ushort)x.Type).CompareTo((ushort)y.Type);
        return byType != 0 ? byType : x.Data.ToCanonicalWire().AsSpan().SequenceCompareTo(y.Data.ToCanonicalWire());
    }
}
