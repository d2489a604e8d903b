using System.Security.Cryptography;
using DnsCert.Core.Accounts;

namespace DnsCert.Core.Tests.Accounts;

public class PasswordHasherTests
{
    // Low iteration counts keep these tests quick; the format and comparison do not depend on the count.
    private const int FastIterations = 1_000;

    [Fact]
    public void A_hash_verifies_its_password_and_no_other()
    {
        var hash = PasswordHasher.Hash("correct horse battery staple", FastIterations);

        PasswordHasher.Verify("correct horse battery staple", hash).ShouldBeTrue();
        PasswordHasher.Verify("correct horse battery stapler", hash).ShouldBeFalse();
        PasswordHasher.Verify("Correct horse battery staple", hash).ShouldBeFalse();
    }

    [Fact]
    public void The_same_password_hashes_differently_each_time_because_of_the_salt()
    {
        PasswordHasher.Hash("secret", FastIterations).ShouldNotBe(PasswordHasher.Hash("secret", FastIterations));
    }

    [Fact]
    public void The_hash_never_contains_the_password()
    {
        PasswordHasher.Hash("HorseStaple42", FastIterations).ShouldNotContain("HorseStaple42");
    }

    [Fact]
    public void The_default_work_factor_is_written_into_the_hash()
    {
        var parts = PasswordHasher.Hash("x").Split('$');

        parts[0].ShouldBe("pbkdf2-sha256");
        parts[1].ShouldBe("600000");
        Convert.FromBase64String(parts[2]).Length.ShouldBe(16);
        Convert.FromBase64String(parts[3]).Length.ShouldBe(32);
    }

    [Fact]
    public void A_hash_matches_an_independent_PBKDF2_computation()
    {
        // RFC 8018 PBKDF2 computed here directly; the stored form must be exactly scheme$iterations$salt$dk.
        var hash = PasswordHasher.Hash("pässword", FastIterations);
        var parts = hash.Split('$');
        var expected = Rfc2898DeriveBytes.Pbkdf2("pässword"u8.ToArray(), Convert.FromBase64String(parts[2]), FastIterations, HashAlgorithmName.SHA256, 32);

        Convert.FromBase64String(parts[3]).ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pbkdf2-sha256$1000$AAAA")]
    [InlineData("bcrypt$1000$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$-5$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$not base64!$AAAA")]
    public void A_malformed_hash_never_verifies_and_never_throws(string encoded)
    {
        PasswordHasher.Verify("anything", encoded).ShouldBeFalse();
    }
}
