using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>SOA: start of a zone of authority (RFC 1035 §3.3.13).</summary>
public sealed class SoaRecord : RecordData
{
    /// <summary>Creates an SOA record.</summary>
    public SoaRecord(DnsName primaryServer, DnsName responsibleMailbox, uint serial, uint refresh, uint retry, uint expire, uint minimum)
    {
        ArgumentNullException.ThrowIfNull(primaryServer);
        ArgumentNullException.ThrowIfNull(responsibleMailbox);
        PrimaryServer = primaryServer;
        ResponsibleMailbox = responsibleMailbox;
        Serial = serial;
        Refresh = refresh;
        Retry = retry;
        Expire = expire;
        Minimum = minimum;
    }

    /// <summary>MNAME: the primary name server.</summary>
    public DnsName PrimaryServer { get; }

    /// <summary>RNAME: the mailbox of the person responsible, as a name.</summary>
    public DnsName ResponsibleMailbox { get; }

    /// <summary>Zone serial (RFC 1982 arithmetic).</summary>
    public uint Serial { get; }

    /// <summary>Refresh interval in seconds.</summary>
    public uint Refresh { get; }

    /// <summary>Retry interval in seconds.</summary>
    public uint Retry { get; }

    /// <summary>Expiry in seconds.</summary>
    public uint Expire { get; }

    /// <summary>Negative-caching TTL (RFC 2308).</summary>
    public uint Minimum { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.SOA;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteName(PrimaryServer, compress, canonical);
        writer.WriteName(ResponsibleMailbox, compress, canonical);
        writer.WriteUInt32(Serial);
        writer.WriteUInt32(Refresh);
        writer.WriteUInt32(Retry);
        writer.WriteUInt32(Expire);
        writer.WriteUInt32(Minimum);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        PrimaryServer.AppendTo(sb);
        sb.Append(' ');
        ResponsibleMailbox.AppendTo(sb);
        sb.Append(' ').Append(N(Serial)).Append(' ').Append(N(Refresh)).Append(' ').Append(N(Retry))
            .Append(' ').Append(N(Expire)).Append(' ').Append(N(Minimum));
    }

    internal static SoaRecord Read(ref DnsWireReader reader)
    {
        var record = new SoaRecord(reader.ReadName(), reader.ReadName(), reader.ReadUInt32(), reader.ReadUInt32(),
            reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
        return record;
    }

    internal static SoaRecord Parse(PresentationReader reader)
    {
        var record = new SoaRecord(reader.NextName("primary server"), reader.NextName("responsible mailbox"),
            reader.NextUInt32("serial"), reader.NextDuration("refresh"), reader.NextDuration("retry"),
            reader.NextDuration("expire"), reader.NextDuration("minimum"));
        reader.ExpectEnd();
        return record;
    }
}
