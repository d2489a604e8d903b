using System.Text;

namespace DnsCert.Infrastructure.Notifications.Mail;

/// <summary>Header writing: RFC 5322 folding, RFC 2047 encoded words for non-ASCII text.</summary>
public static class MimeHeaders
{
    /// <summary>RFC 5322 §2.1.1: lines SHOULD be at most 78 characters.</summary>
    public const int FoldAt = 78;

    /// <summary>RFC 2047 §2: an encoded word is at most 75 characters.</summary>
    public const int MaxEncodedWord = 75;

    /// <summary>
    /// Refuses a header that could inject another (CR, LF) or carries raw non-ASCII; <paramref name="utf8Address"/>
    /// allows UTF-8 in an address header (RFC 6532 §3.2: an internationalised address, sent only with SMTPUTF8).
    /// </summary>
    public static void CheckHeader(string name, string value, bool utf8Address = false)
    {
        if (string.IsNullOrEmpty(name) || name.Any(c => c <= ' ' || c > '~' || c == ':'))
        {
            throw new ArgumentException($"'{name}' is not a header field name (RFC 5322 §2.2)", nameof(name));
        }

        if ((value ?? "").Any(c => c is '\r' or '\n' || (c > '~' && !(utf8Address && c > '\u009f'))))
        {
            // A CR or LF in a value would start a new header (header injection); non-ASCII must be encoded first.
            throw new ArgumentException($"header {name}: the value must be one line of ASCII; encode text with EncodeWord", nameof(value));
        }
    }

    /// <summary>Writes <c>Name: value</c>, folding at spaces so lines stay near <see cref="FoldAt"/>.</summary>
    public static void WriteFolded(Stream stream, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var line = new StringBuilder(name).Append(':');
        var length = line.Length;
        foreach (var word in value.Split(' '))
        {
            if (length + 1 + word.Length > FoldAt && length > name.Length + 1)
            {
                line.Append("\r\n");
                length = 0;
            }

            line.Append(' ').Append(word);
            length += 1 + word.Length;
        }

        line.Append("\r\n");
        // Everything but an internationalised address is ASCII by now (text goes as RFC 2047 encoded words); such an
        // address stays UTF-8 (RFC 6532 §3.2), and SmtpClient sends that message only with SMTPUTF8.
        stream.Write(Encoding.UTF8.GetBytes(line.ToString()));
    }

    /// <summary>
    /// Text for a header: unchanged if it is printable ASCII, otherwise RFC 2047 "B" encoded words in UTF-8, split
    /// between characters (never inside a UTF-8 sequence or a surrogate pair) and separated by spaces for folding.
    /// </summary>
    public static string EncodeText(string text)
    {
        text ??= "";
        if (text.All(c => c is >= ' ' and <= '~') && !text.Contains("=?", StringComparison.Ordinal))
        {
            return text;
        }

        const string Prefix = "=?utf-8?B?";
        const string Suffix = "?=";
        // 75 - 12 characters of base64 = 63 → 45 bytes of UTF-8 per word (a multiple of 3 keeps padding at the end).
        const int MaxBytes = (MaxEncodedWord - 12) / 4 * 3;
        var words = new List<string>();
        var chunk = new StringBuilder();
        var chunkBytes = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
            var piece = text.Substring(i, width);
            var bytes = Encoding.UTF8.GetByteCount(piece);
            if (chunkBytes + bytes > MaxBytes)
            {
                words.Add(Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(chunk.ToString())) + Suffix);
                chunk.Clear();
                chunkBytes = 0;
            }

            chunk.Append(piece);
            chunkBytes += bytes;
            i += width - 1;
        }

        if (chunk.Length > 0)
        {
            words.Add(Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(chunk.ToString())) + Suffix);
        }

        return string.Join(' ', words);
    }

    /// <summary><c>"Display Name" &lt;addr@example&gt;</c> with the name encoded or quoted as needed.</summary>
    public static string Address(string? displayName, string address)
    {
        if (string.IsNullOrWhiteSpace(displayName))
        {
            return "<" + address + ">";
        }

        var name = displayName.Trim();
        var encoded = EncodeText(name);
        if (encoded == name)
        {
            // Quote it: a comma or parenthesis in a plain phrase would change the header's meaning.
            encoded = "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        }

        return encoded + " <" + address + ">";
    }
}
