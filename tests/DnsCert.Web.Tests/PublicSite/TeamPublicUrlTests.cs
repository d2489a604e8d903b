using DnsCert.Web.PublicSite;

namespace DnsCert.Web.Tests.PublicSite;

/// <summary>Team:PublicUrl: where mailed links point. Validated at start; a default only from a concrete https listen URL.</summary>
public sealed class TeamPublicUrlTests
{
    [Theory]
    [InlineData("https://127.0.0.1:8443", "https://127.0.0.1:8443")]
    [InlineData("http://127.0.0.1:8080;https://dns-cert.example", "https://dns-cert.example")]
    [InlineData("https://[::1]:9443/", "https://[::1]:9443")]
    [InlineData("https://*:443;https://localhost:5001", "https://localhost:5001")]
    public void The_default_is_the_first_concrete_https_listen_url(string urls, string expected) =>
        TeamPublicUrlDefault.FromListenUrls(urls).ShouldBe(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("https://*:443;https://+:8443;https://0.0.0.0:1;https://[::]:2")]
    public void Plain_http_or_wildcard_listen_urls_give_no_default(string? urls) =>
        TeamPublicUrlDefault.FromListenUrls(urls).ShouldBeNull();

    [Theory]
    [InlineData("https://dns-cert.example/?x=1")]
    [InlineData("https://dns-cert.example/#top")]
    [InlineData("https://user:secret@dns-cert.example/")]
    public void A_public_url_with_query_fragment_or_user_is_refused(string url)
    {
        var result = new TeamOptionsValidator().Validate(null, new TeamOptions { Email = "duty@dns-cert.example", PublicUrl = url });

        result.Failures!.ShouldBe([$"Team:PublicUrl must be a base URL without user, query or fragment, e.g. https://dns-cert.example (got '{url}')"]);
    }
}
