using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>URI: a URI for a service (RFC 7553).</summary>
public sealed class UriRecord : RecordData
{
    /// <summary>Creates a URI record.</summary>
    public UriRecord(ushort priority, ushort weight, byte[] target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Priority = priority;
        Weight = weight;
        Target = target;
    }

    /// <summary>Lower is tried first.</summary>
    public ushort Priority { get; }

    /// <summary>Relative weight.</summary>
    public ushort Weight { get; }

    /// <summary>The URI octets (not length-prefixed on the wire).</summary>
    public ReadOnlyMemory<byte> Target { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.URI;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteUInt16(Priority);
        writer.WriteUInt16(Weight);
        writer.WriteBytes(Target.Span);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append(N(Priority)).Append(' ').Append(N(Weight)).Append(' ');
        AppendQuoted(sb, Target.Span);
    }

    internal static UriRecord Read(ref DnsWireReader reader)
    {
        var priority = reader.ReadUInt16();
        var weight = reader.ReadUInt16();
        if (reader.Remaining == 0)
        {
            throw new DnsFormatException(reader.Position, "URI target must not be empty (RFC 7553 §4.4)");
        }

        return new UriRecord(priority, weight, reader.ReadToLimit().ToArray());
    }

    internal static UriRecord Parse(PresentationReader reader)
    {
        var priority = reader.NextUInt16("priority");
        var weight = reader.NextUInt16("weight");
        var token = reader.Next("target");
        var target = PresentationReader.DecodeText(token, out var error) ?? throw reader.Error(token, error);
        if (target.Length == 0)
        {
            throw reader.Error(token, "URI target must not be empty");
        }

        reader.ExpectEnd();
        return new UriRecord(priority, weight, target);
    }
}
