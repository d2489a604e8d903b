using System.Globalization;
using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>RRSIG: a DNSSEC signature over an RRset (RFC 4034 §3).</summary>
public sealed class RrsigRecord : RecordData
{
    /// <summary>Creates an RRSIG record.</summary>
    public RrsigRecord(DnsRecordType typeCovered, byte algorithm, byte labels, uint originalTtl, uint expiration,
        uint inception, ushort keyTag, DnsName signerName, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(signerName);
        ArgumentNullException.ThrowIfNull(signature);
        TypeCovered = typeCovered;
        Algorithm = algorithm;
        Labels = labels;
        OriginalTtl = originalTtl;
        Expiration = expiration;
        Inception = inception;
        KeyTag = keyTag;
        SignerName = signerName;
        Signature = signature;
    }

    /// <summary>Type of the RRset signed.</summary>
    public DnsRecordType TypeCovered { get; }

    /// <summary>DNSSEC algorithm.</summary>
    public byte Algorithm { get; }

    /// <summary>Label count of the original owner (wildcards have fewer).</summary>
    public byte Labels { get; }

    /// <summary>TTL of the RRset as signed.</summary>
    public uint OriginalTtl { get; }

    /// <summary>Expiration, seconds since 1970 modulo 2^32 (RFC 1982 serial arithmetic).</summary>
    public uint Expiration { get; }

    /// <summary>Inception, seconds since 1970 modulo 2^32.</summary>
    public uint Inception { get; }

    /// <summary>Key tag of the signing key.</summary>
    public ushort KeyTag { get; }

    /// <summary>Zone whose key signed.</summary>
    public DnsName SignerName { get; }

    /// <summary>Signature octets.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.RRSIG;

    /// <summary>The RDATA without the signature, the first part of the signed data (RFC 4034 §3.1.8.1).</summary>
    public byte[] ToSignedPrefix()
    {
        using var writer = new DnsWireWriter(64);
        WritePrefix(writer, canonical: true);
        return writer.ToArray();
    }

    internal void WritePrefix(DnsWireWriter writer, bool canonical)
    {
        writer.WriteUInt16((ushort)TypeCovered);
        writer.WriteByte(Algorithm);
        writer.WriteByte(Labels);
        writer.WriteUInt32(OriginalTtl);
        writer.WriteUInt32(Expiration);
        writer.WriteUInt32(Inception);
        writer.WriteUInt16(KeyTag);
        writer.WriteName(SignerName, false, canonical);
    }

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        WritePrefix(writer, canonical);
        writer.WriteBytes(Signature.Span);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        // The type-specific syntax needs a signature; an empty one (seen only in broken data) prints generically.
        if (Signature.IsEmpty)
        {
            AppendGeneric(sb);
            return;
        }

        sb.Append(DnsMnemonics.TypeToString(TypeCovered)).Append(' ').Append(N(Algorithm)).Append(' ').Append(N(Labels))
            .Append(' ').Append(N(OriginalTtl)).Append(' ').Append(FormatTime(Expiration)).Append(' ')
            .Append(FormatTime(Inception)).Append(' ').Append(N(KeyTag)).Append(' ');
        SignerName.AppendTo(sb);
        sb.Append(' ').Append(Convert.ToBase64String(Signature.Span));
    }

    /// <summary>Formats a signature time as YYYYMMDDHHmmSS (RFC 4034 §3.2).</summary>
    public static string FormatTime(uint value) =>
        DateTime.UnixEpoch.AddSeconds(value).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Parses YYYYMMDDHHmmSS or a plain number of seconds (RFC 4034 §3.2).</summary>
    public static bool TryParseTime(string text, out uint value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = 0;
        if (text.Length == 14 && DateTime.TryParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            var seconds = (long)(time - DateTime.UnixEpoch).TotalSeconds;
            if (seconds is < 0 or > uint.MaxValue)
            {
                return false;
            }

            value = (uint)seconds;
            return true;
        }

        return text.Length <= 10 && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    internal static RrsigRecord Read(ref DnsWireReader reader) =>
        new((DnsRecordType)reader.ReadUInt16(), reader.ReadByte(), reader.ReadByte(), reader.ReadUInt32(),
            reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt16(), reader.ReadName(), reader.ReadToLimit().ToArray());

    internal static RrsigRecord Parse(PresentationReader reader)
    {
        var typeCovered = reader.NextType("type covered");
        var algorithm = reader.NextUInt8("algorithm");
        var labels = reader.NextUInt8("labels");
        var originalTtl = reader.NextDuration("original TTL");
        var expiration = NextTime(reader, "expiration");
        var inception = NextTime(reader, "inception");
        var keyTag = reader.NextUInt16("key tag");
        var signer = reader.NextName("signer name");
        var signature = reader.RestBase64("signature");
        return new RrsigRecord(typeCovered, algorithm, labels, originalTtl, expiration, inception, keyTag, signer, signature);
    }

    private static uint NextTime(PresentationReader reader, string what)
    {
        var token = reader.Next(what);
        return TryParseTime(token.Text, out var value)
            ? value
            : throw reader.Error(token, $"{what} must be YYYYMMDDHHmmSS or seconds, not '{token.Text}'");
    }
}
