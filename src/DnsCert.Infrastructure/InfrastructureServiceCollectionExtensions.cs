using DnsCert.Core.Accounts;
using DnsCert.Core.Audit;
using DnsCert.Core.Constituency;
using DnsCert.Core.Duty;
using DnsCert.Core.Incidents;
using DnsCert.Core.Monitoring;
using DnsCert.Core.Notifications;
using DnsCert.Core.Printing;
using DnsCert.Infrastructure.Accounts;
using DnsCert.Infrastructure.Audit;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Duty;
using DnsCert.Infrastructure.Incidents;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Infrastructure.Persistence;
using DnsCert.Infrastructure.Printing;
using DnsCert.Monitoring.Evaluation;
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
        services.AddSingleton<DnsCert.Core.Search.ISearchStore, Search.SearchStore>();
        services.AddSingleton<DnsCert.Core.Attention.IAttentionStore, Attention.AttentionStore>();
        services.AddSingleton<IDirectoryImporter, DirectoryImporter>();
        services.AddSingleton<IContactDirectory, ContactDirectory>();
        services.AddSingleton<IOpenPgpKeyReader, OpenPgpKeyReader>();
        services.AddSingleton<IReachTestStore, ReachTestStore>();
        services.AddSingleton<DirectoryService>();
        services.AddSingleton<ReachTestService>();
        services.AddDnsCertMonitoringReadModel();
        return services;
    }

    /// <summary>The monitoring stores the console writes through and its read model (TryAdd: the runtime may register the stores too).</summary>
    public static IServiceCollection AddDnsCertMonitoringReadModel(this IServiceCollection services)
    {
        services.TryAddSingleton<WatchedZoneStore>();
        services.TryAddSingleton<ZoneStateStore>();
        services.TryAddSingleton<ZoneCheckResultStore>();
        services.TryAddSingleton<IMonitoringReadModel, MonitoringReadModel>();
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
        // Incidents (issue 9): the store writes coordination requests to the outbox, so it lives with the pipeline.
        services.AddSingleton<IncidentStore>();
        services.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<IncidentStore>());
        services.TryAddSingleton<IDutyOfficerLookup, NoDutyRoster>();
        services.AddSingleton<IncidentService>();
        // After-action reports as PDF (headless Chromium, section Printing).
        services.AddOptions<PrintingOptions>().Bind(configuration.GetSection(PrintingOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PrintingOptions>, PrintingOptionsValidator>();
        services.TryAddSingleton<IPdfPrinter, ChromiumPdfPrinter>();
        return services;
    }

    /// <summary>
    /// Registers monitoring storage and the runtime (sections <c>Monitoring:Storage</c>, <c>Monitoring:Runtime</c>):
    /// ingestion, partitions, zone states, findings, SLA aggregates, watched zones, the agent coordinator and the cycles.
    /// </summary>
    public static IServiceCollection AddDnsCertMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => configuration.GetSection(MonitoringStorageOptions.SectionName).Get<MonitoringStorageOptions>() ?? new());
        // Validated at start-up like every other section, so a bad value stops the server with the one-line
        // "configuration error" naming it (exit 2), not an exception when the first monitoring service starts.
        services.AddOptions<MonitoringRuntimeOptions>().Bind(configuration.GetSection(MonitoringRuntimeOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MonitoringRuntimeOptions>, MonitoringRuntimeOptionsValidator>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<MonitoringRuntimeOptions>>().Value);
        services.TryAddSingleton<ProbePartitions>();
        services.TryAddSingleton<ProbeIngestion>();
        services.TryAddSingleton<ZoneStateStore>();
        services.TryAddSingleton<ZoneFindingStore>();
        services.TryAddSingleton<WatchedZoneStore>();
        // The daily SLA counts minutes (Specification 10) whatever the runtime's cycle; the quorum is the runtime's.
        services.TryAddSingleton(sp => new SlaDailyAggregator(sp.GetRequiredService<NpgsqlDataSource>(),
            new EvaluationSettings { MinimumVantagePoints = sp.GetRequiredService<MonitoringRuntimeOptions>().MinimumVantagePoints },
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<AgentCoordinator>();
        services.TryAddSingleton<MonitoringCycles>();
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
        // The host replaces it with Team:PublicUrl; without a host (the CLI) pages go out without an acknowledge link.
        services.TryAddSingleton(PublicLinks.None);
        services.AddSingleton<DutyPager>();
        services.AddSingleton<IDutyPager>(sp => sp.GetRequiredService<DutyPager>());
        // New incidents go to the officer the roster names (replacing the incident module's "nobody" fallback, in
        // whichever order the two modules are added).
        services.Replace(ServiceDescriptor.Singleton<IDutyOfficerLookup, RosterDutyOfficerLookup>());
        return services;
    }
}

/// <summary><see cref="MonitoringRuntimeOptions.Validate"/> as an options check: the failure names the setting and its value.</summary>
internal sealed class MonitoringRuntimeOptionsValidator : IValidateOptions<MonitoringRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitoringRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            // e.g. "Monitoring:Runtime:CycleSeconds: CycleSeconds ('0') must be greater than or equal to '1'."
            var message = e.Message.Split(" (Parameter", 2)[0];
            return ValidateOptionsResult.Fail($"{MonitoringRuntimeOptions.SectionName}:{e.ParamName}: {message}");
        }
    }
}
