using DnsCert.Core.Dashboard;
using DnsCert.Infrastructure.Dashboard;
using DnsCert.Infrastructure.Persistence;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Dashboard;

/// <summary>The live dashboard: its reads, the process's one change listener, the stream's limits and renderer.</summary>
public static class DashboardServices
{
    public static IServiceCollection AddDnsCertDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DashboardOptions>().Bind(configuration.GetSection(DashboardOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        services.AddSingleton<IDashboardReadModel, DashboardReadModel>();
        services.AddSingleton<DashboardComposer>();
        services.AddSingleton<DashboardStreamLimiter>();
        services.AddSingleton<PartialRenderer>();
        services.AddSingleton<ChangeFeed>();
        services.AddHostedService<ChangeListener>();
        return services;
    }
}
