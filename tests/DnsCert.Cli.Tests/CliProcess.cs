using DnsCert.TestSupport;

namespace DnsCert.Cli.Tests;

/// <summary>The built CLI, run as an operator runs it.</summary>
public static class CliProcess
{
    public static Task<ProcessResult> RunAsync(string? database, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll"), .. arguments],
            new Dictionary<string, string?> { ["DNSCERT_DATABASE"] = database ?? "", ["NO_COLOR"] = "1", ["COLUMNS"] = "200" });
}
