using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>Base for RDATA made of character-strings (TXT, SPF).</summary>
public abstract class TextRecordData : RecordData
{
    private readonly byte[][] _strings;

    /// <summary>Initialises the strings; each must be at most 255 octets.</summary>
    protected TextRecordData(IEnumerable<byte[]> strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        _strings = [.. strings];
        if (_strings.Any(s => s.Length > 255))
        {
            throw new ArgumentException("character-strings are at most 255 octets", nameof(strings));
        }
    }

    /// <summary>The raw character-strings in order.</summary>
    public IReadOnlyList<byte[]> Strings => _strings;

    /// <summary>The strings joined and decoded as UTF-8 (how SPF and DKIM consumers read them).</summary>
    public string JoinedText => string.Concat(_strings.Select(s => Encoding.UTF8.GetString(s)));

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        foreach (var s in _strings)
        {
            writer.WriteCharacterString(s);
        }
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        // RFC 1035 requires at least one string, but empty RDATA occurs on the wire; only the generic form shows it.
        if (_strings.Length == 0)
        {
            sb.Append("\\# 0");
            return;
        }

        for (var i = 0; i < _strings.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }

            AppendQuoted(sb, _strings[i]);
        }
    }

    private protected static List<byte[]> ReadStrings(ref DnsWireReader reader)
    {
        var list = new List<byte[]>();
        while (reader.Remaining > 0)
        {
            list.Add(reader.ReadCharacterString().ToArray());
        }

        return list;
    }

    private protected static List<byte[]> ParseStrings(PresentationReader reader)
    {
        var list = new List<byte[]>();
        while (!reader.AtEnd)
        {
            list.Add(reader.NextCharacterString("text"));
        }

        return list.Count == 0 ? throw reader.ErrorAtEnd("missing text") : list;
    }
}
