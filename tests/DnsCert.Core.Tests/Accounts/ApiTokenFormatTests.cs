using DnsCert.Core.Accounts;

namespace DnsCert.Core.Tests.Accounts;

public class ApiTokenFormatTests
{
    [Fact]
    public void A_generated_token_carries_its_prefix_and_hash()
    {
        var (token, prefix, hash) = ApiTokenFormat.Generate();

        token.ShouldStartWith($"dnsc_{prefix}_");
        token.Length.ShouldBe(5 + 10 + 1 + 43);
        ApiTokenFormat.PrefixOf(token).ShouldBe(prefix);
        hash.ShouldBe(ApiTokenFormat.Hash(token));
        ApiTokenFormat.Generate().Token.ShouldNotBe(token);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer dnsc_abcdefghij_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("dnsc_ABCDEFGHIJ_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("dnsc_abcdefghij_short")]
    [InlineData("ghp_abcdefghij_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Anything_not_of_our_form_has_no_prefix(string? presented) => ApiTokenFormat.PrefixOf(presented).ShouldBeNull();

    [Fact]
    public void Scopes_must_be_known_and_at_least_one()
    {
        ApiTokenFormat.ValidateScopes(["agent", "api:read", "agent"]).ShouldBe(["agent", "api:read"]);
        Should.Throw<ValidationException>(() => ApiTokenFormat.ValidateScopes([])).Reason.ShouldBe("choose at least one scope");
        Should.Throw<ValidationException>(() => ApiTokenFormat.ValidateScopes(["root"])).Reason.ShouldStartWith("'root' is not a scope");
    }
}
