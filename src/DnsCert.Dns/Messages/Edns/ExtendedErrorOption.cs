using System.Buffers.Binary;
using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Messages.Edns;

/// <summary>Extended DNS Error (RFC 8914): an info code and optional UTF-8 text.</summary>
public sealed class ExtendedErrorOption : EdnsOption
{
    /// <summary>Option code 15.</summary>
    public const ushort OptionCode = 15;

    /// <summary>Creates an EDE option.</summary>
    public ExtendedErrorOption(ushort infoCode, string extraText = "")
    {
        ArgumentNullException.ThrowIfNull(extraText);
        InfoCode = infoCode;
        ExtraText = extraText;
    }

    /// <inheritdoc/>
    public override ushort Code => OptionCode;

    /// <summary>INFO-CODE (e.g. 6 DNSSEC Bogus, 22 No Reachable Authority).</summary>
    public ushort InfoCode { get; }

    /// <summary>EXTRA-TEXT, possibly empty.</summary>
    public string ExtraText { get; }

    internal override void WriteValue(DnsWireWriter writer)
    {
        writer.WriteUInt16(InfoCode);
        writer.WriteBytes(Encoding.UTF8.GetBytes(ExtraText));
    }

    internal static ExtendedErrorOption Read(ReadOnlySpan<byte> value, int offset)
    {
        if (value.Length < 2)
        {
            throw new DnsFormatException(offset, "extended error option shorter than 2 octets");
        }

        // Invalid UTF-8 is replaced rather than rejected: the text is advisory (RFC 8914 §2).
        return new ExtendedErrorOption(BinaryPrimitives.ReadUInt16BigEndian(value), Encoding.UTF8.GetString(value[2..]));
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append("EDE=").Append(InfoCode);
        if (ExtraText.Length > 0)
        {
            sb.Append(' ');
            Records.RecordData.AppendQuoted(sb, Encoding.UTF8.GetBytes(ExtraText));
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"EDE={InfoCode} \"{ExtraText}\"";
}
