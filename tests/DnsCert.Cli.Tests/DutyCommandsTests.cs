using DnsCert.Core.Duty;
using DnsCert.Infrastructure.Duty;
using DnsCert.TestSupport;
using Npgsql;

namespace DnsCert.Cli.Tests;

/// <summary><c>dnscert duty now|roster</c> against a real database, at instants around the EU daylight-saving change.</summary>
public class DutyCommandsTests
{
    [Fact]
    public async Task Duty_now_names_the_officer_at_an_instant_and_exits_4_when_nobody_is_on_duty()
    {
        var database = await TestDatabase.CreateAsync();
        (await CliProcess.RunAsync(database, "db", "migrate")).ExitCode.ShouldBe(0);
        await using (var db = NpgsqlDataSource.Create(database))
        {
            var pierre = Guid.NewGuid();
            await using (var insert = db.CreateCommand("""
                INSERT INTO users (id, user_name, display_name, roles, must_change_password, created_at, time_zone)
                VALUES ($1, 'pierre', 'Pierre', '{duty-officer}', false, now(), 'Europe/Paris')
                """))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = pierre });
                await insert.ExecuteNonQueryAsync();
            }

            var roster = new DutyRoster(new DutyRepository(db), TimeProvider.System);
            var head = new Actor(Guid.NewGuid(), "test", true);
            await roster.SaveRegionAsync(new DutyRegion("EMEA", "Europe", "Europe/Paris", new TimeOnly(7, 0), new TimeOnly(15, 0), 0, true), head);
            await roster.AddShiftAsync(new DutyShift(Guid.Empty, "EMEA", DutyRole.Officer, "day", "Europe/Paris", Enum.GetValues<DayOfWeek>().ToHashSet(),
                new TimeOnly(8, 0), new TimeOnly(17, 0), new DateOnly(2026, 1, 1), null, [pierre], 1), head);
        }

        // 06:30Z: 08:30 CEST on the first day of EU summer time, 07:30 CET the day before.
        var summer = await CliProcess.RunAsync(database, "duty", "now", "--region", "emea", "--at", "2026-03-29T06:30:00Z");
        summer.ExitCode.ShouldBe(0, summer.StandardError);
        var line = summer.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split('\t');
        line[0].ShouldBe("EMEA");
        line[1].ShouldBe("pierre");
        line[3].ShouldBe("2026-03-29T15:00:00Z");
        line[4].ShouldBe("2026-03-29T17:00+02:00 Europe/Paris");

        var winter = await CliProcess.RunAsync(database, "duty", "now", "--region", "EMEA", "--at", "2026-03-28T06:30:00Z");
        winter.ExitCode.ShouldBe(4);
        winter.StandardOutput.ShouldContain("(nobody)");

        var global = await CliProcess.RunAsync(database, "duty", "now", "--at", "2026-03-28T09:30:00+01:00");
        global.ExitCode.ShouldBe(0, global.StandardError);
        global.StandardOutput.ShouldContain("global:EMEA\tpierre");

        var noOffset = await CliProcess.RunAsync(database, "duty", "now", "--at", "2026-03-29T06:30:00");
        noOffset.ExitCode.ShouldBe(2);
        noOffset.StandardError.ShouldContain("RFC 3339");

        var week = await CliProcess.RunAsync(database, "duty", "roster", "--from", "2026-03-28T00:00:00Z", "--to", "2026-03-30T00:00:00Z");
        week.ExitCode.ShouldBe(0, week.StandardError);
        var rows = week.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split('\t')).ToList();
        rows.Select(r => r[0]).ShouldBe(["2026-03-28T07:00:00Z", "2026-03-29T06:00:00Z"]);
        rows[1][5].ShouldBe("2026-03-29T08:00+02:00/17:00+02:00 Europe/Paris");
    }
}
