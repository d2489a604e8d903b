using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Messages.Edns;

/// <summary>An EDNS(0) option carried in the OPT record (RFC 6891 §6.1.2).</summary>
public abstract class EdnsOption
{
    /// <summary>Option code from the IANA "DNS EDNS0 Option Codes" registry.</summary>
    public abstract ushort Code { get; }

    /// <summary>Writes the option value (without code and length).</summary>
    internal abstract void WriteValue(DnsWireWriter writer);

    /// <summary>Human-readable description for logs and dig-like output.</summary>
    public override string ToString()
    {
        using var writer = new DnsWireWriter(64);
        WriteValue(writer);
        return $"OPT{Code}={Convert.ToHexStringLower(writer.WrittenSpan)}";
    }

    /// <summary>
    /// Appends the option in the OPT presentation syntax that <see cref="Records.OptRecord"/> parses back:
    /// <c>NSID=hex</c>, <c>ECS=address/source/scope</c>, <c>COOKIE=hex</c>, <c>PADDING=n</c>, <c>EDE=code "text"</c>,
    /// and <c>OPTnnn=hex</c> for anything else.
    /// </summary>
    internal virtual void AppendPresentation(StringBuilder sb)
    {
        using var writer = new DnsWireWriter(64);
        WriteValue(writer);
        sb.Append("OPT").Append(Code).Append('=').Append(Convert.ToHexStringLower(writer.WrittenSpan));
    }

    /// <summary>Writes code, length and value.</summary>
    internal void Write(DnsWireWriter writer)
    {
        writer.WriteUInt16(Code);
        var lengthAt = writer.Position;
        writer.WriteUInt16(0);
        WriteValue(writer);
        writer.PatchUInt16(lengthAt, (ushort)(writer.Position - lengthAt - 2));
    }

    /// <summary>Decodes one option value; <paramref name="offset"/> positions errors.</summary>
    internal static EdnsOption Read(ushort code, ReadOnlySpan<byte> value, int offset) => code switch
    {
        NsidOption.OptionCode => new NsidOption(value.ToArray()),
        ClientSubnetOption.OptionCode => ClientSubnetOption.Read(value, offset),
        CookieOption.OptionCode => CookieOption.Read(value, offset),
        PaddingOption.OptionCode => new PaddingOption(value.Length),
        ExtendedErrorOption.OptionCode => ExtendedErrorOption.Read(value, offset),
        _ => new UnknownEdnsOption(code, value.ToArray()),
    };

    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            sb.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }

        return sb.ToString();
    }
}
