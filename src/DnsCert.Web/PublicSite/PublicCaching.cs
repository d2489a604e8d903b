namespace DnsCert.Web.PublicSite;

/// <summary>
/// Short browser caching for public pages (status, RFC 2350). Every page carries the language form's antiforgery
/// token, and antiforgery marks such responses no-store; the token belongs to this browser's cookie, so the page may
/// be kept by this browser (private) but not by a shared cache, which would hand one visitor's token to another.
/// Set when the response starts, after the token was generated.
/// </summary>
public static class PublicCaching
{
    public static void KeepFor(HttpResponse response, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.OnStarting(() =>
        {
            response.Headers.CacheControl = "private, max-age=" + ((long)maxAge.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers.Pragma = default;
            response.Headers.Vary = "Accept-Language, Cookie";
            return Task.CompletedTask;
        });
    }
}
