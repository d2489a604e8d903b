namespace DnsCert.Core.Notifications;

/// <summary>
/// The console's public address, for links in messages (acknowledge a page, confirm a report). One setting feeds it —
/// <c>Team:PublicUrl</c> (the host wires it) — so every mailed link points at the same place, and none is ever built
/// from a request's Host header. Without an address, <see cref="Link"/> answers null and messages go without a link.
/// </summary>
public sealed class PublicLinks(Uri? baseUrl)
{
    public static PublicLinks None { get; } = new(null);

    public Uri? BaseUrl { get; } = baseUrl is { IsAbsoluteUri: true } ? new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/") : null;

    public static PublicLinks From(string? baseUrl) =>
        Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ? new PublicLinks(uri) : None;

    /// <summary>An absolute link for a site path such as <c>/duty/pages?id=…</c>, or null without an address.</summary>
    public string? Link(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return BaseUrl is null ? null : new Uri(BaseUrl, path.TrimStart('/')).AbsoluteUri;
    }

    public override string ToString() => BaseUrl?.AbsoluteUri ?? "(no public URL)";
}
