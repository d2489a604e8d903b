namespace DnsCert.Core.Notifications;

/// <summary>The languages notifications are written in (DESIGN §4). English is the fallback.</summary>
public static class NotificationLanguages
{
    public const string Fallback = "en";

    public static IReadOnlyList<string> Supported { get; } = ["en", "fr", "es", "pt", "ar"];

    /// <summary>
    /// The recipient's first preference that we support. Preferences are BCP 47 tags in order ("pt-BR", "fr");
    /// only the primary subtag counts, so "pt-BR" is served in Portuguese.
    /// </summary>
    public static string Choose(IEnumerable<string>? preferences)
    {
        foreach (var preference in preferences ?? [])
        {
            var primary = (preference ?? "").Trim().Split('-', '_')[0].ToLowerInvariant();
            if (Supported.Contains(primary, StringComparer.Ordinal))
            {
                return primary;
            }
        }

        return Fallback;
    }

    public static bool IsRightToLeft(string language) => language == "ar";
}
