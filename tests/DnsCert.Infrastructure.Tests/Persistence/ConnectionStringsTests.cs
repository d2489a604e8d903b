using DnsCert.Infrastructure.Persistence;

namespace DnsCert.Infrastructure.Tests.Persistence;

public class ConnectionStringsTests
{
    [Fact]
    public void A_keyword_connection_string_is_read_and_gets_a_short_connect_timeout()
    {
        var builder = ConnectionStrings.Parse("Host=db.example;Port=6543;Database=dnscert;Username=app;Password=s3cret");

        builder.Host.ShouldBe("db.example");
        builder.Port.ShouldBe(6543);
        builder.Database.ShouldBe("dnscert");
        builder.Username.ShouldBe("app");
        builder.Password.ShouldBe("s3cret");
        builder.Timeout.ShouldBe(ConnectionStrings.DefaultConnectTimeoutSeconds);
    }

    [Fact]
    public void An_explicit_timeout_is_kept()
    {
        ConnectionStrings.Parse("Host=h;Timeout=30").Timeout.ShouldBe(30);
    }

    [Fact]
    public void A_postgresql_uri_is_read_with_escaped_user_info_and_parameters()
    {
        var builder = ConnectionStrings.Parse("postgresql://app%40ops:p%3Ass@10.0.0.5:5433/dns%20cert?sslmode=require");

        builder.Host.ShouldBe("10.0.0.5");
        builder.Port.ShouldBe(5433);
        builder.Database.ShouldBe("dns cert");
        builder.Username.ShouldBe("app@ops");
        builder.Password.ShouldBe("p:ss");
        builder.SslMode.ShouldBe(Npgsql.SslMode.Require);
    }

    [Theory]
    [InlineData("Bogus=1", "not a connection string")]
    [InlineData("Database=x", "names no host")]
    [InlineData("postgresql://", "not a valid postgresql:// URI")]
    [InlineData("postgres://h/db?nosuchthing=1", "unknown or bad URI parameter 'nosuchthing'")]
    public void Bad_values_give_a_reason(string value, string reason)
    {
        Should.Throw<FormatException>(() => ConnectionStrings.Parse(value)).Message.ShouldContain(reason);
    }

    [Fact]
    public void A_description_never_shows_the_password()
    {
        var text = ConnectionStrings.Describe(ConnectionStrings.Parse("Host=h;Port=1;Database=d;Username=u;Password=topsecret"));

        text.ShouldBe("h:1/d as u");
        text.ShouldNotContain("topsecret");
    }
}
