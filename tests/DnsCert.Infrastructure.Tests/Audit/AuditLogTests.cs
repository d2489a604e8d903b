using DnsCert.Core.Audit;
using DnsCert.Infrastructure.Audit;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Audit;

public class AuditLogTests
{
    private static AuditEntry Entry(int i) => AuditEntry.Create(
        DateTimeOffset.UtcNow, Guid.NewGuid(), $"user{i}", "incident.updated", "incident", $"INC-{i}",
        new Dictionary<string, string?> { ["field"] = "severity", ["to"] = i % 2 == 0 ? "high" : "low", ["quote\"d"] = "a\u001fb" },
        i % 3 == 0 ? "2001:db8::1" : "192.0.2.7");

    /// <summary>Tampering as someone with direct database access would: bypassing the append-only triggers.</summary>
    private static async Task TamperAsync(NpgsqlDataSource db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SET session_replication_role = replica; " + sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Concurrent_appends_form_one_intact_chain()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var log = new AuditLog(db);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => log.AppendAsync(Entry(i), default))));
        var result = await log.VerifyAsync(default);

        result.ShouldSatisfyAllConditions(
            r => r.Intact.ShouldBeTrue(r.Reason),
            r => r.Entries.ShouldBe(40),
            r => r.HeadHash.Length.ShouldBe(64));
    }

    [Fact]
    public async Task An_empty_log_is_intact()
    {
        await using var db = await MigratedDatabase.CreateAsync();

        var result = await new AuditLog(db).VerifyAsync(default);

        result.Intact.ShouldBeTrue();
        result.Entries.ShouldBe(0);
    }

    [Fact]
    public async Task A_changed_row_is_found_with_its_id()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var log = new AuditLog(db);
        for (var i = 0; i < 10; i++)
        {
            await log.AppendAsync(Entry(i), default);
        }

        await TamperAsync(db, "UPDATE audit_log SET details = jsonb_set(details, '{to}', '\"critical\"') WHERE id = 6");
        var result = await log.VerifyAsync(default);

        result.Intact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(6);
        result.Reason!.ShouldContain("contents no longer match");
    }

    [Fact]
    public async Task A_removed_row_is_found_at_the_next_entry()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var log = new AuditLog(db);
        for (var i = 0; i < 5; i++)
        {
            await log.AppendAsync(Entry(i), default);
        }

        await TamperAsync(db, "DELETE FROM audit_log WHERE id = 3");
        var result = await log.VerifyAsync(default);

        result.Intact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(4);
        result.Reason!.ShouldContain("link to the previous entry");
    }

    [Fact]
    public async Task A_changed_timestamp_or_actor_breaks_the_chain()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var log = new AuditLog(db);
        await log.AppendAsync(Entry(1), default);
        await log.AppendAsync(Entry(2), default);

        await TamperAsync(db, "UPDATE audit_log SET at = at + interval '1 microsecond' WHERE id = 1");

        (await log.VerifyAsync(default)).FirstBrokenId.ShouldBe(1);
    }

    [Fact]
    public async Task The_database_refuses_updates_deletes_and_truncation()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        await new AuditLog(db).AppendAsync(Entry(1), default);

        foreach (var sql in new[] { "UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log" })
        {
            await using var command = db.CreateCommand(sql);
            var error = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            error.MessageText.ShouldBe("audit_log is append-only");
        }
    }

    [Fact]
    public void An_action_that_is_not_a_dotted_lower_case_word_is_refused()
    {
        Should.Throw<ArgumentException>(() => AuditEntry.Create(DateTimeOffset.UtcNow, null, "x", "Drop Table"));
    }
}
