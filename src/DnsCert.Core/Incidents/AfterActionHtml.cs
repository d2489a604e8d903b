using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Incidents;

/// <summary>What the printable after-action report shows: the (saved or drafted) Markdown and the incident's labels.</summary>
public sealed record AfterActionDocument(long IncidentId, string Reference, string Title, Tlp Tlp, Pap Pap, string Markdown, DateTimeOffset GeneratedAt);

/// <summary>
/// The after-action report as one print-ready HTML document for a PDF printer: light, no script, no outside resource
/// (a Content-Security-Policy forbids any), the team's name, and the TLP label in the header and footer of every page,
/// in FIRST's colours on black, as TLP 2.0 asks of documents. The Markdown is the subset the draft writes and a handler
/// types (headings, paragraphs, lists, check boxes, pipe tables, code, bold, italics); every character of it is
/// HTML-encoded first, so nothing in a report becomes markup.
/// </summary>
public static partial class AfterActionHtml
{
    public static string Render(AfterActionDocument document, string teamName)
    {
        ArgumentNullException.ThrowIfNull(document);
        var label = document.Tlp.ToLabel();
        var team = string.IsNullOrWhiteSpace(teamName) ? "DNS-CERT" : OneLine(teamName);
        var html = new StringBuilder(document.Markdown.Length * 2 + 4096);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\"><head><meta charset=\"utf-8\">");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
        html.Append("<title>").Append(Encode($"{document.Reference} — {OneLine(document.Title)}")).Append("</title><style>\n");
        // TLP 2.0: the label in the header and footer of each page, at least as large as the text, colour on black.
        var labelBox = $"content: {CssString(label)}; font: bold 12pt \"DejaVu Sans\", sans-serif; color: {document.Tlp.Colour()}; background: #000; padding: 0 3mm; margin: 5mm 0;";
        html.Append(CultureInfo.InvariantCulture, $$"""
            @page { size: A4; margin: 22mm 16mm 20mm;
              @top-left { content: {{CssString(team + " — " + document.Reference)}}; font: 9pt "DejaVu Sans", sans-serif; color: #333; }
              @top-right { {{labelBox}} }
              @bottom-left { content: "Page " counter(page) " of " counter(pages); font: 9pt "DejaVu Sans", sans-serif; color: #333; }
              @bottom-right { {{labelBox}} }
            }
            body { font: 10pt/1.45 "DejaVu Sans", sans-serif; color: #000; background: #fff; margin: 0; }
            h1 { font-size: 16pt; margin: 0 0 4mm; } h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; }
            h3, h4 { font-size: 11pt; margin: 4mm 0 1mm; }
            table { border-collapse: collapse; width: 100%; margin: 2mm 0; font-size: 9pt; }
            th, td { border: 1px solid #999; padding: 1mm 1.5mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
            th { background: #eee; } tr { break-inside: avoid; } thead { display: table-header-group; }
            h2, h3 { break-after: avoid; }
            code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; } pre { white-space: pre-wrap; border: 1px solid #ccc; padding: 2mm; }
            .tlp { font-weight: bold; color: {{document.Tlp.Colour()}}; background: #000; padding: 0 2mm; }
            .meta { color: #333; margin: 0 0 4mm; } ul { padding-left: 6mm; } li.task { list-style: none; margin-left: -5mm; }

            """);
        html.Append("</style></head><body>\n");
        html.Append("<p class=\"meta\"><span class=\"tlp\">").Append(Encode(label)).Append("</span> ").Append(Encode(document.Pap.ToLabel()))
            .Append(" · ").Append(Encode(team)).Append(" · ").Append(Encode(document.Reference))
            .Append(CultureInfo.InvariantCulture, $" · printed {document.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC</p>\n");
        MarkdownBody(document.Markdown, html);
        return html.Append("</body></html>\n").ToString();
    }

    private static void MarkdownBody(string markdown, StringBuilder html)
    {
        var lines = (markdown ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var paragraph = new List<string>();
        var list = false;

        void Flush()
        {
            if (paragraph.Count > 0)
            {
                html.Append("<p>").Append(string.Join("<br>", paragraph.Select(Inline))).Append("</p>\n");
                paragraph.Clear();
            }

            if (list)
            {
                html.Append("</ul>\n");
                list = false;
            }
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                Flush();
                var code = new List<string>();
                while (++i < lines.Length && !lines[i].TrimEnd().StartsWith("```", StringComparison.Ordinal))
                {
                    code.Add(lines[i]);
                }

                html.Append("<pre>").Append(Encode(string.Join('\n', code))).Append("</pre>\n");
                continue;
            }

            if (line.Length == 0)
            {
                Flush();
                continue;
            }

            if (Heading().Match(line) is { Success: true } heading)
            {
                Flush();
                var level = Math.Min(heading.Groups[1].Length, 4);
                html.Append(CultureInfo.InvariantCulture, $"<h{level}>").Append(Inline(heading.Groups[2].Value)).Append(CultureInfo.InvariantCulture, $"</h{level}>\n");
                continue;
            }

            if (line.TrimStart().StartsWith('|'))
            {
                Flush();
                var rows = new List<string> { line };
                while (i + 1 < lines.Length && lines[i + 1].TrimStart().StartsWith('|'))
                {
                    rows.Add(lines[++i].TrimEnd());
                }

                Table(rows, html);
                continue;
            }

            if (ListItem().Match(line) is { Success: true } item)
            {
                if (paragraph.Count > 0)
                {
                    Flush();
                }

                if (!list)
                {
                    html.Append("<ul>\n");
                    list = true;
                }

                var text = item.Groups[1].Value;
                if (TaskItem().Match(text) is { Success: true } task)
                {
                    var done = task.Groups[1].Value is "x" or "X";
                    html.Append("<li class=\"task\">").Append(done ? "☑ " : "☐ ").Append(Inline(task.Groups[2].Value)).Append("</li>\n");
                }
                else
                {
                    html.Append("<li>").Append(Inline(text)).Append("</li>\n");
                }

                continue;
            }

            if (list)
            {
                Flush();
            }

            paragraph.Add(line);
        }

        Flush();
    }

    private static void Table(List<string> rows, StringBuilder html)
    {
        var cells = rows.Select(Cells).ToList();
        var hasHeader = cells.Count > 1 && cells[1].All(c => Separator().IsMatch(c));
        html.Append("<table>\n");
        if (hasHeader)
        {
            html.Append("<thead><tr>").Append(string.Concat(cells[0].Select(c => "<th>" + Inline(c) + "</th>"))).Append("</tr></thead>\n");
        }

        html.Append("<tbody>\n");
        foreach (var row in cells.Skip(hasHeader ? 2 : 0))
        {
            html.Append("<tr>").Append(string.Concat(row.Select(c => "<td>" + Inline(c) + "</td>"))).Append("</tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    // A pipe-table row: cells between unescaped pipes (the draft writes a literal pipe as \|).
    private static List<string> Cells(string row)
    {
        var text = row.Trim();
        text = text.StartsWith('|') ? text[1..] : text;
        text = text.EndsWith('|') && !text.EndsWith("\\|", StringComparison.Ordinal) ? text[..^1] : text;
        var cells = new List<string>();
        var cell = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '|')
            {
                cell.Append('|');
                i++;
            }
            else if (text[i] == '|')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(text[i]);
            }
        }

        cells.Add(cell.ToString().Trim());
        return cells;
    }

    // Inline marks on the encoded text: `code` first (nothing inside it is a mark), then **bold** and _italics_.
    private static string Inline(string text)
    {
        var parts = text.Split('`');
        var html = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            var encoded = Encode(parts[i]);
            if (i % 2 == 1 && i < parts.Length - 1)
            {
                html.Append("<code>").Append(encoded).Append("</code>");
            }
            else
            {
                html.Append(i % 2 == 1 ? "`" : "").Append(Italic().Replace(Bold().Replace(encoded, "<strong>$1</strong>"), "<em>$1</em>"));
            }
        }

        return html.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    // A CSS string literal that nothing can break out of (quotes, backslashes, "</style>"): every character outside a
    // small safe set becomes a CSS escape (CSS Syntax Level 3 §4.3.7), which ends with a space.
    private static string CssString(string text)
    {
        var css = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || " .,:+()-#".Contains((char)rune.Value, StringComparison.Ordinal)))
            {
                css.Append((char)rune.Value);
            }
            else
            {
                css.Append(CultureInfo.InvariantCulture, $"\\{rune.Value:X} ");
            }
        }

        return css.Append('"').ToString();
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*[-*]\s+(.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"^\[([ xX])\]\s+(.*)$")]
    private static partial Regex TaskItem();

    [GeneratedRegex(@"^\s*:?-{3,}:?\s*$")]
    private static partial Regex Separator();

    [GeneratedRegex(@"\*\*(.+?)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_])_(?=\S)(.+?)(?<=\S)_(?![\p{L}\p{N}_])")]
    private static partial Regex Italic();
}
