using System.Net;

namespace DnsCert.Web.Tests.Identity;

/// <summary>A server whose sign-in limit is 3 attempts a minute per client address.</summary>
public sealed class StrictLimitFactory : DnsCertWebFactory
{
    protected override int SignInAttemptsPerMinute => 3;
}

public class RateLimitTests(StrictLimitFactory factory) : IClassFixture<StrictLimitFactory>
{
    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_are_refused_with_429_and_a_sentence_in_the_persons_language()
    {
        var browser = Browser.Open(factory);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await browser.SignInAsync("nobody", "wrong password")).StatusCode);
        }

        var (_, form) = await browser.GetAsync("/account/sign-in");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["UserName"] = "nobody",
                ["Password"] = "x",
                ["__RequestVerificationToken"] = Browser.Token(form),
            }),
        };
        request.Headers.AcceptLanguage.ParseAdd("fr");
        var refused = await browser.Client.SendAsync(request);

        statuses.ShouldAllBe(s => s == HttpStatusCode.OK);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.ToString().ShouldBe("60");
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Trop de tentatives depuis votre adresse.");
        (await browser.GetAsync("/account/sign-in")).Response.StatusCode.ShouldBe(HttpStatusCode.OK, "showing the form is never limited");
    }
}
