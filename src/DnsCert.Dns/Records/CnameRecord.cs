using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>CNAME: canonical name (RFC 1035 §3.3.1).</summary>
public sealed class CnameRecord : NameRecordData
{
    /// <summary>Creates a CNAME record.</summary>
    public CnameRecord(DnsName target)
        : base(target)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.CNAME;

    internal static CnameRecord Read(ref DnsWireReader reader) => new(ReadTarget(ref reader));

    internal static CnameRecord Parse(PresentationReader reader) => new(ParseTarget(reader));
}
