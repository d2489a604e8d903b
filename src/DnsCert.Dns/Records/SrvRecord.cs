using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>SRV: service location (RFC 2782).</summary>
public sealed class SrvRecord : RecordData
{
    /// <summary>Creates an SRV record.</summary>
    public SrvRecord(ushort priority, ushort weight, ushort port, DnsName target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Priority = priority;
        Weight = weight;
        Port = port;
        Target = target;
    }

    /// <summary>Lower is tried first.</summary>
    public ushort Priority { get; }

    /// <summary>Relative weight among equal priorities.</summary>
    public ushort Weight { get; }

    /// <summary>Service port.</summary>
    public ushort Port { get; }

    /// <summary>Target host (the root means "not available").</summary>
    public DnsName Target { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.SRV;

    // RFC 2782: the target name is not compressed.
    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteUInt16(Priority);
        writer.WriteUInt16(Weight);
        writer.WriteUInt16(Port);
        writer.WriteName(Target, false, canonical);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append(N(Priority)).Append(' ').Append(N(Weight)).Append(' ').Append(N(Port)).Append(' ');
        Target.AppendTo(sb);
    }

    internal static SrvRecord Read(ref DnsWireReader reader) =>
        new(reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadName());

    internal static SrvRecord Parse(PresentationReader reader)
    {
        var record = new SrvRecord(reader.NextUInt16("priority"), reader.NextUInt16("weight"), reader.NextUInt16("port"),
            reader.NextName("target"));
        reader.ExpectEnd();
        return record;
    }
}
