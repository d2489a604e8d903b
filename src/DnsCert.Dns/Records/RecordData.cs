using System.Globalization;
using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Records;

/// <summary>
/// Typed RDATA. Each subclass knows its wire and presentation forms; equality is by canonical wire form
/// (RFC 4034 §6.2), which is what RRset comparisons and DNSSEC need.
/// </summary>
public abstract class RecordData : IEquatable<RecordData>
{
    /// <summary>The record type this data belongs to.</summary>
    public abstract DnsRecordType Type { get; }

    /// <summary>
    /// Writes the RDATA (without RDLENGTH). <paramref name="compress"/> allows pointers where RFC 3597 §4 permits
    /// them; <paramref name="canonical"/> lowers embedded names as RFC 4034 §6.2 requires.
    /// </summary>
    internal abstract void WriteData(DnsWireWriter writer, bool compress, bool canonical);

    /// <summary>Appends the presentation form of the RDATA.</summary>
    internal abstract void AppendPresentation(StringBuilder sb);

    /// <summary>Presentation form of the RDATA (the part after the type mnemonic).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendPresentation(sb);
        return sb.ToString();
    }

    /// <summary>The RFC 3597 generic form <c>\# len hex</c>.</summary>
    public string ToGenericString()
    {
        var bytes = ToWire();
        return bytes.Length == 0
            ? "\\# 0"
            : $"\\# {bytes.Length.ToString(CultureInfo.InvariantCulture)} {Convert.ToHexStringLower(bytes)}";
    }

    /// <summary>Appends <c>\# len hex</c>: the fallback for RDATA the type's own syntax cannot express.</summary>
    internal void AppendGeneric(StringBuilder sb) => sb.Append(ToGenericString());

    /// <summary>Uncompressed wire form with original case.</summary>
    public byte[] ToWire() => Encode(canonical: false);

    /// <summary>Canonical wire form (RFC 4034 §6.2).</summary>
    public byte[] ToCanonicalWire() => Encode(canonical: true);

    private byte[] Encode(bool canonical)
    {
        using var writer = new DnsWireWriter(256);
        WriteData(writer, compress: false, canonical);
        return writer.ToArray();
    }

    /// <summary>Decodes RDATA of <paramref name="type"/> from standalone bytes (no compression pointers possible).</summary>
    /// <exception cref="DnsFormatException">The bytes are not valid RDATA for the type.</exception>
    public static RecordData FromWire(DnsRecordType type, ReadOnlySpan<byte> rdata)
    {
        var reader = new DnsWireReader(rdata);
        return RecordDataCodec.Read(type, ref reader, rdata.Length);
    }

    /// <summary>Parses presentation-format RDATA such as <c>10 mail.example.</c> for MX.</summary>
    /// <exception cref="ZoneFileException">The text is not valid for the type.</exception>
    public static RecordData Parse(DnsRecordType type, string text, DnsName? origin = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = ZoneTokenizer.TokenizeFragment(text, "<string>");
        var reader = new PresentationReader(tokens, 0, origin ?? DnsName.Root, "<string>", 1, text.Length + 1);
        return RecordDataCodec.Parse(type, reader);
    }

    /// <inheritdoc/>
    public bool Equals(RecordData? other) =>
        other is not null && other.Type == Type && ToCanonicalWire().AsSpan().SequenceEqual(other.ToCanonicalWire());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as RecordData);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.AddBytes(ToCanonicalWire());
        return hash.ToHashCode();
    }

    /// <summary>Appends a character-string in quotes with RFC 1035 escapes.</summary>
    internal static void AppendQuoted(StringBuilder sb, ReadOnlySpan<byte> text)
    {
        sb.Append('"');
        foreach (var b in text)
        {
            switch (b)
            {
                case (byte)'"' or (byte)'\\':
                    sb.Append('\\').Append((char)b);
                    break;
                case < 0x20 or > 0x7E:
                    sb.Append('\\').Append(((int)b).ToString("D3", CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append((char)b);
                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>Formats an unsigned number invariantly.</summary>
    internal static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
