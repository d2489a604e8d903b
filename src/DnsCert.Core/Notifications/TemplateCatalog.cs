using System.Collections.Frozen;


namespace DnsCert.Core.Notifications;

/// <summary>One template: its subject line and its plain-text body, both in the template language.</summary>
public sealed record NotificationTemplate(NotificationKind Kind, string Language, string Subject, string Body)
{
    /// <summary>Placeholders of subject and body together (item placeholders as "items.name").</summary>
    public IReadOnlySet<string> Placeholders() => TemplateText.Placeholders(Subject + "\n" + Body);
}

/// <summary>
/// The templates compiled into this assembly (Templates/&lt;kind&gt;.&lt;language&gt;.txt). A file is
/// <c>Subject: …</c>, an empty line, then the body.
/// </summary>
public static class TemplateCatalog
{
    private const string ResourcePrefix = "DnsCert.Notifications.Templates.";
    private static readonly Lazy<FrozenDictionary<string, NotificationTemplate>> s_templates = new(Load);

    public static IReadOnlyCollection<NotificationTemplate> All => s_templates.Value.Values;

    public static NotificationTemplate Get(NotificationKind kind, string language) =>
        s_templates.Value.TryGetValue(Key(kind, language), out var template)
            ? template
            : s_templates.Value[Key(kind, NotificationLanguages.Fallback)];

    public static NotificationTemplate Parse(NotificationKind kind, string language, string text)
    {
        text = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        const string SubjectField = "Subject: ";
        var separator = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (!text.StartsWith(SubjectField, StringComparison.Ordinal) || separator < 0)
        {
            throw new FormatException($"template {kind.Name()}.{language}: starts with 'Subject: …' and an empty line");
        }

        return new NotificationTemplate(kind, language, text[SubjectField.Length..separator].Trim(), text[(separator + 2)..].TrimEnd() + "\n");
    }

    private static string Key(NotificationKind kind, string language) => kind.Name() + "." + language;

    private static FrozenDictionary<string, NotificationTemplate> Load()
    {
        var assembly = typeof(TemplateCatalog).Assembly;
        var templates = new Dictionary<string, NotificationTemplate>(StringComparer.Ordinal);
        foreach (var kind in NotificationKinds.All)
        {
            foreach (var language in NotificationLanguages.Supported)
            {
                using var stream = assembly.GetManifestResourceStream(ResourcePrefix + Key(kind, language) + ".txt");
                if (stream is null)
                {
                    continue;
                }

                using var reader = new StreamReader(stream);
                templates[Key(kind, language)] = Parse(kind, language, reader.ReadToEnd());
            }
        }

        return templates.ToFrozenDictionary(StringComparer.Ordinal);
    }

}
