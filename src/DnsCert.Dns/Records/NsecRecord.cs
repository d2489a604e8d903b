using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>NSEC: the next owner name and the types present here (RFC 4034 §4).</summary>
public sealed class NsecRecord : RecordData
{
    private readonly DnsRecordType[] _types;

    /// <summary>Creates an NSEC record.</summary>
    public NsecRecord(DnsName nextName, IEnumerable<DnsRecordType> types)
    {
        ArgumentNullException.ThrowIfNull(nextName);
        ArgumentNullException.ThrowIfNull(types);
        NextName = nextName;
        _types = types is DnsRecordType[] sorted && IsStrictlyAscending(sorted) ? sorted : [.. types.Distinct().Order()];
    }

    /// <summary>Next owner name in canonical order.</summary>
    public DnsName NextName { get; }

    /// <summary>Types at the owner, ascending.</summary>
    public IReadOnlyList<DnsRecordType> Types => _types;

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.NSEC;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteName(NextName, false, canonical);
        TypeBitmap.Write(writer, _types);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        NextName.AppendTo(sb);
        TypeBitmap.Append(sb, _types);
    }

    internal static NsecRecord Read(ref DnsWireReader reader) => new(reader.ReadName(), TypeBitmap.Read(ref reader));

    internal static NsecRecord Parse(PresentationReader reader) => new(reader.NextName("next name"), TypeBitmap.Parse(reader));

    // The decoder yields bitmap types in strictly ascending order, so they can be kept without re-sorting.
    private static bool IsStrictlyAscending(DnsRecordType[] types)
    {
        for (var i = 1; i < types.Length; i++)
        {
            if (types[i] <= types[i - 1])
            {
                return false;
            }
        }

        return true;
    }
}
