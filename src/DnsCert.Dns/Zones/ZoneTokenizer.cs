namespace DnsCert.Dns.Zones;

/// <summary>
/// Splits zone-file text into logical entries (RFC 1035 §5.1): parentheses join physical lines, <c>;</c> starts a
/// comment, quotes group text, backslash escapes are kept in the token for the field parser to decode.
/// Fed one physical line at a time so the reader can stream.
/// </summary>
internal sealed class ZoneTokenizer
{
    /// <summary>
    /// Most tokens in one logical entry. RDATA is at most 65535 octets, so no real record comes close; the cap stops a
    /// stray '(' from swallowing the rest of a large file into memory before the error is reported.
    /// </summary>
    public const int MaxEntryTokens = 70_000;

    private readonly string _fileName;
    private readonly List<ZoneToken> _tokens = [];

    // Reused for every token: a zone has millions of tokens and each would otherwise cost a builder.
    private readonly System.Text.StringBuilder _text = new(64);
    private int _depth;
    private int _openLine;
    private int _openColumn;

    public ZoneTokenizer(string fileName) => _fileName = fileName;

    /// <summary>True when the current entry's first line began with blank space (owner omitted).</summary>
    public bool StartsWithBlank { get; private set; }

    /// <summary>Line where the current entry started.</summary>
    public int EntryLine { get; private set; }

    /// <summary>True while a parenthesised group is open.</summary>
    public bool InGroup => _depth > 0;

    /// <summary>
    /// Adds one physical line. Returns the tokens of a completed logical entry (possibly empty for blank lines)
    /// or null when a parenthesised group continues on the next line. The returned list is reused.
    /// </summary>
    public List<ZoneToken>? AddLine(string line, int lineNumber)
    {
        if (_depth == 0)
        {
            _tokens.Clear();
            StartsWithBlank = line.Length > 0 && (line[0] == ' ' || line[0] == '\t');
            EntryLine = lineNumber;
        }

        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            switch (c)
            {
                case ' ' or '\t' or '\r':
                    i++;
                    continue;
                case ';':
                    i = line.Length;
                    continue;
                case '(':
                    if (_depth == 0)
                    {
                        _openLine = lineNumber;
                        _openColumn = i + 1;
                    }

                    _depth++;
                    i++;
                    continue;
                case ')':
                    if (_depth == 0)
                    {
                        throw new ZoneFileException(_fileName, lineNumber, i + 1, "')' without matching '('");
                    }

                    _depth--;
                    i++;
                    continue;
                case '"':
                    var column = i + 1;
                    i = ReadQuoted(line, i, lineNumber, out var quoted);
                    _tokens.Add(new ZoneToken(quoted, true, lineNumber, column));
                    continue;
                default:
                    i = ReadWord(line, i, lineNumber);
                    continue;
            }
        }

        if (_tokens.Count > MaxEntryTokens)
        {
            throw _depth > 0
                ? new ZoneFileException(_fileName, _openLine, _openColumn, $"entry longer than {MaxEntryTokens} tokens: is this '(' closed?")
                : new ZoneFileException(_fileName, lineNumber, 1, $"entry longer than {MaxEntryTokens} tokens");
        }

        return _depth == 0 ? _tokens : null;
    }

    /// <summary>Fails if the input ended inside parentheses.</summary>
    public void Finish()
    {
        if (_depth > 0)
        {
            throw new ZoneFileException(_fileName, _openLine, _openColumn, "'(' is never closed");
        }
    }

    private int ReadQuoted(string line, int start, int lineNumber, out string text)
    {
        var i = start + 1;
        var sb = new System.Text.StringBuilder();
        var end = line.IndexOf('"', i);
        if (end >= 0 && line.IndexOf('\\', i, end - i) < 0)
        {
            // Common case: no escapes, so the content is a plain substring.
            text = line[i..end];
            return end + 1;
        }

        while (i < line.Length && line[i] != '"')
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                sb.Append(line, i, 2);
                i += 2;
                continue;
            }

            sb.Append(line[i]);
            i++;
        }

        if (i >= line.Length)
        {
            throw new ZoneFileException(_fileName, lineNumber, start + 1, "unterminated quoted string");
        }

        text = sb.ToString();
        return i + 1;
    }

    private int ReadWord(string line, int start, int lineNumber)
    {
        var sb = _text.Clear();
        var i = start;
        while (i < line.Length)
        {
            var c = line[i];
            if (c is ' ' or '\t' or '\r' or ';' or '(' or ')')
            {
                break;
            }

            if (c == '\\')
            {
                if (i + 1 >= line.Length)
                {
                    throw new ZoneFileException(_fileName, lineNumber, i + 1, "backslash at end of line");
                }

                sb.Append(line, i, 2);
                i += 2;
                continue;
            }

            if (c == '"')
            {
                if (sb.Length > 0 && sb[^1] == '=')
                {
                    // RFC 9460 Appendix A: SvcParam values may be quoted after "key=".
                    i = ReadQuoted(line, i, lineNumber, out var quoted);
                    sb.Append(quoted);
                    continue;
                }

                break;
            }

            sb.Append(c);
            i++;
        }

        _tokens.Add(new ZoneToken(sb.ToString(), false, lineNumber, start + 1));
        return i;
    }

    /// <summary>Tokenizes a stand-alone fragment (RDATA text given to an API call).</summary>
    public static List<ZoneToken> TokenizeFragment(string text, string fileName)
    {
        var tokenizer = new ZoneTokenizer(fileName);
        var all = new List<ZoneToken>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            var entry = tokenizer.AddLine(line, lineNumber);
            if (entry is not null)
            {
                all.AddRange(entry);
                entry.Clear();
            }
        }

        tokenizer.Finish();
        return all;
    }
}
