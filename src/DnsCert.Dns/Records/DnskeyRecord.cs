using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>DNSKEY: a zone's public key (RFC 4034 §2).</summary>
public sealed class DnskeyRecord : KeyRecordData
{
    /// <summary>Creates a DNSKEY record.</summary>
    public DnskeyRecord(ushort flags, byte protocol, byte algorithm, byte[] publicKey)
        : base(flags, protocol, algorithm, publicKey)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.DNSKEY;

    internal static DnskeyRecord Read(ref DnsWireReader reader)
    {
        var (flags, protocol, algorithm, key) = ReadFields(ref reader);
        return new(flags, protocol, algorithm, key);
    }

    internal static DnskeyRecord Parse(PresentationReader reader)
    {
        var (flags, protocol, algorithm, key) = ParseFields(reader);
        return new(flags, protocol, algorithm, key);
    }
}
