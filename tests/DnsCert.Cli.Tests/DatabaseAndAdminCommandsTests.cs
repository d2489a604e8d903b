using System.Text.RegularExpressions;
using DnsCert.TestSupport;
using Npgsql;

namespace DnsCert.Cli.Tests;

public class DatabaseAndAdminCommandsTests
{
    [Fact]
    public async Task Db_migrate_applies_then_reports_current_and_db_status_agrees()
    {
        var database = await TestDatabase.CreateAsync();

        var before = await CliProcess.RunAsync(database, "db", "status");
        var first = await CliProcess.RunAsync(database, "db", "migrate");
        var second = await CliProcess.RunAsync(database, "db", "migrate");
        var after = await CliProcess.RunAsync(database, "db", "status");

        before.ExitCode.ShouldBe(1);
        before.StandardOutput.ShouldContain("database schema version: 0");
        first.ExitCode.ShouldBe(0, first.StandardError);
        first.StandardOutput.ShouldContain("applied 0001 accounts");
        first.StandardOutput.ShouldContain("applied 0002 audit_log");
        first.StandardOutput.ShouldContain("applied 0005 invitations");
        second.StandardOutput.ShouldContain("nothing to apply");
        after.ExitCode.ShouldBe(0);
        after.StandardOutput.ShouldContain("state: current");
    }

    [Fact]
    public async Task Admin_init_prints_a_working_password_once_and_then_changes_nothing()
    {
        var database = await TestDatabase.CreateAsync();
        (await CliProcess.RunAsync(database, "db", "migrate")).ExitCode.ShouldBe(0);

        var first = await CliProcess.RunAsync(database, "admin", "init", "--user", "chief");
        var second = await CliProcess.RunAsync(database, "admin", "init");

        first.ExitCode.ShouldBe(0, first.StandardError);
        var password = Regex.Match(first.StandardOutput, @"password: (\S+)").Groups[1].Value;
        password.Length.ShouldBe(20);
        second.ExitCode.ShouldBe(0);
        second.StandardOutput.ShouldContain("An administrator already exists (chief); nothing changed.");
        second.StandardOutput.ShouldNotContain("password:");
        await using var db = NpgsqlDataSource.Create(database);
        await using var command = db.CreateCommand("SELECT password_hash FROM users WHERE user_name = 'chief'");
        var hash = (string)(await command.ExecuteScalarAsync())!;
        Core.Accounts.PasswordHasher.Verify(password, hash).ShouldBeTrue();
    }

    [Fact]
    public async Task Without_a_database_setting_the_cli_says_what_to_set()
    {
        var result = await CliProcess.RunAsync(null, "db", "status");

        result.ExitCode.ShouldBe(2);
        result.StandardError.Trim().ShouldStartWith("dnscert: Database:ConnectionString is empty: set DNSCERT_DATABASE");
    }

    [Fact]
    public async Task A_bad_user_name_is_refused_in_one_line_and_nothing_is_written()
    {
        var database = await TestDatabase.CreateAsync();
        (await CliProcess.RunAsync(database, "db", "migrate")).ExitCode.ShouldBe(0);

        var result = await CliProcess.RunAsync(database, "admin", "init", "--user", "no spaces please");

        result.ExitCode.ShouldBe(2);
        result.StandardError.Trim().ShouldStartWith("dnscert: userName: may contain only");
        await using var db = NpgsqlDataSource.Create(database);
        await using var command = db.CreateCommand("SELECT count(*) FROM users");
        ((long)(await command.ExecuteScalarAsync())!).ShouldBe(0);
    }

    [Fact]
    public async Task An_unreachable_database_is_one_line_not_a_stack_trace()
    {
        var result = await CliProcess.RunAsync($"Host=127.0.0.1;Port={FreePort.Next()};Username=u;Password=p;Timeout=1", "db", "status");

        result.ExitCode.ShouldBe(3);
        result.StandardError.Trim().Split('\n').ShouldHaveSingleItem().ShouldStartWith("dnscert: database: ");
        result.StandardError.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Audit_verify_reports_an_intact_chain_and_then_the_changed_entry()
    {
        var database = await TestDatabase.CreateAsync();
        (await CliProcess.RunAsync(database, "db", "migrate")).ExitCode.ShouldBe(0);
        (await CliProcess.RunAsync(database, "admin", "init")).ExitCode.ShouldBe(0);

        var intact = await CliProcess.RunAsync(database, "audit", "verify");
        await using (var db = NpgsqlDataSource.Create(database))
        await using (var tamper = db.CreateCommand("SET session_replication_role = replica; UPDATE audit_log SET actor = 'mallory'"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var broken = await CliProcess.RunAsync(database, "audit", "verify");

        intact.ExitCode.ShouldBe(0, intact.StandardError);
        intact.StandardOutput.ShouldMatch(@"audit log: 1 entries, chain intact, head [0-9a-f]{64}");
        broken.ExitCode.ShouldBe(1);
        broken.StandardError.Trim().ShouldBe("dnscert: audit log: chain broken at entry 1: its contents no longer match its hash (the entry was changed)");
    }
}
