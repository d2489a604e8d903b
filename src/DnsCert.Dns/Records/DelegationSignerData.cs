using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>Base for DS and CDS RDATA (RFC 4034 §5, RFC 7344).</summary>
public abstract class DelegationSignerData : RecordData
{
    /// <summary>Initialises the fields.</summary>
    protected DelegationSignerData(ushort keyTag, byte algorithm, byte digestType, byte[] digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        KeyTag = keyTag;
        Algorithm = algorithm;
        DigestType = digestType;
        Digest = digest;
    }

    /// <summary>Key tag of the referenced DNSKEY.</summary>
    public ushort KeyTag { get; }

    /// <summary>DNSSEC algorithm number.</summary>
    public byte Algorithm { get; }

    /// <summary>Digest algorithm (1 SHA-1, 2 SHA-256, 4 SHA-384).</summary>
    public byte DigestType { get; }

    /// <summary>Digest octets.</summary>
    public ReadOnlyMemory<byte> Digest { get; }

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteUInt16(KeyTag);
        writer.WriteByte(Algorithm);
        writer.WriteByte(DigestType);
        writer.WriteBytes(Digest.Span);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        // An empty digest has no hex form in the type syntax (RFC 8078's delete form carries one zero octet).
        if (Digest.IsEmpty)
        {
            AppendGeneric(sb);
            return;
        }

        sb.Append(N(KeyTag)).Append(' ').Append(N(Algorithm)).Append(' ').Append(N(DigestType)).Append(' ')
            .Append(Convert.ToHexString(Digest.Span));
    }

    private protected static (ushort KeyTag, byte Algorithm, byte DigestType, byte[] Digest) ReadFields(ref DnsWireReader reader) =>
        (reader.ReadUInt16(), reader.ReadByte(), reader.ReadByte(), reader.ReadToLimit().ToArray());

    private protected static (ushort KeyTag, byte Algorithm, byte DigestType, byte[] Digest) ParseFields(PresentationReader reader)
    {
        var keyTag = reader.NextUInt16("key tag");
        var algorithm = reader.NextUInt8("algorithm");
        var digestType = reader.NextUInt8("digest type");
        return (keyTag, algorithm, digestType, reader.RestHex("digest"));
    }
}
