using System.CommandLine;
using DnsCert.Infrastructure.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Spectre.Console;

namespace DnsCert.Cli.Commands;

/// <summary>The database a CLI verb works on: <c>--database</c>, else <c>DNSCERT_DATABASE</c>, checked like the server does.</summary>
internal static class CliDatabase
{
    public const string Variable = "DNSCERT_DATABASE";

    public static Option<string?> Option { get; } = new("--database")
    {
        Description = $"PostgreSQL connection string or postgresql:// URI (default: ${Variable})",
        Recursive = true,
    };

    public static NpgsqlDataSource Open(ParseResult parseResult)
    {
        var options = new DatabaseOptions
        {
            ConnectionString = parseResult.GetValue(Option) ?? Environment.GetEnvironmentVariable(Variable) ?? "",
        };
        var validation = new DatabaseOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new CliException(2, string.Join("; ", validation.Failures!));
        }

        return new NpgsqlDataSourceBuilder(ConnectionStrings.Parse(options.ConnectionString).ConnectionString).Build();
    }

    public static Migrator Migrator(NpgsqlDataSource dataSource) => new(dataSource, NullLogger<Migrator>.Instance);

    /// <summary>Runs a verb; known failures become one line on stderr and an exit code, never a stack trace.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> verb)
    {
        try
        {
            return await verb();
        }
        catch (CliException e)
        {
            return Fail(e.ExitCode, e.Message);
        }
        catch (Core.ValidationException e)
        {
            return Fail(2, e.Message);
        }
        catch (DatabaseUnavailableException e)
        {
            return Fail(3, "database: " + e.Message);
        }
        catch (NpgsqlException e)
        {
            return Fail(3, "database: " + e.Message);
        }
    }

    private static int Fail(int code, string message)
    {
        AnsiConsole.Console.Profile.Out.Writer.Flush();
        Console.Error.WriteLine("dnscert: " + message.ReplaceLineEndings(" "));
        return code;
    }
}

/// <summary>A failure the CLI explains in one line, with the exit code scripts see.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
