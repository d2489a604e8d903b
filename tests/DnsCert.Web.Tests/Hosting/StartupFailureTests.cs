using DnsCert.TestSupport;

namespace DnsCert.Web.Tests.Hosting;

/// <summary>A bad setting or an unreachable database stops the server with one clear line and a non-zero exit.</summary>
public class StartupFailureTests
{
    private static string OnlyLine(ProcessResult result)
    {
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, $"stderr was: {result.StandardError}");
        return lines[0];
    }

    [Fact]
    public async Task A_setting_out_of_range_is_named_with_its_value()
    {
        var env = ServerProcess.Environment(await TestDatabase.CreateAsync(), FreePort.Next());
        env["DNSCERT_Database__StartupTimeoutSeconds"] = "9999";

        var result = await ServerProcess.RunToExitAsync(env);

        result.ExitCode.ShouldBe(2);
        OnlyLine(result).ShouldBe("dnscert-server: configuration error: Database:StartupTimeoutSeconds must be between 0 and 600 (got 9999)");
    }

    [Fact]
    public async Task A_setting_of_the_wrong_type_is_named()
    {
        var env = ServerProcess.Environment(await TestDatabase.CreateAsync(), FreePort.Next());
        env["DNSCERT_Database__StartupTimeoutSeconds"] = "soon";

        var result = await ServerProcess.RunToExitAsync(env);

        result.ExitCode.ShouldBe(2);
        OnlyLine(result).ShouldStartWith("dnscert-server: configuration error: ");
        OnlyLine(result).ShouldContain("'Database:StartupTimeoutSeconds'");
    }

    [Fact]
    public async Task A_missing_database_setting_says_which_variable_to_set()
    {
        var result = await ServerProcess.RunToExitAsync(ServerProcess.Environment(null, FreePort.Next()));

        result.ExitCode.ShouldBe(2);
        OnlyLine(result).ShouldContain("Database:ConnectionString is empty: set DNSCERT_DATABASE");
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_server_naming_it_without_its_password()
    {
        var dbPort = FreePort.Next();
        var env = ServerProcess.Environment($"Host=127.0.0.1;Port={dbPort};Database=dnscert;Username=dnscert;Password=hunter2", FreePort.Next());
        env["DNSCERT_Database__StartupTimeoutSeconds"] = "1";

        var result = await ServerProcess.RunToExitAsync(env);

        result.ExitCode.ShouldBe(3);
        var line = OnlyLine(result);
        line.ShouldStartWith($"dnscert-server: database: cannot reach the database 127.0.0.1:{dbPort}/dnscert as dnscert");
        line.ShouldNotContain("hunter2");
    }

    [Fact]
    public async Task A_bad_team_contact_address_stops_the_server_naming_the_setting()
    {
        var env = ServerProcess.Environment(await TestDatabase.CreateAsync(), FreePort.Next());
        env["DNSCERT_Team__Email"] = "duty at dns-cert";

        var result = await ServerProcess.RunToExitAsync(env);

        result.ExitCode.ShouldBe(2);
        OnlyLine(result).ShouldBe("dnscert-server: configuration error: Team:Email must be the team's contact mail address (got 'duty at dns-cert')");
    }

    [Fact]
    public async Task A_plain_http_public_url_stops_the_server_naming_the_setting()
    {
        var env = ServerProcess.Environment(await TestDatabase.CreateAsync(), FreePort.Next());
        env["DNSCERT_Team__PublicUrl"] = "http://dns-cert.example";

        var result = await ServerProcess.RunToExitAsync(env);

        result.ExitCode.ShouldBe(2);
        OnlyLine(result).ShouldBe("dnscert-server: configuration error: Team:PublicUrl must be an https:// URL (got 'http://dns-cert.example')");
    }

    [Fact]
    public async Task A_monitoring_cycle_of_zero_stops_the_server_naming_the_setting()
    {
        var env = ServerProcess.Environment(await TestDatabase.CreateAsync(), FreePort.Next());
        env["Monitoring__Runtime__CycleSeconds"] = "0";

        var result = await ServerProcess.RunToExitAsync(env);

        result.ExitCode.ShouldBe(2);
        OnlyLine(result).ShouldStartWith("dnscert-server: configuration error: Monitoring:Runtime:CycleSeconds: ");
    }

    [Fact]
    public async Task A_campaign_verification_interval_of_zero_stops_the_server_naming_the_setting()
    {
        var env = ServerProcess.Environment(await TestDatabase.CreateAsync(), FreePort.Next());
        env["Campaigns__Verification__IntervalSeconds"] = "0";

        var result = await ServerProcess.RunToExitAsync(env);

        result.ExitCode.ShouldBe(2);
        OnlyLine(result).ShouldStartWith("dnscert-server: configuration error: Campaigns:Verification:IntervalSeconds: ");
    }
}
