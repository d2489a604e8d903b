using System.Globalization;
using System.Text;
using DnsCert.Web.Localization;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.PublicSite;

/// <summary><c>/.well-known/security.txt</c> (RFC 9116), written from the team settings.</summary>
public static class SecurityTxt
{
    /// <summary>RFC 9116 §2.5.5 asks for an Expires less than a year ahead; we renew the promise every 90 days.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    public static string Render(TeamOptions team, DateTimeOffset now, string requestBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(team);
        var text = new StringBuilder();
        text.Append("# ").Append(team.Name).Append(": how to report a security problem to us.\n");
        text.Append("Contact: mailto:").Append(team.Email).Append('\n');
        if (team.Phone is not null)
        {
            text.Append("Contact: tel:").Append(team.Phone).Append('\n');
        }

        // Whole days keep the file stable within a day, so caches and signatures need not churn.
        var expires = new DateTimeOffset((now + Lifetime).UtcDateTime.Date, TimeSpan.Zero);
        text.Append("Expires: ").Append(expires.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append('\n');
        if (team.OpenPgpKeyUrl is not null)
        {
            text.Append("Encryption: ").Append(team.OpenPgpKeyUrl).Append('\n');
        }

        text.Append("Preferred-Languages: ").Append(string.Join(", ", LocalizationSetup.Languages)).Append('\n');
        var baseUrl = (team.PublicUrl ?? requestBaseUrl).TrimEnd('/');
        text.Append("Canonical: ").Append(baseUrl).Append("/.well-known/security.txt\n");
        // Without a disclosure policy of its own, the team's RFC 2350 profile states its policies (§3.4).
        text.Append("Policy: ").Append(team.PolicyUrl ?? baseUrl + Rfc2350Profile.PagePath + "#policies").Append('\n');

        return text.ToString();
    }

    public static IEndpointRouteBuilder MapSecurityTxt(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/.well-known/security.txt", (HttpContext context, IOptions<TeamOptions> team, TimeProvider clock) =>
                Results.Text(Render(team.Value, clock.GetUtcNow(), $"{context.Request.Scheme}://{context.Request.Host}"), "text/plain; charset=utf-8"))
            .WithTags("Public")
            .WithSummary("RFC 9116 security.txt of this DNS-CERT.")
            .AllowAnonymous();
        return endpoints;
    }
}
