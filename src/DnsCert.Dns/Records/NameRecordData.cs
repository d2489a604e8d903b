using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>Base for RDATA that is exactly one domain name (NS, CNAME, DNAME, PTR).</summary>
public abstract class NameRecordData : RecordData
{
    /// <summary>Initialises the target name.</summary>
    protected NameRecordData(DnsName target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
    }

    /// <summary>The name in the RDATA.</summary>
    public DnsName Target { get; }

    /// <summary>True where RFC 3597 §4 allows compression (the RFC 1035 types); DNAME is not one of them.</summary>
    private protected virtual bool MayCompress => true;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical) =>
        writer.WriteName(Target, compress && MayCompress, canonical);

    internal override void AppendPresentation(StringBuilder sb) => Target.AppendTo(sb);

    private protected static DnsName ReadTarget(ref DnsWireReader reader)
    {
        var name = reader.ReadName();
        if (reader.Remaining != 0)
        {
            throw new DnsFormatException(reader.Position, "trailing octets after the name");
        }

        return name;
    }

    private protected static DnsName ParseTarget(PresentationReader reader)
    {
        var name = reader.NextName("target name");
        reader.ExpectEnd();
        return name;
    }
}
