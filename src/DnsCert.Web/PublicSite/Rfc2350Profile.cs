using System.Text;
using DnsCert.Web.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.PublicSite;

/// <summary>One item of the profile: a label and its value, with a link where the value is an address.</summary>
public sealed record ProfileItem(string Number, string Label, string Value, string? Link = null);

/// <summary>A section of RFC 2350 §3 (Appendix D's numbering), with its anchor on the page.</summary>
public sealed record ProfileSection(string Id, int Number, string Heading, IReadOnlyList<ProfileItem> Items);

/// <summary>
/// The team's RFC 2350 profile — the seven sections of §3 (document information, contact information, charter,
/// policies, services, incident reporting forms, disclaimers) — built once from the <c>Team</c> settings and the
/// reader's language, and rendered both as the page <c>/rfc2350</c> (also <c>/about</c>) and as <c>/rfc2350.txt</c>.
/// </summary>
public static class Rfc2350Profile
{
    public const string PagePath = "/rfc2350";

    public const string TextPath = "/rfc2350.txt";

    public static IReadOnlyList<ProfileSection> Build(TeamOptions team, IStringLocalizer l, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(team);
        ArgumentNullException.ThrowIfNull(l);
        var site = (team.PublicUrl ?? baseUrl).TrimEnd('/');
        var notSet = l["Rfc2350.NotSet"].Value;
        IEnumerable<string> languages = team.Languages.Count > 0 ? team.Languages : LocalizationSetup.Languages;
        var key = team.OpenPgpKeyUrl is null && team.OpenPgpFingerprint is null
            ? notSet
            : string.Join(" ", new[] { team.OpenPgpFingerprint, team.OpenPgpKeyUrl }.Where(v => v is not null));
        return
        [
            new("document", 1, l["About.Document"], [
                new("1.1", l["Rfc2350.LastUpdate"], team.ProfileUpdated),
                new("1.2", l["Rfc2350.Distribution"], l["Rfc2350.DistributionText"]),
                new("1.3", l["Rfc2350.Locations"], site + PagePath + " " + site + TextPath, site + PagePath),
            ]),
            new("contact", 2, l["About.Contact"], [
                new("2.1", l["About.TeamName"], $"{team.Name} ({team.ShortName})"),
                new("2.2", l["Rfc2350.Address"], team.PostalAddress ?? notSet),
                new("2.3", l["About.TimeZone"], team.TimeZone),
                new("2.4", l["About.Phone"], team.Phone ?? notSet, team.Phone is null ? null : "tel:" + team.Phone),
                new("2.7", l["About.Email"], team.Email, "mailto:" + team.Email),
                new("2.8", l["Rfc2350.PublicKeys"], key, team.OpenPgpKeyUrl),
                new("2.10", l["About.Languages"], string.Join(", ", languages.Select(c => LocalizationSetup.NativeNames.TryGetValue(c, out var n) ? $"{n} ({c})" : c))),
                new("2.11", l["About.Hours"], team.Hours ?? l["About.HoursText"]),
            ]),
            new("charter", 3, l["About.Charter"], [
                new("3.1", l["Rfc2350.Mission"], team.Mission ?? l["Public.Intro"]),
                new("3.2", l["About.Constituency"], team.Constituency),
                new("3.3", l["Rfc2350.Sponsorship"], team.Sponsorship ?? notSet),
                new("3.4", l["Rfc2350.Authority"], team.Authority ?? notSet),
            ]),
            new("policies", 4, l["About.Policies"], [
                new("4.1", l["Rfc2350.IncidentTypes"], l["Rfc2350.IncidentTypesText"]),
                new("4.2", l["Rfc2350.Cooperation"], l["Rfc2350.CooperationText"] + " " + l["About.PoliciesText"]),
                new("4.3", l["Rfc2350.Communication"], l["Rfc2350.CommunicationText"]),
            ]),
            new("services", 5, l["Rfc2350.Services"], [
                new("5.1", l["Rfc2350.IncidentResponse"], l["Rfc2350.IncidentResponseText"]),
                new("5.2", l["Rfc2350.Proactive"], l["Rfc2350.ProactiveText"]),
            ]),
            new("reporting", 6, l["Rfc2350.ReportingForms"], [
                new("6", l["Rfc2350.ReportingFormsText"], site + "/report", site + "/report"),
                new("6", "security.txt", site + "/.well-known/security.txt", site + "/.well-known/security.txt"),
            ]),
            new("disclaimers", 7, l["Rfc2350.Disclaimers"], [
                new("7", l["Rfc2350.Disclaimers"], l["Rfc2350.DisclaimersText"]),
            ]),
        ];
    }

    /// <summary>The plain-text form: numbered headings and items, lines as RFC 2350's Appendix D lays them out.</summary>
    public static string Text(string title, IReadOnlyList<ProfileSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var text = new StringBuilder();
        text.Append(title).Append('\n').Append(new string('=', title.Length)).Append("\n\n");
        foreach (var section in sections)
        {
            text.Append(section.Number).Append(". ").Append(section.Heading).Append("\n\n");
            foreach (var item in section.Items)
            {
                text.Append(item.Number).Append(' ').Append(item.Label).Append('\n').Append("     ").Append(item.Value).Append("\n\n");
            }
        }

        return text.ToString();
    }

    public static IEndpointRouteBuilder MapRfc2350Text(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(TextPath, (HttpContext context, IOptions<TeamOptions> team, IStringLocalizer<SharedResource> l) =>
            {
                var sections = Build(team.Value, l, $"{context.Request.Scheme}://{context.Request.Host}");
                // No token in plain text: shared caches may keep it, per language (cookie or Accept-Language).
                context.Response.Headers.CacheControl = "public, max-age=3600";
                context.Response.Headers.Vary = "Accept-Language, Cookie";
                return Results.Text(Text($"{l["Rfc2350.Title"]}: {team.Value.Name}", sections), "text/plain; charset=utf-8");
            })
            .WithTags("Public")
            .WithSummary("The team's RFC 2350 profile as plain text.")
            .AllowAnonymous();
        return endpoints;
    }
}
