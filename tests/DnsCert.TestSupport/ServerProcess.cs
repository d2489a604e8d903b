using System.Diagnostics;

namespace DnsCert.TestSupport;

/// <summary>The built server run as its own process, exactly as `./dnscert up` runs it.</summary>
public static class ServerProcess
{
    public static string Dll => RepoPaths.Artifact("DnsCert.Web", "DnsCert.Web.dll");

    public static Dictionary<string, string?> Environment(string? database, int port) => new()
    {
        ["DNSCERT_DATABASE"] = database ?? "",
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
    };

    public static Task<ProcessResult> RunToExitAsync(Dictionary<string, string?> environment) =>
        ProcessRunner.RunAsync("dotnet", [Dll], environment, TimeSpan.FromSeconds(60), Path.GetDirectoryName(Dll));

    public static Process Start(Dictionary<string, string?> environment) =>
        ProcessRunner.Start("dotnet", [Dll], environment, Path.GetDirectoryName(Dll));
}
