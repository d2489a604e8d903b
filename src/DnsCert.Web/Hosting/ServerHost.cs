using System.Diagnostics;
using DnsCert.Core.Notifications;
using DnsCert.Infrastructure;
using DnsCert.Infrastructure.Campaigns;
using DnsCert.Infrastructure.Persistence;
using DnsCert.Web.Api;
using DnsCert.Web.Dashboard;
using DnsCert.Web.Duty;
using DnsCert.Web.Health;
using DnsCert.Web.Identity;
using DnsCert.Web.Incidents;
using DnsCert.Web.Localization;
using DnsCert.Web.Monitoring;
using DnsCert.Web.Notifications;
using DnsCert.Web.Observability;
using DnsCert.Web.PublicSite;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Hosting;

/// <summary>Builds the web application and runs it, checking configuration and database before it listens.</summary>
public static class ServerHost
{
    private const string ProcessName = "dnscert-server";

    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
            await PrepareAsync(app, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fail(e);
        }

        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fail(e);
        }
    }

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddDnsCertSources();
        // Serve wwwroot from the build output too (tests run the built server in Production); a no-op once published.
        builder.WebHost.UseStaticWebAssets();
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "DnsCert API";
            document.Info.Description = "Operations platform of a DNS security coordination center.";
            return Task.CompletedTask;
        }));
        builder.Services.AddDnsCertPersistence(builder.Configuration);
        builder.Services.AddDnsCertNotifications(builder.Configuration);
        builder.Services.AddDnsCertMonitoring(builder.Configuration);
        builder.Services.AddDnsCertMonitoringRuntime();
        builder.Services.AddDnsCertCampaigns(builder.Configuration);
        builder.Services.AddHostedService<Campaigns.CampaignVerificationWorker>();
        builder.Services.AddHttpClient();
        builder.Services.AddHostedService<NotificationWorker>();
        builder.Services.AddDnsCertIncidents(builder.Configuration);
        builder.Services.AddDnsCertDuty(builder.Configuration);
        builder.Services.AddHostedService<DutyWorker>();
        builder.Services.AddDnsCertHealth();
        builder.Services.AddDnsCertMetrics();
        builder.Services.AddDnsCertIdentity(builder.Configuration);
        builder.Services.AddDnsCertLocalization();
        builder.Services.AddRazorPages();
        builder.Services.AddSingleton<PublicSuffixListHolder>();
        builder.Services.AddSingleton<Monitoring.MonitoringAudit>();
        builder.Services.AddOptions<TeamOptions>().Bind(builder.Configuration.GetSection(TeamOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TeamOptions>, TeamOptionsValidator>();
        builder.Services.AddSingleton<IPostConfigureOptions<TeamOptions>, TeamPublicUrlDefault>();
        // Links in duty and escalation mail come from Team:PublicUrl (replacing the duty module's "no address").
        builder.Services.AddSingleton(sp => PublicLinks.From(sp.GetRequiredService<IOptions<TeamOptions>>().Value.PublicUrl));
        // Issue 10: live dashboard (SSE over LISTEN/NOTIFY), public status page, RFC 2350 profile.
        builder.Services.AddDnsCertDashboard(builder.Configuration);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        // After authentication: a signed-in person's language preference is one of the sources.
        app.UseRequestLocalization();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAccountGate();
        // Fingerprinted, precompressed (Brotli, gzip) static files from the build's asset manifest: small on a slow link.
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
        app.MapOpenApi();
        app.MapDnsCertHealth();
        app.MapDnsCertMetrics();
        app.MapSystemApi();
        app.MapSecurityTxt();
        app.MapMeApi();
        app.MapDirectoryApi();
        app.MapMonitoringApi();
        app.MapNotificationsApi();
        app.MapAgentApi();
        app.MapIncidentsApi();
        app.MapDutyApi();
        app.MapCampaignsApi();
        app.MapSearchApi();
        // Issue 10: live dashboard stream and the public RFC 2350 profile as text.
        app.MapDashboardEvents();
        app.MapRfc2350Text();
        return app;
    }

    /// <summary>Validates every setting, waits briefly for PostgreSQL, then migrates (or checks) the schema.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var startup = app.Services.GetRequiredService<DatabaseStartup>();
        await startup.WaitUntilReachableAsync(TimeSpan.FromSeconds(options.StartupTimeoutSeconds), cancellationToken);
        await startup.PrepareSchemaAsync(options.MigrateOnStart, cancellationToken);
    }

    private static int Fail(Exception e)
    {
        var (code, line) = StartupFailure.Describe(e);
        Console.Error.WriteLine($"{ProcessName}: {line}");
        if (code == StartupFailure.Unexpected && Debugger.IsAttached)
        {
            Console.Error.WriteLine(e);
        }

        return code;
    }
}
