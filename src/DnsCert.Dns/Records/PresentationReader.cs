using System.Globalization;
using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Records;

/// <summary>Cursor over the RDATA tokens of one record; every failure is a positioned <see cref="ZoneFileException"/>.</summary>
internal sealed class PresentationReader
{
    private readonly IReadOnlyList<ZoneToken> _tokens;
    private readonly int _endLine;
    private readonly int _endColumn;
    private int _index;

    public PresentationReader(IReadOnlyList<ZoneToken> tokens, int start, DnsName origin, string fileName, int endLine, int endColumn)
    {
        _tokens = tokens;
        _index = start;
        Origin = origin;
        FileName = fileName;
        _endLine = endLine;
        _endColumn = endColumn;
    }

    public DnsName Origin { get; }

    public string FileName { get; }

    public bool AtEnd => _index >= _tokens.Count;

    public ZoneToken Peek() => _tokens[_index];

    public bool NextIsGeneric => !AtEnd && !_tokens[_index].Quoted && _tokens[_index].Text == "\\#";

    public ZoneFileException Error(ZoneToken token, string reason) => new(FileName, token.Line, token.Column, reason);

    public ZoneFileException ErrorAtEnd(string reason) => new(FileName, _endLine, _endColumn, reason);

    public ZoneToken Next(string what)
    {
        if (AtEnd)
        {
            throw ErrorAtEnd($"missing {what}");
        }

        return _tokens[_index++];
    }

    public void ExpectEnd()
    {
        if (!AtEnd)
        {
            throw Error(_tokens[_index], $"unexpected '{_tokens[_index].Text}' after the record data");
        }
    }

    public byte NextUInt8(string what) => (byte)NextNumber(what, byte.MaxValue);

    public ushort NextUInt16(string what) => (ushort)NextNumber(what, ushort.MaxValue);

    public uint NextUInt32(string what) => (uint)NextNumber(what, uint.MaxValue);

    public ulong NextNumber(string what, ulong max)
    {
        var token = Next(what);
        if (!ulong.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
        {
            throw Error(token, $"{what} must be a number from 0 to {max}, not '{token.Text}'");
        }

        return value;
    }

    /// <summary>A TTL-like value: seconds, or BIND units such as <c>1h30m</c> (s, m, h, d, w).</summary>
    public uint NextDuration(string what)
    {
        var token = Next(what);
        return TryParseDuration(token.Text, out var value) ? value : throw Error(token, $"{what} must be a number of seconds, not '{token.Text}'");
    }

    public static bool TryParseDuration(string text, out uint value)
    {
        value = 0;
        if (text.Length == 0)
        {
            return false;
        }

        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        ulong total = 0;
        ulong current = 0;
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                current = (current * 10) + (ulong)(c - '0');
                digits++;
                if (current > uint.MaxValue)
                {
                    return false;
                }

                continue;
            }

            ulong unit = char.ToLowerInvariant(c) switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                'w' => 604800,
                _ => 0,
            };
            if (unit == 0 || digits == 0)
            {
                return false;
            }

            total += current * unit;
            current = 0;
            digits = 0;
            if (total > uint.MaxValue)
            {
                return false;
            }
        }

        if (digits != 0)
        {
            return false;
        }

        value = (uint)total;
        return true;
    }

    public DnsName NextName(string what)
    {
        var token = Next(what);
        if (!DnsName.TryParse(token.Text, Origin, out var name, out var error))
        {
            throw Error(token, $"bad {what} '{token.Text}': {error}");
        }

        return name;
    }

    public DnsRecordType NextType(string what)
    {
        var token = Next(what);
        return DnsMnemonics.TryParseType(token.Text, out var type) ? type : throw Error(token, $"unknown type '{token.Text}'");
    }

    public byte[] NextCharacterString(string what)
    {
        var token = Next(what);
        var bytes = DecodeText(token, out var error);
        if (bytes is null)
        {
            throw Error(token, error);
        }

        return bytes.Length > 255 ? throw Error(token, $"{what} longer than 255 octets") : bytes;
    }

    /// <summary>Decodes RFC 1035 §5.1 escapes; non-ASCII characters are taken as UTF-8.</summary>
    public static byte[]? DecodeText(ZoneToken token, out string error)
    {
        error = string.Empty;
        var text = token.Text;
        if (text.IndexOf('\\', StringComparison.Ordinal) < 0)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\')
            {
                if (c < 0x80)
                {
                    bytes.Add((byte)c);
                }
                else
                {
                    var end = i + (char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1);
                    bytes.AddRange(Encoding.UTF8.GetBytes(text[i..end]));
                    i = end - 1;
                }

                continue;
            }

            if (i + 1 >= text.Length)
            {
                error = "dangling backslash";
                return null;
            }

            if (char.IsAsciiDigit(text[i + 1]))
            {
                if (i + 3 >= text.Length || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]))
                {
                    error = "\\DDD escape needs three digits";
                    return null;
                }

                var number = ((text[i + 1] - '0') * 100) + ((text[i + 2] - '0') * 10) + (text[i + 3] - '0');
                if (number > 255)
                {
                    error = "\\DDD escape above 255";
                    return null;
                }

                bytes.Add((byte)number);
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[(i + 1)..(i + 2)]));
                i++;
            }
        }

        return [.. bytes];
    }

    /// <summary>Concatenates all remaining tokens (base64 and hex fields may be split by spaces).</summary>
    public string RestConcatenated(string what, bool allowEmpty = false)
    {
        if (AtEnd)
        {
            return allowEmpty ? string.Empty : throw ErrorAtEnd($"missing {what}");
        }

        var sb = new StringBuilder();
        while (!AtEnd)
        {
            sb.Append(_tokens[_index++].Text);
        }

        return sb.ToString();
    }

    public byte[] RestBase64(string what, bool allowEmpty = false)
    {
        var first = AtEnd ? default : Peek();
        var text = RestConcatenated(what, allowEmpty);
        if (text.Length == 0)
        {
            return [];
        }

        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Error(first, $"{what} is not valid base64");
        }
    }

    public byte[] RestHex(string what, bool allowEmpty = false)
    {
        var first = AtEnd ? default : Peek();
        var text = RestConcatenated(what, allowEmpty);
        return ParseHex(first, text, what);
    }

    public byte[] ParseHex(ZoneToken token, string text, string what)
    {
        if (text.Length % 2 != 0)
        {
            throw Error(token, $"{what} has an odd number of hex digits");
        }

        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw Error(token, $"{what} is not valid hex");
        }
    }
}
