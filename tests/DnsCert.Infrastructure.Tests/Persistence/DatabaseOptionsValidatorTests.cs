using DnsCert.Infrastructure.Persistence;

namespace DnsCert.Infrastructure.Tests.Persistence;

public class DatabaseOptionsValidatorTests
{
    private static IEnumerable<string> Failures(DatabaseOptions options) =>
        new DatabaseOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void Good_settings_pass()
    {
        new DatabaseOptionsValidator().Validate(null, new DatabaseOptions { ConnectionString = "Host=h" }).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void An_empty_connection_string_names_the_setting_and_the_variable()
    {
        Failures(new DatabaseOptions()).ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            f => f.ShouldStartWith("Database:ConnectionString is empty"),
            f => f.ShouldContain("DNSCERT_DATABASE"));
    }

    [Fact]
    public void A_timeout_out_of_range_names_the_setting_and_value()
    {
        Failures(new DatabaseOptions { ConnectionString = "Host=h", StartupTimeoutSeconds = 9999 })
            .ShouldHaveSingleItem().ShouldBe("Database:StartupTimeoutSeconds must be between 0 and 600 (got 9999)");
    }

    [Fact]
    public void An_unusable_connection_string_is_reported()
    {
        Failures(new DatabaseOptions { ConnectionString = "Nonsense=yes" }).ShouldHaveSingleItem()
            .ShouldStartWith("Database:ConnectionString is not usable");
    }
}
