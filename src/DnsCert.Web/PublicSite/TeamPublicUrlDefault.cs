using Microsoft.Extensions.Options;

namespace DnsCert.Web.PublicSite;

/// <summary>
/// When <c>Team:PublicUrl</c> is not set, takes the first https:// address the server listens on (<c>urls</c>,
/// i.e. <c>ASPNETCORE_URLS</c>) with a concrete host. Wildcard hosts (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>)
/// name no address a recipient could open, and plain http cannot carry answer tokens safely, so those give no default:
/// reach tests then refuse to start, naming the setting. Links in mail are never built from a request's Host header.
/// </summary>
public sealed class TeamPublicUrlDefault(IConfiguration configuration) : IPostConfigureOptions<TeamOptions>
{
    public void PostConfigure(string? name, TeamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            options.PublicUrl = FromListenUrls(configuration["urls"]);
        }
    }

    public static string? FromListenUrls(string? urls)
    {
        foreach (var candidate in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!candidate.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var hostPart = candidate["https://".Length..].Split('/')[0];
            var host = hostPart.StartsWith('[') ? hostPart[..(hostPart.IndexOf(']', StringComparison.Ordinal) + 1)] : hostPart.Split(':')[0];
            if (host is "*" or "+" or "0.0.0.0" or "[::]" or "")
            {
                continue;
            }

            if (Uri.TryCreate("https://" + hostPart, UriKind.Absolute, out var uri))
            {
                return uri.GetLeftPart(UriPartial.Authority);
            }
        }

        return null;
    }
}
