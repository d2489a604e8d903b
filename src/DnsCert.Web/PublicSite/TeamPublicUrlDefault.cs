using Microsoft.Extensions.Options;

namespace DnsCert.Web.PublicSite;

/// <summary>
/// When <c>Team:PublicUrl</c> is not set, takes the first https:// address the server listens on (<c>urls</c>,
/// i.e. <c>ASPNETCORE_URLS</c>) with a concrete host. Wildcard hosts (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>)
/// name no address a recipient could open, and plain http cannot carry answer tokens safely, so those give no default:
/// reach tests then refuse to start, naming the setting. Links in mail are never built from a request's Host header.
/// The retired <c>Duty:ConsoleUrl</c> (the duty module's own copy of this address) is still read, before the listen
/// addresses, so a configuration written for it keeps its links; docs/duty.md says to move it to Team:PublicUrl.
/// </summary>
public sealed class TeamPublicUrlDefault(IConfiguration configuration) : IPostConfigureOptions<TeamOptions>
{
    /// <summary>Read for compatibility only, and only an https:// value (what Team:PublicUrl accepts).</summary>
    public const string RetiredConsoleUrl = "Duty:ConsoleUrl";

    public void PostConfigure(string? name, TeamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            var retired = configuration[RetiredConsoleUrl];
            options.PublicUrl = retired is not null && retired.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? retired.TrimEnd('/')
                : FromListenUrls(configuration["urls"]);
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
