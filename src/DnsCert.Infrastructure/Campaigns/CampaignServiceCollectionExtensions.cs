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
        // Validated at start-up like every other section: a bad value stops the server with the one-line error naming it.
        services.AddOptions<CampaignVerificationOptions>().Bind(configuration.GetSection(CampaignVerificationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CampaignVerificationOptions>, CampaignVerificationOptionsValidator>();
        services.AddSingleton<ICampaignConsoleStore, CampaignConsoleStore>();
        return services;
    }
}

/// <summary><see cref="CampaignVerificationOptions.Validate"/> as an options check: the failure names the setting and its value.</summary>
internal sealed class CampaignVerificationOptionsValidator : IValidateOptions<CampaignVerificationOptions>
{
    public ValidateOptionsResult Validate(string? name, CampaignVerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"{CampaignVerificationOptions.SectionName}:{e.ParamName}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }
}
