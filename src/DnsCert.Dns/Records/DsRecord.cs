using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>DS: delegation signer (RFC 4034 §5).</summary>
public sealed class DsRecord : DelegationSignerData
{
    /// <summary>Creates a DS record.</summary>
    public DsRecord(ushort keyTag, byte algorithm, byte digestType, byte[] digest)
        : base(keyTag, algorithm, digestType, digest)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.DS;

    internal static DsRecord Read(ref DnsWireReader reader)
    {
        var (keyTag, algorithm, digestType, digest) = ReadFields(ref reader);
        return new(keyTag, algorithm, digestType, digest);
    }

    internal static DsRecord Parse(PresentationReader reader)
    {
        var (keyTag, algorithm, digestType, digest) = ParseFields(reader);
        return new(keyTag, algorithm, digestType, digest);
    }
}
