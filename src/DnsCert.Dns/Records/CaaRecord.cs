using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>CAA: certification authority authorization (RFC 8659).</summary>
public sealed class CaaRecord : RecordData
{
    /// <summary>Longest property tag (RFC 8659 §4.1 limits tags to 15 characters).</summary>
    public const int MaxTagLength = 15;

    /// <summary>Creates a CAA record.</summary>
    /// <exception cref="ArgumentException">The tag is empty, too long or not alphanumeric.</exception>
    public CaaRecord(byte flags, string tag, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValidTag(tag))
        {
            throw new ArgumentException("CAA tags are 1-15 ASCII letters or digits", nameof(tag));
        }

        Flags = flags;
        Tag = tag;
        Value = value;
    }

    /// <summary>Flags; bit 128 is issuer-critical.</summary>
    public byte Flags { get; }

    /// <summary>Property tag such as <c>issue</c>.</summary>
    public string Tag { get; }

    /// <summary>Property value.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.CAA;

    private static bool IsValidTag(ReadOnlySpan<char> tag) =>
        tag.Length is >= 1 and <= MaxTagLength && !tag.ContainsAnyExcept(s_tagChars);

    private static readonly System.Buffers.SearchValues<char> s_tagChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteByte(Flags);
        writer.WriteCharacterString(Encoding.ASCII.GetBytes(Tag));
        writer.WriteBytes(Value.Span);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append(N(Flags)).Append(' ').Append(Tag).Append(' ');
        AppendQuoted(sb, Value.Span);
    }

    internal static CaaRecord Read(ref DnsWireReader reader)
    {
        var flags = reader.ReadByte();
        var at = reader.Position;
        var tag = Encoding.ASCII.GetString(reader.ReadCharacterString());
        if (!IsValidTag(tag))
        {
            throw new DnsFormatException(at, "CAA tag must be 1-15 letters or digits");
        }

        return new CaaRecord(flags, tag, reader.ReadToLimit().ToArray());
    }

    internal static CaaRecord Parse(PresentationReader reader)
    {
        var flags = reader.NextUInt8("flags");
        var tagToken = reader.Next("tag");
        if (!IsValidTag(tagToken.Text))
        {
            throw reader.Error(tagToken, "CAA tag must be 1-15 letters or digits");
        }

        var valueToken = reader.Next("value");
        var value = PresentationReader.DecodeText(valueToken, out var error) ?? throw reader.Error(valueToken, error);
        reader.ExpectEnd();
        return new CaaRecord(flags, tagToken.Text, value);
    }
}
