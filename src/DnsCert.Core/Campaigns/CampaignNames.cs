using System.Globalization;
using DnsCert.Dns.Names;

namespace DnsCert.Core.Campaigns;

/// <summary>A name as stored (A-labels, lower case, final dot), or why it cannot be one.</summary>
public readonly record struct NormalisedName(string? Name, string? Error)
{
    public bool Ok => Name is not null;
}

/// <summary>
/// The one spelling of a campaign name: Unicode names become A-labels (IDNA, UTS #46 through
/// <see cref="IdnMapping"/>), case is folded, the final dot added — then <see cref="DnsName.TryNormalize"/>, the
/// spelling every store of DnsCert uses. Registries register host names, so every label must be LDH.
/// </summary>
public static class CampaignNames
{
    /// <summary>RFC 1035 §2.3.4: a label is at most 63 octets.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>RFC 1035 §2.3.4: 255 octets on the wire are 253 characters in text without the final dot.</summary>
    public const int MaxNameLength = 253;

    private static readonly IdnMapping s_idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    public static NormalisedName Normalise(string? text)
    {
        var name = (text ?? "").Trim();
        if (name.EndsWith('.'))
        {
            name = name[..^1];
        }

        if (name.Length == 0)
        {
            return new(null, "is empty");
        }

        if (!name.All(char.IsAscii))
        {
            try
            {
                name = s_idn.GetAscii(name);
            }
            catch (ArgumentException)
            {
                return new(null, "is not a valid internationalised domain name (IDNA)");
            }
        }

        name = name.ToLowerInvariant();
        if (name.Length > MaxNameLength)
        {
            return new(null, $"is longer than {MaxNameLength} characters (RFC 1035)");
        }

        var labels = name.Split('.');
        if (labels.Length < 2)
        {
            return new(null, "is a single label, not a name under a top-level domain");
        }

        foreach (var label in labels)
        {
            if (LabelError(label) is { } error)
            {
                return new(null, error);
            }
        }

        return DnsName.TryNormalize(name, out var normal) ? new(normal, null) : new(null, "is not a valid domain name");
    }

    /// <summary>RFC 1123 §2.1 host-name labels: letters, digits, hyphens, not starting or ending with a hyphen.</summary>
    private static string? LabelError(string label)
    {
        if (label.Length == 0)
        {
            return "has an empty label";
        }

        if (label.Length > MaxLabelLength)
        {
            return $"has a label longer than {MaxLabelLength} characters (RFC 1035)";
        }

        if (label[0] == '-' || label[^1] == '-')
        {
            return $"label '{label}' starts or ends with a hyphen (RFC 1123)";
        }

        foreach (var c in label)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return $"label '{label}' has a character other than letters, digits and hyphens (RFC 1123)";
            }
        }

        if (label.StartsWith("xn--", StringComparison.Ordinal))
        {
            try
            {
                _ = s_idn.GetUnicode(label);
            }
            catch (ArgumentException)
            {
                return $"label '{label}' is not a valid A-label (RFC 5891)";
            }
        }

        return null;
    }
}
