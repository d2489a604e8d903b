using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>CDNSKEY: child copy of DNSKEY for the parent (RFC 7344).</summary>
public sealed class CdnskeyRecord : KeyRecordData
{
    /// <summary>Creates a CDNSKEY record.</summary>
    public CdnskeyRecord(ushort flags, byte protocol, byte algorithm, byte[] publicKey)
        : base(flags, protocol, algorithm, publicKey)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.CDNSKEY;

    internal static CdnskeyRecord Read(ref DnsWireReader reader)
    {
        var (flags, protocol, algorithm, key) = ReadFields(ref reader);
        return new(flags, protocol, algorithm, key);
    }

    internal static CdnskeyRecord Parse(PresentationReader reader)
    {
        var (flags, protocol, algorithm, key) = ParseFields(reader);
        return new(flags, protocol, algorithm, key);
    }
}
