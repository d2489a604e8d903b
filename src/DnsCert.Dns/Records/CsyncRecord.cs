using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>CSYNC: which child records the parent should copy (RFC 7477).</summary>
public sealed class CsyncRecord : RecordData
{
    private readonly DnsRecordType[] _types;

    /// <summary>Creates a CSYNC record.</summary>
    public CsyncRecord(uint soaSerial, ushort flags, IEnumerable<DnsRecordType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        SoaSerial = soaSerial;
        Flags = flags;
        _types = types is DnsRecordType[] sorted && IsStrictlyAscending(sorted) ? sorted : [.. types.Distinct().Order()];
    }

    /// <summary>Child SOA serial the request refers to.</summary>
    public uint SoaSerial { get; }

    /// <summary>Flags: 1 immediate, 2 soaminimum.</summary>
    public ushort Flags { get; }

    /// <summary>Types to synchronise.</summary>
    public IReadOnlyList<DnsRecordType> Types => _types;

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.CSYNC;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteUInt32(SoaSerial);
        writer.WriteUInt16(Flags);
        TypeBitmap.Write(writer, _types);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append(N(SoaSerial)).Append(' ').Append(N(Flags));
        TypeBitmap.Append(sb, _types);
    }

    internal static CsyncRecord Read(ref DnsWireReader reader) =>
        new(reader.ReadUInt32(), reader.ReadUInt16(), TypeBitmap.Read(ref reader));

    internal static CsyncRecord Parse(PresentationReader reader) =>
        new(reader.NextUInt32("SOA serial"), reader.NextUInt16("flags"), TypeBitmap.Parse(reader));

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
