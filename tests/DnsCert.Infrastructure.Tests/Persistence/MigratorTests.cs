using DnsCert.Infrastructure.Persistence;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Persistence;

public class MigratorTests
{
    private static async Task<NpgsqlDataSource> FreshDatabaseAsync() => NpgsqlDataSource.Create(await TestDatabase.CreateAsync());

    private static Migrator MigratorFor(NpgsqlDataSource db) => new(db, NullLogger<Migrator>.Instance);

    private static async Task<T?> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T?)await command.ExecuteScalarAsync();
    }

    [Fact]
    public void The_catalog_is_numbered_without_gaps_and_checksummed()
    {
        var all = MigrationCatalog.All;

        all.Select(m => m.Version).ShouldBe(Enumerable.Range(1, all.Count));
        all.ShouldAllBe(m => m.Checksum.Length == 64 && m.Sql.Length > 0);
        MigrationCatalog.LatestVersion.ShouldBe(all.Count);
    }

    [Fact]
    public async Task An_empty_database_is_migrated_to_the_latest_version_and_every_migration_recorded()
    {
        await using var db = await FreshDatabaseAsync();
        var migrator = MigratorFor(db);
        (await migrator.GetStatusAsync(default)).DatabaseVersion.ShouldBe(0);

        var reported = new List<int>();
        var applied = await migrator.MigrateAsync(new Collect(reported), default);

        applied.ShouldBe(MigrationCatalog.LatestVersion);
        reported.ShouldBe(MigrationCatalog.All.Select(m => m.Version));
        (await migrator.GetStatusAsync(default)).IsCurrent.ShouldBeTrue();
        (await ScalarAsync<long>(db, "SELECT count(*) FROM schema_migrations")).ShouldBe(MigrationCatalog.LatestVersion);
        (await ScalarAsync<string>(db, "SELECT to_regclass('users')::text")).ShouldBe("users");
    }

    [Fact]
    public async Task Migrating_again_changes_nothing()
    {
        await using var db = await FreshDatabaseAsync();
        await MigratorFor(db).MigrateAsync(null, default);
        var before = await ScalarAsync<DateTime>(db, "SELECT max(applied_at) FROM schema_migrations");

        (await MigratorFor(db).MigrateAsync(null, default)).ShouldBe(0);

        (await ScalarAsync<DateTime>(db, "SELECT max(applied_at) FROM schema_migrations")).ShouldBe(before);
    }

    [Fact]
    public async Task Many_instances_migrating_at_once_apply_each_migration_exactly_once()
    {
        await using var db = await FreshDatabaseAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => MigratorFor(db).MigrateAsync(null, default))));

        results.Sum().ShouldBe(MigrationCatalog.LatestVersion);
        (await ScalarAsync<long>(db, "SELECT count(*) FROM schema_migrations")).ShouldBe(MigrationCatalog.LatestVersion);
    }

    [Fact]
    public async Task A_schema_newer_than_this_build_is_refused_with_both_versions_named()
    {
        await using var db = await FreshDatabaseAsync();
        await MigratorFor(db).MigrateAsync(null, default);
        var future = MigrationCatalog.LatestVersion + 1;
        await using (var command = db.CreateCommand($"INSERT INTO schema_migrations (version, name, checksum) VALUES ({future}, 'from_the_future', 'x')"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var error = await Should.ThrowAsync<SchemaTooNewException>(() => MigratorFor(db).MigrateAsync(null, default));

        error.Message.ShouldContain($"version {future}");
        error.Message.ShouldContain($"up to version {MigrationCatalog.LatestVersion}");
        (await MigratorFor(db).GetStatusAsync(default)).IsTooNew.ShouldBeTrue();
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_is_refused()
    {
        await using var db = await FreshDatabaseAsync();
        await MigratorFor(db).MigrateAsync(null, default);
        await using (var command = db.CreateCommand("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var error = await Should.ThrowAsync<MigrationIntegrityException>(() => MigratorFor(db).MigrateAsync(null, default));

        error.Message.ShouldContain("0001_accounts was changed after it was applied");
    }

    [Fact]
    public async Task Start_up_without_migrating_refuses_a_database_that_is_behind()
    {
        await using var db = await FreshDatabaseAsync();
        var startup = new DatabaseStartup(db, MigratorFor(db), TimeProvider.System);

        var error = await Should.ThrowAsync<DatabaseUnavailableException>(() => startup.PrepareSchemaAsync(migrate: false, default));

        error.Message.ShouldContain($"at version 0, this DnsCert needs {MigrationCatalog.LatestVersion}");
    }

    [Fact]
    public async Task Waiting_for_an_unreachable_database_gives_up_with_a_message_naming_it()
    {
        var port = FreePort.Next();
        await using var db = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=u;Password=secretpw;Database=d;Timeout=1");
        var startup = new DatabaseStartup(db, MigratorFor(db), TimeProvider.System);

        var error = await Should.ThrowAsync<DatabaseUnavailableException>(() => startup.WaitUntilReachableAsync(TimeSpan.FromSeconds(1), default));

        error.Message.ShouldContain($"cannot reach the database 127.0.0.1:{port}/d as u");
        error.Message.ShouldNotContain("secretpw");
    }

    [Fact]
    public async Task A_missing_database_fails_at_once_without_waiting()
    {
        var server = new NpgsqlConnectionStringBuilder(await TestDatabase.CreateAsync()) { Database = "no_such_database_here" };
        await using var db = NpgsqlDataSource.Create(server.ConnectionString);
        var startup = new DatabaseStartup(db, MigratorFor(db), TimeProvider.System);
        var started = DateTime.UtcNow;

        var error = await Should.ThrowAsync<DatabaseUnavailableException>(() => startup.WaitUntilReachableAsync(TimeSpan.FromSeconds(60), default));

        error.Message.ShouldContain("refused us");
        error.Message.ShouldContain("no_such_database_here");
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(30), "a permanent error must not wait out the whole timeout");
    }

    private sealed class Collect(List<int> into) : IProgress<Migration>
    {
        public void Report(Migration value) => into.Add(value.Version);
    }
}
