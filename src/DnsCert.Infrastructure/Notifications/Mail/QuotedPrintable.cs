using System.Text;

namespace DnsCert.Infrastructure.Notifications.Mail;

/// <summary>RFC 2045 §6.7 quoted-printable for CRLF text.</summary>
public static class QuotedPrintable
{
    /// <summary>§6.7 rule 5: encoded lines are at most 76 characters, the soft break "=" included.</summary>
    public const int MaxLine = 76;

    public static void Encode(ReadOnlySpan<byte> content, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var line = new StringBuilder(MaxLine + 4);
        var start = 0;
        while (start <= content.Length)
        {
            var end = content[start..].IndexOf("\r\n"u8);
            var text = end < 0 ? content[start..] : content.Slice(start, end);
            EncodeLine(text, line, output);
            if (end < 0)
            {
                break;
            }

            output.Write("\r\n"u8);
            start += end + 2;
        }
    }

    private static void EncodeLine(ReadOnlySpan<byte> text, StringBuilder line, Stream output)
    {
        line.Clear();
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            var last = i == text.Length - 1;
            string piece;
            // Rule 3: whitespace at a line end is encoded (it may be stripped in transit). "From " and a leading dot
            // are encoded too, so no MTA mangles signed content (RFC 3156 §3).
            if ((b is (byte)' ' or (byte)'\t' && last) || b == (byte)'=' || b < 32 && b != (byte)'\t' || b > 126
                || (line.Length == 0 && (b == (byte)'.' || (b == (byte)'F' && text[i..].StartsWith("From "u8)))))
            {
                piece = "=" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                piece = ((char)b).ToString();
            }

            if (line.Length + piece.Length > MaxLine - 1 && !(last && line.Length + piece.Length <= MaxLine))
            {
                line.Append("=\r\n");
                output.Write(Encoding.ASCII.GetBytes(line.ToString()));
                line.Clear();
                if (piece == "." || piece == "F")
                {
                    piece = "=" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            line.Append(piece);
        }

        output.Write(Encoding.ASCII.GetBytes(line.ToString()));
    }

    public static byte[] Decode(ReadOnlySpan<byte> encoded)
    {
        var output = new MemoryStream(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b != (byte)'=')
            {
                output.WriteByte(b);
                continue;
            }

            if (i + 2 < encoded.Length && encoded[i + 1] == '\r' && encoded[i + 2] == '\n')
            {
                i += 2; // soft line break
            }
            else if (i + 1 < encoded.Length && encoded[i + 1] == '\n')
            {
                i += 1;
            }
            else if (i + 2 < encoded.Length && Uri.IsHexDigit((char)encoded[i + 1]) && Uri.IsHexDigit((char)encoded[i + 2]))
            {
                output.WriteByte(Convert.ToByte(Encoding.ASCII.GetString(encoded.Slice(i + 1, 2)), 16));
                i += 2;
            }
            else
            {
                output.WriteByte(b); // RFC 2045 §6.7 note 1: a robust decoder keeps a stray "="
            }
        }

        return output.ToArray();
    }
}
