using System.Globalization;
using System.Net;
using System.Text;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Notifications;

/// <summary>A message ready for the wire: subject, plain text (first) and its HTML alternative.</summary>
public sealed record RenderedNotification(string Language, string Subject, string Text, string Html);

/// <summary>
/// Renders one message from the directives aggregated for one recipient. The TLP label goes in the subject and before
/// the body, untranslated, as FIRST's TLP 2.0 prescribes for email; the ticket tag lets a reply find its record.
/// </summary>
public static class NotificationRenderer
{
    public const string TagProduct = "DnsCert";

    /// <summary>The tag a reply keeps in its subject: <c>[DnsCert #123]</c>.</summary>
    public static string Tag(long ticket) => string.Create(CultureInfo.InvariantCulture, $"[{TagProduct} #{ticket}]");

    public static RenderedNotification Render(
        NotificationKind kind, Tlp tlp, string language, long ticket, IReadOnlyList<IReadOnlyDictionary<string, string>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("at least one item", nameof(items));
        }

        var template = TemplateCatalog.Get(kind, language);
        var values = new Dictionary<string, string>(items[0], StringComparer.Ordinal)
        {
            ["count"] = items.Count.ToString(CultureInfo.InvariantCulture),
            ["ticket"] = Tag(ticket),
        };
        var label = tlp.ToLabel();
        var subject = $"[{label}] {Flatten(TemplateText.Render(template.Subject, values, items))} {Tag(ticket)}";
        var body = TemplateText.Render(template.Body, values, items);
        var text = label + "\n\n" + body;
        return new RenderedNotification(template.Language, subject, text, Html(template.Language, tlp, subject, body));
    }

    // A subject is one line whatever a value holds (header injection is impossible after this).
    private static string Flatten(string text) => string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static string Html(string language, Tlp tlp, string subject, string body)
    {
        var html = new StringBuilder(body.Length * 2);
        var direction = NotificationLanguages.IsRightToLeft(language) ? "rtl" : "ltr";
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"{language}\" dir=\"{direction}\"><head><meta charset=\"utf-8\"><title>");
        html.Append(WebUtility.HtmlEncode(subject)).Append("</title></head><body style=\"font-family:sans-serif\">");
        // FIRST's colours: the label in its colour on black.
        html.Append(CultureInfo.InvariantCulture, $"<p dir=\"ltr\"><span style=\"background:#000;color:{tlp.Colour()};padding:2px 6px;font-weight:bold\">{WebUtility.HtmlEncode(tlp.ToLabel())}</span></p>");
        foreach (var paragraph in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph.Trim('\n')).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        }

        return html.Append("</body></html>").ToString();
    }
}
