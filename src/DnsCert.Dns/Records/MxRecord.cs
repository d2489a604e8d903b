using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>MX: mail exchange (RFC 1035 §3.3.9).</summary>
public sealed class MxRecord : RecordData
{
    /// <summary>Creates an MX record.</summary>
    public MxRecord(ushort preference, DnsName exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        Preference = preference;
        Exchange = exchange;
    }

    /// <summary>Lower is preferred.</summary>
    public ushort Preference { get; }

    /// <summary>The mail server (the root for a null MX, RFC 7505).</summary>
    public DnsName Exchange { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.MX;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteUInt16(Preference);
        writer.WriteName(Exchange, compress, canonical);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append(N(Preference)).Append(' ');
        Exchange.AppendTo(sb);
    }

    internal static MxRecord Read(ref DnsWireReader reader) => new(reader.ReadUInt16(), reader.ReadName());

    internal static MxRecord Parse(PresentationReader reader)
    {
        var record = new MxRecord(reader.NextUInt16("preference"), reader.NextName("exchange"));
        reader.ExpectEnd();
        return record;
    }
}
