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
    /// <remarks>Computed over the RDATA fields in place, without building the wire form (it is asked for every RRSIG).</remarks>
    public ushort KeyTag
    {
        get
        {
            Span<byte> header = [(byte)(Flags >> 8), (byte)Flags, Protocol, Algorithm];
            var key = PublicKey.Span;
            var length = header.Length + key.Length;
            if (Algorithm == 1)
            {
                // RSA/MD5 key tags are the third-to-last and second-to-last octets of the modulus (RFC 4034 B.1).
                return (ushort)((RdataOctet(header, key, length - 3) << 8) | RdataOctet(header, key, length - 2));
            }

            // Header octets sit at even/odd positions 0..3, so the key starts on an even position.
            uint accumulator = ((uint)header[0] << 8) + header[1] + ((uint)header[2] << 8) + header[3];
            for (var i = 0; i < key.Length; i++)
            {
                accumulator += (i & 1) == 0 ? (uint)key[i] << 8 : key[i];
            }

            accumulator += (accumulator >> 16) & 0xFFFF;
            return (ushort)(accumulator & 0xFFFF);
        }
    }

    /// <summary>Parsed public key cached by <c>RrsigVerifier</c> (checked against <see cref="PublicKey"/> before use).</summary>
    internal object? VerifierCache { get; set; }

    private static byte RdataOctet(ReadOnlySpan<byte> header, ReadOnlySpan<byte> key, int index) =>
        index < header.Length ? header[index] : key[index - header.Length];

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
