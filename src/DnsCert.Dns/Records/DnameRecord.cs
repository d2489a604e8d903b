using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>DNAME: delegation of a subtree (RFC 6672).</summary>
public sealed class DnameRecord : NameRecordData
{
    /// <summary>Creates a DNAME record.</summary>
    public DnameRecord(DnsName target)
        : base(target)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.DNAME;

    // RFC 6672 §2.5: DNAME targets are not compressed by senders.
    private protected override bool MayCompress => false;

    internal static DnameRecord Read(ref DnsWireReader reader) => new(ReadTarget(ref reader));

    internal static DnameRecord Parse(PresentationReader reader) => new(ParseTarget(reader));
}
