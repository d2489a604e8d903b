using System.Text;
using DnsCert.Core.Accounts;

namespace DnsCert.Core.Tests.Accounts;

public class TotpTests
{
    private static readonly byte[] s_rfcKey = Encoding.ASCII.GetBytes("12345678901234567890");

    // RFC 6238 Appendix B, HMAC-SHA1 column, 8 digits.
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Codes_match_the_rfc_6238_test_vectors(long unixTime, string expected)
    {
        Totp.Code(s_rfcKey, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixTime)), digits: 8).ShouldBe(expected);
    }

    [Fact]
    public void A_code_matches_within_one_step_either_side_and_not_beyond()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var step = Totp.StepAt(now);

        Totp.Match(s_rfcKey, Totp.Code(s_rfcKey, step), now).ShouldBe(step);
        Totp.Match(s_rfcKey, Totp.Code(s_rfcKey, step - 1), now).ShouldBe(step - 1);
        Totp.Match(s_rfcKey, Totp.Code(s_rfcKey, step + 1), now).ShouldBe(step + 1);
        Totp.Match(s_rfcKey, Totp.Code(s_rfcKey, step - 2), now).ShouldBeNull();
        Totp.Match(s_rfcKey, Totp.Code(s_rfcKey, step + 2), now).ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    public void Malformed_codes_never_match(string code)
    {
        Totp.Match(s_rfcKey, code, DateTimeOffset.UtcNow).ShouldBeNull();
    }

    // RFC 4648 §10 test vectors (we write no padding and ignore it when reading).
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY======")]
    [InlineData("fo", "MZXQ====")]
    [InlineData("foo", "MZXW6===")]
    [InlineData("foob", "MZXW6YQ=")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI======")]
    public void Base32_matches_rfc_4648(string plain, string encoded)
    {
        Base32.Encode(Encoding.ASCII.GetBytes(plain)).ShouldBe(encoded.TrimEnd('='));
        Encoding.ASCII.GetString(Base32.Decode(encoded)).ShouldBe(plain);
        Encoding.ASCII.GetString(Base32.Decode(encoded.ToLowerInvariant().TrimEnd('='))).ShouldBe(plain);
    }

    [Fact]
    public void Base32_refuses_characters_outside_its_alphabet()
    {
        Should.Throw<FormatException>(() => Base32.Decode("MZXW1")).Message.ShouldContain("'1'");
    }
}
