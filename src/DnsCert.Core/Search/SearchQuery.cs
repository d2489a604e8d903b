using System.Globalization;

namespace DnsCert.Core.Search;

/// <summary>The kinds of record the console's search box finds, in the order the results page shows them.</summary>
public enum SearchKind
{
    Organisation,
    Zone,
    Incident,
    Campaign,
    Contact,
}

/// <summary>
/// One search of the console (the header's box, <c>/search</c>, <c>GET /api/v1/search</c>), parsed once: the text as
/// typed (lower case, for names and titles), the domain-name spellings it may stand for (U-label typed → A-label too,
/// and back; the final dot dropped, as directory assets are stored), and an incident number ("#123" or "123").
/// </summary>
public sealed record SearchQuery
{
    /// <summary>Longest query accepted: a domain name is at most 253 characters (RFC 1035 §2.3.4) and a title 200.</summary>
    public const int MaxLength = 253;

    /// <summary>Results listed per kind; the count beside each kind says how many more there are, up to <see cref="CountLimit"/>.</summary>
    public const int DefaultPerKind = 20;

    /// <summary>Counting stops here ("1000+"): an exact count of a common word would scan whole tables.</summary>
    public const int CountLimit = 1000;

    private static readonly IdnMapping s_idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    private SearchQuery(string text, IReadOnlyList<string> names, long? incidentNumber, int perKind)
    {
        Text = text;
        Names = names;
        IncidentNumber = incidentNumber;
        PerKind = perKind;
    }

    /// <summary>The query as typed, trimmed and in lower case (invariant culture).</summary>
    public string Text { get; }

    /// <summary>
    /// The spellings to match names with (zones, assets, organisations named after their zone): the text itself, its
    /// A-label form and its U-label form, without a final dot. Distinct, never empty.
    /// </summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>An incident number when the query is one ("#123", "123").</summary>
    public long? IncidentNumber { get; }

    public int PerKind { get; }

    /// <summary>Parses a query; empty or overlong text is a <see cref="ValidationException"/> naming <paramref name="field"/>.</summary>
    public static SearchQuery Parse(string? q, int perKind = DefaultPerKind, string field = "q")
    {
        var text = (q ?? "").Trim();
        if (text.Length == 0)
        {
            throw new ValidationException(field, "must not be empty: type a name, a domain, an incident number or an e-mail address");
        }

        if (text.Length > MaxLength)
        {
            throw new ValidationException(field, $"must be at most {MaxLength} characters");
        }

        if (perKind is < 1 or > 100)
        {
            throw new ValidationException("limit", "must be between 1 and 100");
        }

        text = text.ToLowerInvariant();
        long? number = null;
        var digits = text.StartsWith('#') ? text[1..] : text;
        if (digits.Length is > 0 and <= 18 && digits.All(char.IsAsciiDigit))
        {
            number = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return new SearchQuery(text, NameSpellings(text), number, perKind);
    }

    private static List<string> NameSpellings(string text)
    {
        var bare = text.EndsWith('.') && text.Length > 1 ? text[..^1] : text;
        var names = new List<string> { bare };
        if (bare.Contains(' ', StringComparison.Ordinal) || bare.Contains('@', StringComparison.Ordinal))
        {
            return names;
        }

        try
        {
            // Both directions: a name stored as an A-label is found from its Unicode spelling, and the reverse.
            names.Add(s_idn.GetAscii(bare).ToLowerInvariant());
            names.Add(s_idn.GetUnicode(bare).ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            // Not a valid IDN (a word, a partial name with a hyphen in the wrong place): the text alone is matched.
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }
}

/// <summary>One result: what it is, its title, a second line, and where it leads in the console.</summary>
public sealed record SearchHit(SearchKind Kind, string Title, string? Detail, string Link);

/// <summary>The results of one kind: the first <see cref="SearchQuery.PerKind"/> hits and how many matched (capped).</summary>
public sealed record SearchGroup(SearchKind Kind, IReadOnlyList<SearchHit> Hits, int Count)
{
    public bool CountCapped => Count > SearchQuery.CountLimit;
}

/// <summary>Every kind the viewer may search, in <see cref="SearchKind"/> order; kinds the viewer may not search are absent.</summary>
public sealed record SearchResults(string Query, IReadOnlyList<SearchGroup> Groups)
{
    public int Total => Groups.Sum(g => g.Count);
}
