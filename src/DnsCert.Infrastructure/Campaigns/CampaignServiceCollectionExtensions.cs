using DnsCert.Core.Campaigns;
using DnsCert.Core.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DnsCert.Infrastructure.Campaigns;

public static class CampaignServiceCollectionExtensions
{
    /// <summary>Registers the campaign stores (section <c>Campaigns</c>); needs persistence and notifications registered.</summary>
    public static IServiceCollection AddDnsCertCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CampaignOptions>().Bind(configuration.GetSection(CampaignOptions.SectionName));
        services.AddSingleton<ICampaignStore>(sp => new CampaignStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<NotificationRules>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<CampaignOptions>>().Value));
        services.AddSingleton<ICampaignRequestStore, CampaignRequestStore>();
        services.AddSingleton<ICampaignConsoleStore, CampaignConsoleStore>();
        return services;
    }
}
