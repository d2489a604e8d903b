using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>Base for DNSKEY and CDNSKEY RDATA (RFC 4034 §2, RFC 7344).</summary>
public abstract class KeyRecordData : RecordData
{
    /// <summary>Zone Key flag (RFC 4034 §2.1.1).</summary>
    public const ushort ZoneKeyFlag = 0x0100;

    /// <summary>Secure Entry Point flag (RFC 4034 §2.1.1).</summary>
    public const ushort SecureEntryPointFlag = 0x0001;

    /// <summary>Revoked flag (RFC 5011 §7).</summary>
    public const ushort RevokeFlag = 0x0080;

    /// <summary>Initialises the fields.</summary>
    protected KeyRecordData(ushort flags, byte protocol, byte algorithm, byte[] publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Flags = flags;
        Protocol = protocol;
        Algorithm = algorithm;
        PublicKey = publicKey;
    }

    /// <summary>Flags (256 = ZSK, 257 = KSK by convention).</summary>
    public ushort Flags { get; }

    /// <summary>Protocol; must be 3.</summary>
    public byte Protocol { get; }

    /// <summary>DNSSEC algorithm number.</summary>
    public byte Algorithm { get; }

    /// <summary>Public key in the algorithm's wire format.</summary>
    public ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary>Key tag as defined in RFC 4034 Appendix B (including the algorithm 1 special case).</summary>
    public ushort KeyTag
    {
        get
        {
            var rdata = ToWire();
            if (Algorithm == 1)
            {
                // RSA/MD5 key tags are the third-to-last and second-to-last octets of the modulus (RFC 4034 B.1).
                return rdata.Length < 4 ? (ushort)0 : (ushort)((rdata[^3] << 8) | rdata[^2]);
            }

            uint accumulator = 0;
            for (var i = 0; i < rdata.Length; i++)
            {
                accumulator += (i & 1) == 0 ? (uint)rdata[i] << 8 : rdata[i];
            }

            accumulator += (accumulator >> 16) & 0xFFFF;
            return (ushort)(accumulator & 0xFFFF);
        }
    }

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteUInt16(Flags);
        writer.WriteByte(Protocol);
        writer.WriteByte(Algorithm);
        writer.WriteBytes(PublicKey.Span);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append(N(Flags)).Append(' ').Append(N(Protocol)).Append(' ').Append(N(Algorithm));
        if (PublicKey.Length > 0)
        {
            sb.Append(' ').Append(Convert.ToBase64String(PublicKey.Span));
        }
    }

    private protected static (ushort Flags, byte Protocol, byte Algorithm, byte[] Key) ReadFields(ref DnsWireReader reader) =>
        (reader.ReadUInt16(), reader.ReadByte(), reader.ReadByte(), reader.ReadToLimit().ToArray());

    // The printer omits an empty key, so the parser accepts its absence and printing round-trips.
    private protected static (ushort Flags, byte Protocol, byte Algorithm, byte[] Key) ParseFields(PresentationReader reader) =>
        (reader.NextUInt16("flags"), reader.NextUInt8("protocol"), reader.NextUInt8("algorithm"),
            reader.RestBase64("public key", allowEmpty: true));
}
