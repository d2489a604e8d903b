using System.Text;
using System.Text.RegularExpressions;

namespace DnsCert.Core.Notifications;

/// <summary>
/// The small template language of notification texts: <c>{{name}}</c> is replaced by a value, and
/// <c>{{#items}} … {{/items}}</c> repeats its lines once per aggregated item (with that item's values). Nothing else:
/// a translator can edit a template without learning a language, and a value can never inject template syntax.
/// </summary>
public static partial class TemplateText
{
    public const string ItemsStart = "{{#items}}";
    public const string ItemsEnd = "{{/items}}";

    [GeneratedRegex(@"\{\{([a-z0-9_]+)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex("^[a-z0-9_]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public static bool IsPlaceholderName(string name) => NamePattern().IsMatch(name ?? "");

    /// <summary>Every placeholder the text uses, the item section's marked "items.name".</summary>
    public static IReadOnlySet<string> Placeholders(string text)
    {
        var (head, items, tail) = Split(text);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match m in PlaceholderPattern().Matches(head + tail))
        {
            names.Add(m.Groups[1].Value);
        }

        foreach (Match m in PlaceholderPattern().Matches(items ?? ""))
        {
            names.Add("items." + m.Groups[1].Value);
        }

        return names;
    }

    public static string Render(string text, IReadOnlyDictionary<string, string> values, IReadOnlyList<IReadOnlyDictionary<string, string>> items)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(items);
        var (head, section, tail) = Split(text);
        var output = new StringBuilder(Replace(head, values));
        if (section is not null)
        {
            foreach (var item in items)
            {
                output.Append(Replace(section, item));
            }

            output.Append(Replace(tail, values));
        }

        return output.ToString();
    }

    private static string Replace(string text, IReadOnlyDictionary<string, string> values) =>
        PlaceholderPattern().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : "");

    private static (string Head, string? Items, string Tail) Split(string text)
    {
        var start = text.IndexOf(ItemsStart, StringComparison.Ordinal);
        if (start < 0)
        {
            return (text, null, "");
        }

        var end = text.IndexOf(ItemsEnd, start, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new FormatException($"{ItemsStart} without {ItemsEnd}");
        }

        // The markers sit on lines of their own; drop those lines' line breaks.
        var bodyStart = start + ItemsStart.Length;
        if (bodyStart < text.Length && text[bodyStart] == '\n')
        {
            bodyStart++;
        }

        var tailStart = end + ItemsEnd.Length;
        if (tailStart < text.Length && text[tailStart] == '\n')
        {
            tailStart++;
        }

        return (text[..start], text[bodyStart..end], text[tailStart..]);
    }
}
