using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>RP: responsible person (RFC 1183 §2.2).</summary>
public sealed class RpRecord : RecordData
{
    /// <summary>Creates an RP record.</summary>
    public RpRecord(DnsName mailbox, DnsName textName)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(textName);
        Mailbox = mailbox;
        TextName = textName;
    }

    /// <summary>Mailbox as a domain name (root when none).</summary>
    public DnsName Mailbox { get; }

    /// <summary>Name holding TXT records with more information (root when none).</summary>
    public DnsName TextName { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.RP;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteName(Mailbox, false, canonical);
        writer.WriteName(TextName, false, canonical);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        Mailbox.AppendTo(sb);
        sb.Append(' ');
        TextName.AppendTo(sb);
    }

    internal static RpRecord Read(ref DnsWireReader reader) => new(reader.ReadName(), reader.ReadName());

    internal static RpRecord Parse(PresentationReader reader)
    {
        var record = new RpRecord(reader.NextName("mailbox"), reader.NextName("text name"));
        reader.ExpectEnd();
        return record;
    }
}
