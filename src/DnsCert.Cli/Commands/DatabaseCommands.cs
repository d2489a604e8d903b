using System.CommandLine;
using System.Globalization;
using DnsCert.Infrastructure.Persistence;
using Spectre.Console;

namespace DnsCert.Cli.Commands;

/// <summary><c>dnscert db migrate|status</c>.</summary>
internal static class DatabaseCommands
{
    public static Command Create()
    {
        var db = new Command("db", "Database schema: apply migrations, show the version.");
        db.Options.Add(CliDatabase.Option);

        var migrate = new Command("migrate", "Apply pending migrations (safe to run while servers run: advisory lock).");
        migrate.SetAction((parseResult, ct) => CliDatabase.RunAsync(() => MigrateAsync(parseResult, ct)));
        db.Subcommands.Add(migrate);

        var status = new Command("status", "Show the schema version of the database and of this build.");
        status.SetAction((parseResult, ct) => CliDatabase.RunAsync(() => StatusAsync(parseResult, ct)));
        db.Subcommands.Add(status);
        return db;
    }

    private static async Task<int> MigrateAsync(ParseResult parseResult, CancellationToken ct)
    {
        await using var dataSource = CliDatabase.Open(parseResult);
        var migrator = CliDatabase.Migrator(dataSource);
        var before = await migrator.GetStatusAsync(ct);
        if (before.IsTooNew)
        {
            throw new SchemaTooNewException(before.DatabaseVersion, before.KnownVersion);
        }

        var applied = await migrator.MigrateAsync(
            new ImmediateProgress<Migration>(m => AnsiConsole.MarkupLineInterpolated(
                CultureInfo.InvariantCulture, $"  applied [green]{m.Version:D4}[/] {m.Name}")), ct);
        Console.WriteLine(applied == 0
            ? $"Schema is current (version {before.KnownVersion}); nothing to apply."
            : $"Applied {applied} migration(s); schema is at version {before.KnownVersion}.");
        return 0;
    }

    private static async Task<int> StatusAsync(ParseResult parseResult, CancellationToken ct)
    {
        await using var dataSource = CliDatabase.Open(parseResult);
        var status = await CliDatabase.Migrator(dataSource).GetStatusAsync(ct);
        Console.WriteLine($"database schema version: {status.DatabaseVersion}");
        Console.WriteLine($"this build knows:        {status.KnownVersion}");
        Console.WriteLine(status.IsCurrent ? "state: current"
            : status.IsTooNew ? "state: database is newer than this build"
            : $"state: {status.Pending} migration(s) pending");
        return status.IsCurrent ? 0 : 1;
    }
}

/// <summary>Reports on the caller's thread; <see cref="Progress{T}"/> posts to the thread pool and lines come out of order.</summary>
internal sealed class ImmediateProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
