using DnsCert.Core.Accounts;

namespace DnsCert.Core.Tests.Accounts;

public class UserNamesTests
{
    [Theory]
    [InlineData("admin")]
    [InlineData("duty.officer-2")]
    [InlineData("A_b")]
    public void Good_names_pass_unchanged(string name) => UserNames.Validate(name).ShouldBe(name);

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("   ", "must not be empty")]
    [InlineData(".admin", "must start with a letter or digit")]
    [InlineData("ad min", "may contain only")]
    [InlineData("admin;drop", "may contain only")]
    public void Bad_names_are_refused_with_the_field_and_reason(string name, string reason)
    {
        var error = Should.Throw<ValidationException>(() => UserNames.Validate(name));

        error.Field.ShouldBe("userName");
        error.Reason.ShouldContain(reason);
    }

    [Fact]
    public void Names_longer_than_the_limit_are_refused()
    {
        UserNames.Validate(new string('a', UserNames.MaxLength)).Length.ShouldBe(64);
        Should.Throw<ValidationException>(() => UserNames.Validate(new string('a', UserNames.MaxLength + 1)))
            .Reason.ShouldContain("at most 64");
    }
}
