using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DnsCert.Core.Campaigns;

/// <summary>
/// Reads an upload one line at a time — plain text (one name a line, <c>#</c> comments) or CSV/TSV (the column headed
/// <c>domain</c>, <c>name</c> or <c>fqdn</c>, else the first) — and hashes what it read, so the same upload is known
/// again. Nothing is buffered beyond one line: an upload over <see cref="MaxLines"/> is refused when its first extra
/// line arrives, whatever its size.
/// </summary>
public sealed class CampaignLineReader(TextReader input, long maxLines = CampaignLineReader.MaxLines) : IDisposable
{
    /// <summary>
    /// Lines per upload. Conficker.C made 50,000 names a day; a hundred days of it is far below this. Larger lists are
    /// split into several uploads (one per day of the campaign's time window).
    /// </summary>
    public const long MaxLines = 5_000_000;

    private static readonly string[] s_headers = ["domain", "name", "fqdn", "domain_name", "domainname"];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _column = -1;
    private char _separator;

    /// <summary>Physical lines read so far.</summary>
    public long Lines { get; private set; }

    /// <summary>The lines that carried a name (not blank, not a comment, not the CSV header).</summary>
    public long Names { get; private set; }

    /// <summary>Yields (line number, name text) for every line that carries a name.</summary>
    public async IAsyncEnumerable<(long Line, string Text)> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            Lines++;
            if (Lines > maxLines)
            {
                throw new ValidationException("file", string.Create(CultureInfo.InvariantCulture,
                    $"the upload has more than {maxLines:N0} lines, the limit for one upload; split it (one upload per day of the campaign)"));
            }

            _hash.AppendData(Encoding.UTF8.GetBytes(line));
            _hash.AppendData("\n"u8);
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            if (_column < 0)
            {
                // The first line that says something decides the format.
                _separator = text.Contains(',', StringComparison.Ordinal) ? ',' : text.Contains('\t', StringComparison.Ordinal) ? '\t' : text.Contains(';', StringComparison.Ordinal) ? ';' : '\0';
                _column = 0;
                if (_separator == '\0' && s_headers.Contains(text.ToLowerInvariant()))
                {
                    continue; // A one-column CSV's header.
                }

                if (_separator != '\0')
                {
                    var cells = Split(text, _separator);
                    var header = Array.FindIndex(cells, c => s_headers.Contains(c.Trim().ToLowerInvariant()));
                    if (header >= 0)
                    {
                        _column = header;
                        continue;
                    }
                }
            }

            if (_separator != '\0')
            {
                var cells = Split(text, _separator);
                text = _column < cells.Length ? cells[_column].Trim() : "";
            }

            Names++;
            yield return (Lines, text);
        }
    }

    public void Dispose() => _hash.Dispose();

    /// <summary>SHA-256 (hex) of every line read, line endings normalised: the upload's identity.</summary>
    public string ContentHash() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    /// <summary>One CSV record on one line (RFC 4180 quotes; names never span lines).</summary>
    private static string[] Split(string line, char separator)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == separator)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return [.. cells];
    }
}
