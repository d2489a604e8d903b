using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.PublicSite;

/// <summary>
/// Settings of the <c>Team</c> section: who the DNS-CERT is, how to reach it. They feed the public RFC 2350 profile
/// and <c>/.well-known/security.txt</c> (RFC 9116); a wrong value stops the server at start, naming it.
/// </summary>
public sealed class TeamOptions
{
    public const string SectionName = "Team";

    public string Name { get; set; } = "DNS-CERT";

    public string ShortName { get; set; } = "DNS-CERT";

    /// <summary>The 24x7 point of contact (RFC 2350 §2.11; security.txt Contact).</summary>
    public string Email { get; set; } = "";

    /// <summary>E.164 telephone for emergencies, if any.</summary>
    public string? Phone { get; set; }

    /// <summary>Where the team's OpenPGP key can be fetched (security.txt Encryption), and its fingerprint.</summary>
    public string? OpenPgpKeyUrl { get; set; }

    public string? OpenPgpFingerprint { get; set; }

    /// <summary>
    /// The public base URL, e.g. https://dns-cert.example (security.txt Canonical, reach-test answer links). When unset,
    /// the first https listen URL with a concrete host (<see cref="TeamPublicUrlDefault"/>).
    /// </summary>
    public string? PublicUrl { get; set; }

    public string TimeZone { get; set; } = "UTC";

    public string Constituency { get; set; } =
        "Operators of the DNS: TLD registries, registrars, root server operators, DNS service operators and DNS software vendors.";

    public string? PolicyUrl { get; set; }

    // RFC 2350 profile (/rfc2350, /rfc2350.txt): the items of its §3 that have no other setting. Unset ones fall back
    // to the console's texts (hours, mission) or are left out (address, sponsorship, authority).

    /// <summary>Date of the profile's last update (RFC 2350 §3.1.1), yyyy-MM-dd.</summary>
    public string ProfileUpdated { get; set; } = "2026-11-21";

    /// <summary>Postal address (§3.2.2), one line; lines may be separated by " / ".</summary>
    public string? PostalAddress { get; set; }

    /// <summary>Hours of operation (§3.2.11); default: the console's "24 hours a day, 7 days a week" in the reader's language.</summary>
    public string? Hours { get; set; }

    /// <summary>Languages the team works in (BCP 47 codes); default: the console's five.</summary>
    public IList<string> Languages { get; } = [];

    /// <summary>Mission statement (§3.3.1); default: the public introduction in the reader's language.</summary>
    public string? Mission { get; set; }

    /// <summary>Sponsorship and affiliation (§3.3.3).</summary>
    public string? Sponsorship { get; set; }

    /// <summary>Authority under which the team operates (§3.3.4).</summary>
    public string? Authority { get; set; }
}

public sealed class TeamOptionsValidator : IValidateOptions<TeamOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Email) || !MailAddress.TryCreate(options.Email, out _))
        {
            failures.Add($"{TeamOptions.SectionName}:Email must be the team's contact mail address (got '{options.Email}')");
        }

        foreach (var (setting, value) in new[] { ("PublicUrl", options.PublicUrl), ("OpenPgpKeyUrl", options.OpenPgpKeyUrl), ("PolicyUrl", options.PolicyUrl) })
        {
            // RFC 9116 §2.5: every URI in security.txt other than a mailto/tel must be https.
            if (value is not null && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{TeamOptions.SectionName}:{setting} must be an https:// URL (got '{value}')");
            }
        }

        // Reach-test answer links and security.txt Canonical are built by appending paths to PublicUrl: a query,
        // fragment or user-info part would corrupt every link (and user-info would leak into mail).
        if (options.PublicUrl is { } publicUrl && Uri.TryCreate(publicUrl, UriKind.Absolute, out var site) && site.Scheme == Uri.UriSchemeHttps
            && (site.Query.Length > 0 || site.Fragment.Length > 0 || site.UserInfo.Length > 0))
        {
            failures.Add($"{TeamOptions.SectionName}:PublicUrl must be a base URL without user, query or fragment, e.g. https://dns-cert.example (got '{publicUrl}')");
        }

        if (options.Phone is { } phone && !System.Text.RegularExpressions.Regex.IsMatch(phone, @"^\+[1-9][0-9]{6,14}$"))
        {
            failures.Add($"{TeamOptions.SectionName}:Phone must be in E.164 form, e.g. +14155550123 (got '{phone}')");
        }

        if (!DateOnly.TryParseExact(options.ProfileUpdated, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out _))
        {
            failures.Add($"{TeamOptions.SectionName}:ProfileUpdated must be a date such as 2026-11-21 (got '{options.ProfileUpdated}')");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            failures.Add($"{TeamOptions.SectionName}:TimeZone must be an IANA time zone such as Europe/Paris (got '{options.TimeZone}')");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
