namespace DnsCert.Web.Observability;

/// <summary>Names of the meters DnsCert creates, and those of the platform we export alongside.</summary>
public static class DnsCertMeters
{
    public const string Web = "DnsCert.Web";

    /// <summary>Meter name prefixes /metrics exports: ours, ASP.NET Core's HTTP server, Npgsql, the .NET runtime.</summary>
    public static IReadOnlyList<string> Exported { get; } =
        ["DnsCert", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Npgsql", "System.Runtime"];
}
