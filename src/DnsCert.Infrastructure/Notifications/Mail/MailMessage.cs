using System.Text;
using System.Text.RegularExpressions;

namespace DnsCert.Infrastructure.Notifications.Mail;

/// <summary>The message does not follow RFC 5322/2045 well enough to be read; <see cref="Exception.Message"/> says why.</summary>
public sealed class MalformedMailException : Exception
{
    public MalformedMailException(string message) : base(message) { }

    public MalformedMailException(string message, Exception inner) : base(message, inner) { }

    public MalformedMailException() { }
}

/// <summary>
/// A received RFC 5322 message (or MIME entity), parsed just enough for intake: unfolded headers, the raw body, the raw
/// bytes of each part of a multipart (exactly as received: a signature covers those bytes), decoded text.
/// </summary>
public sealed partial class MailEntity
{
    /// <summary>Mail larger than this is refused before parsing (Postfix's default message_size_limit is 10 MB).</summary>
    public const int MaxSize = 25 * 1024 * 1024;

    /// <summary>Nested multiparts deeper than this are refused (a bomb of nested boundaries).</summary>
    public const int MaxDepth = 8;

    private readonly List<KeyValuePair<string, string>> _headers;

    private MailEntity(byte[] raw, List<KeyValuePair<string, string>> headers, int bodyStart, int depth)
    {
        Raw = raw;
        _headers = headers;
        BodyStart = bodyStart;
        Depth = depth;
    }

    public byte[] Raw { get; }

    public int BodyStart { get; }

    public int Depth { get; }

    public ReadOnlySpan<byte> Body => Raw.AsSpan(BodyStart);

    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public static MailEntity Parse(byte[] raw) => Parse(raw, 0);

