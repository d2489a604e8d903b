using System.Globalization;

namespace DnsCert.Core.Constituency;

/// <summary>
/// The Public Suffix List algorithm (publicsuffix.org/list, "Formal algorithm"): normal, wildcard (<c>*.ck</c>) and
/// exception (<c>!www.ck</c>) rules, with the implicit <c>*</c> rule for unlisted top-level labels. Rules and names are
/// compared in their ASCII (A-label, IDNA) form, so <c>食狮.公司.cn</c> and <c>xn--85x722f.xn--55qx5d.cn</c> agree.
/// Immutable after loading; safe to share between threads.
/// </summary>
public sealed class PublicSuffixList
{
    /// <summary>Where Debian's <c>publicsuffix</c> package installs the list.</summary>
    public const string DebianPath = "/usr/share/publicsuffix/public_suffix_list.dat";

    private static readonly IdnMapping s_idn = new() { AllowUnassigned = true };

    private readonly HashSet<string> _rules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wildcards = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exceptions = new(StringComparer.Ordinal);

    private PublicSuffixList()
    {
    }

    public int RuleCount => _rules.Count + _wildcards.Count + _exceptions.Count;

    /// <summary>
    /// Whether the list names this suffix (A-label, lower case, no final dot) by a rule of its own — for a single label,
    /// whether it is a top-level domain the list knows, rather than one only the implicit <c>*</c> rule covers.
    /// </summary>
    public bool Lists(string suffix) => _rules.Contains(suffix) || _wildcards.Contains(suffix);

    public static PublicSuffixList Load(string path = DebianPath)
    {
        using var reader = new StreamReader(path);
        return Parse(reader);
    }

    /// <summary>Reads the list format: one rule a line, <c>//</c> comments, the rule ends at the first whitespace.</summary>
    public static PublicSuffixList Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var list = new PublicSuffixList();
        while (reader.ReadLine() is { } line)
        {
            var rule = line.Trim();
            var space = rule.IndexOfAny([' ', '\t']);
            if (space >= 0)
            {
                rule = rule[..space];
            }

            if (rule.Length == 0 || rule.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            if (rule.StartsWith('!'))
            {
                list._exceptions.Add(ToAscii(rule[1..]));
            }
            else if (rule.StartsWith("*.", StringComparison.Ordinal))
            {
                list._wildcards.Add(ToAscii(rule[2..]));
            }
            else
            {
                list._rules.Add(ToAscii(rule));
            }
        }

        return list;
    }

    /// <summary>
    /// The public suffix of a name (<c>co.uk</c> for <c>www.example.co.uk</c>), in A-label form, or null when the
    /// name is not a valid host name (empty label, leading dot).
    /// </summary>
    public string? PublicSuffix(string name)
    {
        var ascii = Normalise(name);
        if (ascii is null)
        {
            return null;
        }

        var labels = ascii.Split('.');
        return string.Join('.', labels[^SuffixLabelCount(labels)..]);
    }

    /// <summary>
    /// The registrable domain (public suffix plus one label), in the form the name was given (Unicode stays Unicode,
    /// lower-cased), or null when the name is itself a public suffix or not valid.
    /// </summary>
    public string? RegistrableDomain(string? name)
    {
        var ascii = Normalise(name);
        if (ascii is null)
        {
            return null;
        }

        var labels = ascii.Split('.');
        var suffix = SuffixLabelCount(labels);
        if (labels.Length <= suffix)
        {
            return null;
        }

        var original = name!.ToLowerInvariant().TrimEnd('.').Split('.');
        return string.Join('.', original[^(suffix + 1)..]);
    }

    /// <summary>How many trailing labels form the public suffix (at least 1: the implicit <c>*</c> rule).</summary>
    private int SuffixLabelCount(string[] labels)
    {
        var best = 1;
        for (var count = 1; count <= labels.Length; count++)
        {
            var candidate = string.Join('.', labels[^count..]);
            if (_exceptions.Contains(candidate))
            {
                // An exception rule wins over every other rule and removes its own leftmost label.
                return count - 1;
            }

            if (_rules.Contains(candidate))
            {
                best = count;
            }

            if (count < labels.Length && _wildcards.Contains(candidate))
            {
                best = Math.Max(best, count + 1);
            }
        }

        return best;
    }

    private static string? Normalise(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.StartsWith('.'))
        {
            return null;
        }

        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        if (trimmed.Length == 0 || trimmed.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return ToAscii(trimmed);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string ToAscii(string name)
    {
        foreach (var c in name)
        {
            if (c > 0x7F)
            {
                return s_idn.GetAscii(name.ToLowerInvariant()).ToLowerInvariant();
            }
        }

        return name.ToLowerInvariant();
    }
}
