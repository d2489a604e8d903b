using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>CDS: child copy of DS for the parent to pick up (RFC 7344).</summary>
public sealed class CdsRecord : DelegationSignerData
{
    /// <summary>Creates a CDS record.</summary>
    public CdsRecord(ushort keyTag, byte algorithm, byte digestType, byte[] digest)
        : base(keyTag, algorithm, digestType, digest)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.CDS;

    internal static CdsRecord Read(ref DnsWireReader reader)
    {
        var (keyTag, algorithm, digestType, digest) = ReadFields(ref reader);
        return new(keyTag, algorithm, digestType, digest);
    }

    internal static CdsRecord Parse(PresentationReader reader)
    {
        var (keyTag, algorithm, digestType, digest) = ParseFields(reader);
        return new(keyTag, algorithm, digestType, digest);
    }
}