    private static MailEntity Parse(byte[] raw, int depth)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Length > MaxSize)
        {
            throw new MalformedMailException($"larger than {MaxSize} bytes");
        }

        if (depth > MaxDepth)
        {
            throw new MalformedMailException($"multiparts nested deeper than {MaxDepth}");
        }

        var headers = new List<KeyValuePair<string, string>>();
        var position = 0;
        string? name = null;
        var value = new StringBuilder();
        while (true)
        {
            if (position >= raw.Length)
            {
                // Headers only and no body is legal (RFC 5322 §3.5: the body is optional).
                break;
            }

            var end = Array.IndexOf(raw, (byte)'\n', position);
            var lineEnd = end < 0 ? raw.Length : end;
            var line = Encoding.UTF8.GetString(raw, position, lineEnd - position).TrimEnd('\r');
            position = end < 0 ? raw.Length : end + 1;
            if (line.Length == 0)
            {
                break;
            }

            if (line[0] is ' ' or '\t')
            {
                if (name is null)
                {
                    throw new MalformedMailException("a continuation line before any header");
                }

                value.Append(' ').Append(line.Trim());
                continue;
            }

            if (name is not null)
            {
                headers.Add(new(name, value.ToString()));
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[..colon].Any(c => c <= ' ' || c > '~'))
            {
                throw new MalformedMailException($"header line without a field name: '{Shorten(line)}'");
            }

            name = line[..colon];
            value.Clear().Append(line[(colon + 1)..].Trim());
        }

        if (name is not null)
        {
            headers.Add(new(name, value.ToString()));
        }

        return new MailEntity(raw, headers, position, depth);
    }

    public string? Header(string name) => _headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The header's text with RFC 2047 encoded words decoded.</summary>
    public string? DecodedHeader(string name) => Header(name) is { } value ? DecodeWords(value) : null;

    /// <summary>"multipart/signed" from Content-Type (lower case), "text/plain" when absent (RFC 2045 §5.2).</summary>
    public string MediaType => (Header("Content-Type") ?? "text/plain").Split(';')[0].Trim().ToLowerInvariant();

    public string? Parameter(string header, string parameter)
    {
        var value = Header(header);
        if (value is null)
        {
            return null;
        }

        var match = Regex.Match(value, @";\s*" + Regex.Escape(parameter) + @"\s*=\s*(?:""((?:[^""\\]|\\.)*)""|([^;\s]+))",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success ? (match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value) : null;
    }

    /// <summary>The parts of a multipart, each exactly as its bytes appear between the delimiters (RFC 2046 §5.1.1).</summary>
    public IReadOnlyList<MailEntity> Parts()
    {
        if (!MediaType.StartsWith("multipart/", StringComparison.Ordinal))
        {
            return [];
        }

        var boundary = Parameter("Content-Type", "boundary");
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            throw new MalformedMailException("multipart without a valid boundary parameter (RFC 2046 §5.1.1)");
        }

        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var body = Raw.AsSpan(BodyStart);
        var parts = new List<MailEntity>();
        var starts = new List<(int LineStart, int ContentStart, bool Close)>();
        var position = 0;
        while (position < body.Length)
        {
            var next = body[position..].IndexOf(delimiter);
            if (next < 0)
            {
                break;
            }

            var at = position + next;
            if (at == 0 || body[at - 1] == '\n')
            {
                var after = at + delimiter.Length;
                var close = body.Length >= after + 2 && body[after] == '-' && body[after + 1] == '-';
                var lineEnd = body[after..].IndexOf((byte)'\n');
                starts.Add((at, lineEnd < 0 ? body.Length : after + lineEnd + 1, close));
                if (close)
                {
                    break;
                }
            }

            position = at + delimiter.Length;
        }

        if (starts.Count == 0 || !starts[^1].Close)
        {
            throw new MalformedMailException("multipart without its closing delimiter");
        }

        for (var i = 0; i < starts.Count - 1; i++)
        {
            var from = starts[i].ContentStart;
            var to = starts[i + 1].LineStart;
            // The CRLF before a delimiter belongs to the delimiter.
            if (to > from && body[to - 1] == '\n')
            {
                to--;
                if (to > from && body[to - 1] == '\r')
                {
                    to--;
                }
            }

            parts.Add(Parse(body[from..Math.Max(from, to)].ToArray(), Depth + 1));
        }

        return parts;
    }

    /// <summary>The body with its transfer encoding undone.</summary>
    public byte[] DecodedBody()
    {
        var encoding = (Header("Content-Transfer-Encoding") ?? "7bit").Trim().ToLowerInvariant();
        try
        {
            return encoding switch
            {
                "quoted-printable" => QuotedPrintable.Decode(Body),
                "base64" => Convert.FromBase64String(Encoding.ASCII.GetString(Body).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim()),
                _ => Body.ToArray(),
            };
        }
        catch (FormatException e)
        {
            throw new MalformedMailException("a base64 body that is not base64", e);
        }
    }

    /// <summary>The first text/plain part's text (depth first), or the body of a plain message.</summary>
    public string? PlainText()
    {
        if (MediaType == "text/plain")
        {
            return Charset(Parameter("Content-Type", "charset")).GetString(DecodedBody());
        }

        foreach (var part in Parts())
        {
            if (part.PlainText() is { } text)
            {
                return text;
            }
        }

        return null;
    }

    private static Encoding Charset(string? name)
    {
        try
        {
            return string.IsNullOrEmpty(name) ? Encoding.UTF8 : Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    [GeneratedRegex(@"=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?", RegexOptions.CultureInvariant)]
    private static partial Regex EncodedWord();

    /// <summary>Decodes RFC 2047 encoded words; whitespace between two adjacent words is dropped (§6.2).</summary>
    public static string DecodeWords(string text) => EncodedWord().Replace(text ?? "", m =>
    {
        try
        {
            var bytes = m.Groups[2].Value is "b" or "B"
                ? Convert.FromBase64String(m.Groups[3].Value)
                : QuotedPrintable.Decode(Encoding.ASCII.GetBytes(m.Groups[3].Value.Replace('_', ' ')));
            return Charset(m.Groups[1].Value.Split('*')[0]).GetString(bytes);
        }
        catch (FormatException)
        {
            return m.Value;
        }
    });

    private static string Shorten(string line) => line.Length <= 60 ? line : line[..60] + "…";
}
