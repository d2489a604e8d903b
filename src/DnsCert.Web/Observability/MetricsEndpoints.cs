using System.Diagnostics.Metrics;
using System.Reflection;
using DnsCert.Infrastructure.Persistence;

namespace DnsCert.Web.Observability;

/// <summary><c>/metrics</c> in the Prometheus text format, plus a build-info gauge so dashboards know what runs.</summary>
public static class MetricsEndpoints
{
    public static IServiceCollection AddDnsCertMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton(sp => new MetricsCollector(DnsCertMeters.Exported, sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton<Health.ReadinessMetrics>();
        services.AddSingleton<BuildInfo>();
        return services;
    }

    public static IEndpointRouteBuilder MapDnsCertMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Resolve now so the collector listens from start-up, not from the first scrape.
        var collector = endpoints.ServiceProvider.GetRequiredService<MetricsCollector>();
        endpoints.ServiceProvider.GetRequiredService<BuildInfo>();
        endpoints.MapGet("/metrics", () => Results.Text(collector.Scrape(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Health")
            .WithSummary("Prometheus text exposition of every DnsCert, HTTP server, Npgsql and runtime instrument.");
        return endpoints;
    }

    /// <summary>The <c>dnscert_build_info</c> gauge: always 1, labelled with version and schema version.</summary>
    private sealed class BuildInfo
    {
        public BuildInfo(IMeterFactory meterFactory)
        {
            var meter = meterFactory.Create(DnsCertMeters.Web);
            var version = typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            meter.CreateObservableGauge("dnscert.build.info", () => new Measurement<int>(1,
                new KeyValuePair<string, object?>("version", version),
                new KeyValuePair<string, object?>("schema_version", MigrationCatalog.LatestVersion)),
                description: "Always 1; labels say which DnsCert build runs.");
        }
    }
}
