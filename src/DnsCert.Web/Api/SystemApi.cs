using System.Reflection;
using DnsCert.Infrastructure.Persistence;

namespace DnsCert.Web.Api;

/// <summary>What this server is: version and schema version. Unauthenticated, holds nothing secret.</summary>
public static class SystemApi
{
    public sealed record SystemInfo(string Product, string Version, int SchemaVersion);

    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/system").WithTags("System");
        group.MapGet("/", () => TypedResults.Ok(new SystemInfo(
                "DnsCert",
                typeof(SystemApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
                MigrationCatalog.LatestVersion)))
            .WithName("GetSystemInfo")
            .WithSummary("Product, version and database schema version of this server.");
        return endpoints;
    }
}
