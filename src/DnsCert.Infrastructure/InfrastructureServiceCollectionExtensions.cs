using DnsCert.Core.Accounts;
using DnsCert.Core.Audit;
using DnsCert.Core.Constituency;
using DnsCert.Core.Duty;
using DnsCert.Core.Notifications;
using DnsCert.Infrastructure.Accounts;
using DnsCert.Infrastructure.Audit;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Duty;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Infrastructure.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DnsCert.Infrastructure;

public static class InfrastructureServiceCollectionExtensions
{
    /// <summary>Registers PostgreSQL access, migrations and repositories, with settings from the <c>Database</c> section.</summary>
    public static IServiceCollection AddDnsCertPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return new NpgsqlDataSourceBuilder(ConnectionStrings.Parse(options.ConnectionString).ConnectionString).Build();
        });
        services.AddSingleton<Migrator>();
        services.AddSingleton<DatabaseStartup>();
        services.AddSingleton<DatabaseReadiness>();
        services.AddSingleton<IUserRepository, UserRepository>();
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton<IDirectoryRepository, DirectoryRepository>();
        services.AddSingleton<IDirectoryImporter, DirectoryImporter>();
        services.AddSingleton<IContactDirectory, ContactDirectory>();
        services.AddSingleton<IOpenPgpKeyReader, OpenPgpKeyReader>();
        services.AddSingleton<IReachTestStore, ReachTestStore>();
        services.AddSingleton<DirectoryService>();
        services.AddSingleton<ReachTestService>();
        return services;
    }

    /// <summary>
    /// Registers the notification pipeline with settings from the <c>Notifications</c> section. Recipients are resolved
    /// through the constituency directory, and reach tests are sent through the outbox.
    /// </summary>
    public static IServiceCollection AddDnsCertNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.TryAddSingleton<IRecipientDirectory, ConstituencyRecipientDirectory>();
        services.TryAddSingleton<IReachMailer, OutboxReachMailer>();
        services.AddSingleton(sp => new NotificationRules(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.Rules));
        services.AddSingleton<IDirectiveStore, DirectiveStore>();
        services.AddSingleton<RaiseNotification>();
        services.AddSingleton<TeamKey>();
        services.AddSingleton<MessageFactory>();
        services.AddSingleton<DirectivePlanner>();
        services.AddSingleton<DeliveryTracking>();
        services.AddSingleton<MailIntake>();
        return services;
    }

    /// <summary>
    /// Registers the 24x7 duty roster and its pager (settings from the <c>Duty</c> section). Needs
    /// <see cref="AddDnsCertPersistence"/> and <see cref="AddDnsCertNotifications"/> (pages go out through the outbox).
    /// </summary>
    public static IServiceCollection AddDnsCertDuty(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DutyOptions>().Bind(configuration.GetSection(DutyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DutyOptions>, DutyOptionsValidator>();
        services.AddSingleton<DutyRepository>();
        services.AddSingleton<IDutyRepository>(sp => sp.GetRequiredService<DutyRepository>());
        services.AddSingleton<DutyRoster>();
        services.AddSingleton<DutyRequests>();
        services.AddSingleton<DutyPager>();
        services.AddSingleton<IDutyPager>(sp => sp.GetRequiredService<DutyPager>());
        return services;
    }
}
