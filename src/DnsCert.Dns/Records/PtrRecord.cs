using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>PTR: domain name pointer (RFC 1035 §3.3.12).</summary>
public sealed class PtrRecord : NameRecordData
{
    /// <summary>Creates a PTR record.</summary>
    public PtrRecord(DnsName target)
        : base(target)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.PTR;

    internal static PtrRecord Read(ref DnsWireReader reader) => new(ReadTarget(ref reader));

    internal static PtrRecord Parse(PresentationReader reader) => new(ParseTarget(reader));
}
