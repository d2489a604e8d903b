using System.Net;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace DnsCert.Core.Constituency;

/// <summary>
/// Field checks for directory input. Each throws <see cref="ValidationException"/> naming the field and the reason
/// before anything is written; callers validate the whole record first, then write it in one transaction.
/// </summary>
public static partial class DirectoryValidation
{
    /// <summary>E.164: a plus, a country code that does not start with 0, at most 15 digits in all (ITU-T E.164 §6).</summary>
    public const int MaxE164Digits = 15;

    /// <summary>RFC 5321 §4.5.3.1.3: a path (and so an address) is at most 256 octets including the angle brackets.</summary>
    public const int MaxEmailLength = 254;

    public static string Email(string? value, string field = "email")
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0)
        {
            throw new ValidationException(field, "an email address is required");
        }

        if (text.Length > MaxEmailLength || text.Any(char.IsWhiteSpace) || !MailAddress.TryCreate(text, out var parsed)
            || parsed.Address != text || !parsed.Host.Contains('.', StringComparison.Ordinal) || parsed.Host.EndsWith('.'))
        {
            throw new ValidationException(field, $"'{text}' is not an email address (expected name@domain.example)");
        }

        return text;
    }

    /// <summary>Accepts spaces, dots, dashes and brackets for readability; stores <c>+</c> and digits only.</summary>
    public static string? Phone(string? value, string field = "phone")
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0)
        {
            return null;
        }

        var compact = SeparatorPattern().Replace(text, "");
        if (!E164Pattern().IsMatch(compact))
        {
            throw new ValidationException(field,
                $"'{text}' is not an E.164 number (a + then the country code and number, at most {MaxE164Digits} digits, e.g. +41 22 555 01 00)");
        }

        return compact;
    }

    /// <summary>An IANA time-zone name this system's tz database knows (Europe/Paris, Africa/Bamako, UTC).</summary>
    public static string TimeZone(string? value, string field = "timeZone")
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0)
        {
            return "UTC";
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(text, out var zone) || !zone.HasIanaId)
        {
            throw new ValidationException(field, $"'{text}' is not an IANA time zone (e.g. Europe/Paris, America/La_Paz)");
        }

        return zone.Id;
    }

    /// <summary>An ISO 639-1 language code (two letters), lower-cased.</summary>
    public static string Language(string? value, string field = "language")
    {
        var text = (value ?? "").Trim().ToLowerInvariant();
        if (!LanguagePattern().IsMatch(text))
        {
            throw new ValidationException(field, $"'{value}' is not a two-letter ISO 639-1 language code (e.g. fr)");
        }

        return text;
    }

    public static IReadOnlyList<string> Languages(IEnumerable<string>? values, string field = "languages")
    {
        var result = new List<string>();
        foreach (var value in values ?? [])
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var code = Language(value, field);
            if (!result.Contains(code))
            {
                result.Add(code);
            }
        }

        return result;
    }

    /// <summary>An ISO 3166-1 alpha-2 country code, upper-cased; null when empty.</summary>
    public static string? Country(string? value, string field = "country")
    {
        var text = (value ?? "").Trim().ToUpperInvariant();
        if (text.Length == 0)
        {
            return null;
        }

        if (!CountryPattern().IsMatch(text))
        {
            throw new ValidationException(field, $"'{value}' is not a two-letter ISO 3166-1 country code (e.g. ML)");
        }

        return text;
    }

    public static string Name(string? value, string field = "name")
    {
        var text = (value ?? "").Trim();
        if (text.Length is 0 or > 200)
        {
            throw new ValidationException(field, "a name of 1 to 200 characters is required");
        }

        return text;
    }

    /// <summary>Normalises an asset value for its kind: lower-case names without the final dot, canonical prefixes, AS numbers.</summary>
    public static string AssetValue(AssetKind kind, string? value, string field = "value")
    {
        var text = (value ?? "").Trim();
        switch (kind)
        {
            case AssetKind.Zone:
            case AssetKind.NameServer:
                text = text.TrimEnd('.').ToLowerInvariant();
                if (text.Length is 0 or > 253 || !HostPattern().IsMatch(text))
                {
                    throw new ValidationException(field, $"'{value}' is not a domain name");
                }

                return text;
            case AssetKind.IpPrefix:
                if (!IPNetwork.TryParse(text, out var network))
                {
                    throw new ValidationException(field, $"'{value}' is not an IP prefix (e.g. 192.0.2.0/24, 2001:db8::/32)");
                }

                return network.ToString();
            case AssetKind.AsNumber:
                var digits = text.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
                if (!uint.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var asn) || asn == 0)
                {
                    throw new ValidationException(field, $"'{value}' is not an AS number (e.g. AS64500)");
                }

                return "AS" + asn.ToString(System.Globalization.CultureInfo.InvariantCulture);
            default:
                if (text.Length is 0 or > 200)
                {
                    throw new ValidationException(field, "a product name of 1 to 200 characters is required");
                }

                return text;
        }
    }

    public static ContactInput Contact(ContactInput input, IOpenPgpKeyReader keys, out OpenPgpKeyInfo? key)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(keys);
        var name = Name(input.Name);
        if (input.Roles.Count == 0)
        {
            throw new ValidationException("roles", "choose at least one role");
        }

        var email = Email(input.Email);
        var phone = Phone(input.Phone);
        var language = string.IsNullOrWhiteSpace(input.Language) ? null : Language(input.Language);
        var armoured = string.IsNullOrWhiteSpace(input.OpenPgpKey) ? null : input.OpenPgpKey.Trim();
        key = armoured is null ? null : keys.Read(armoured);
        var hours = string.IsNullOrWhiteSpace(input.WorkingHours) ? null : input.WorkingHours.Trim();
        if (hours is { Length: > 200 })
        {
            throw new ValidationException("workingHours", "at most 200 characters");
        }

        return input with
        {
            Name = name,
            Email = email,
            Phone = phone,
            Language = language,
            OpenPgpKey = armoured,
            WorkingHours = hours,
            Roles = [.. input.Roles.Distinct()],
        };
    }

    public static OrganisationInput Organisation(OrganisationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input with
        {
            Name = Name(input.Name),
            Country = Country(input.Country),
            Languages = Languages(input.Languages),
            TimeZone = TimeZone(input.TimeZone),
        };
    }

    [GeneratedRegex(@"[\s().\-]", RegexOptions.CultureInvariant)]
    private static partial Regex SeparatorPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164Pattern();

    [GeneratedRegex("^[a-z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePattern();

    [GeneratedRegex("^[A-Z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex CountryPattern();

    [GeneratedRegex(@"^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();
}
