using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>TLSA: a TLS certificate association for DANE (RFC 6698 §2).</summary>
public sealed class TlsaRecord : RecordData
{
    /// <summary>Creates a TLSA record.</summary>
    public TlsaRecord(byte certificateUsage, byte selector, byte matchingType, byte[] associationData)
    {
        ArgumentNullException.ThrowIfNull(associationData);
        CertificateUsage = certificateUsage;
        Selector = selector;
        MatchingType = matchingType;
        AssociationData = associationData;
    }

    /// <summary>Usage (0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE).</summary>
    public byte CertificateUsage { get; }

    /// <summary>Selector (0 full certificate, 1 SubjectPublicKeyInfo).</summary>
    public byte Selector { get; }

    /// <summary>Matching type (0 exact, 1 SHA-256, 2 SHA-512).</summary>
    public byte MatchingType { get; }

    /// <summary>Certificate association data.</summary>
    public ReadOnlyMemory<byte> AssociationData { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.TLSA;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteByte(CertificateUsage);
        writer.WriteByte(Selector);
        writer.WriteByte(MatchingType);
        writer.WriteBytes(AssociationData.Span);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        // Empty association data has no hex form in the type syntax, so it prints generically.
        if (AssociationData.IsEmpty)
        {
            AppendGeneric(sb);
            return;
        }

        sb.Append(N(CertificateUsage)).Append(' ').Append(N(Selector)).Append(' ').Append(N(MatchingType)).Append(' ')
            .Append(Convert.ToHexString(AssociationData.Span));
    }

    internal static TlsaRecord Read(ref DnsWireReader reader) =>
        new(reader.ReadByte(), reader.ReadByte(), reader.ReadByte(), reader.ReadToLimit().ToArray());

    internal static TlsaRecord Parse(PresentationReader reader) =>
        new(reader.NextUInt8("certificate usage"), reader.NextUInt8("selector"), reader.NextUInt8("matching type"),
            reader.RestHex("certificate association data"));
}
