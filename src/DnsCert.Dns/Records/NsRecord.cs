using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>NS: authoritative name server (RFC 1035 §3.3.11).</summary>
public sealed class NsRecord : NameRecordData
{
    /// <summary>Creates a NS record.</summary>
    public NsRecord(DnsName target)
        : base(target)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.NS;

    internal static NsRecord Read(ref DnsWireReader reader) => new(ReadTarget(ref reader));

    internal static NsRecord Parse(PresentationReader reader) => new(ParseTarget(reader));
}
