using System.Threading.RateLimiting;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Incidents;
using DnsCert.Web.Api;
using Microsoft.AspNetCore.RateLimiting;

namespace DnsCert.Web.Incidents;

/// <summary>Affected organisations of a set of assets: the responsible-party router over the directory as it is now.</summary>
public sealed class IncidentRouting(IDirectoryRepository directory, PublicSuffixListHolder psl, IncidentStore store)
{
    /// <summary>Routing reads organisations and assets for the platform itself, not for a person.</summary>
    private static readonly Viewer s_platform = Viewer.Person(Guid.Empty, null, Roles.Administrator);

    public async Task<ResponsiblePartyRouter> RouterAsync(CancellationToken cancellationToken) =>
        new(psl.List, await directory.LoadRoutingSnapshotAsync(s_platform, cancellationToken));

    public async Task<IReadOnlyList<AffectedOrganisation>> AffectedAsync(IReadOnlyList<string> assets, CancellationToken cancellationToken)
    {
        if (assets.Count == 0)
        {
            return [];
        }

        var router = await RouterAsync(cancellationToken);
        var ids = assets.SelectMany(a => router.Route(a).Chain).Select(p => p.OrganisationId).Distinct().ToList();
        return IncidentService.Affected(router, assets, await store.RegionsAsync(ids, cancellationToken));
    }
}

/// <summary>Settings of the incident feature (section <c>Incidents</c>).</summary>
public sealed class IncidentOptions
{
    public const string SectionName = "Incidents";

    /// <summary>How often the monitoring feed reads new zone state changes.</summary>
    public int FeedIntervalSeconds { get; set; } = 10;

    /// <summary>The least severity of a monitoring finding that opens or updates its zone's incident (info … critical; default error).</summary>
    public string FindingSeverity { get; set; } = "error";

    /// <summary>Public report form: submissions per client address per window.</summary>
    public int PublicReportsPerWindow { get; set; } = 5;

    public int PublicReportWindowMinutes { get; set; } = 10;

    /// <summary>
    /// Fallback only: overdue clocks (twice the target) escalate to the users holding the <c>head-of-operations</c>
    /// role, looked up at escalation time; this address is used when nobody holds it (none: the late queue only).
    /// </summary>
    public string? HeadOfOperationsEmail { get; set; }
}

public static class IncidentsSetup
{
    public const string PublicReportRateLimit = "public-report";

    public static IServiceCollection AddDnsCertIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IncidentOptions>().Bind(configuration.GetSection(IncidentOptions.SectionName))
            .Validate(o => Enum.TryParse<DnsCert.Monitoring.Model.Severity>(o.FindingSeverity, true, out var s) && Enum.IsDefined(s) && !int.TryParse(o.FindingSeverity, out _),
                "Incidents:FindingSeverity must be one of info, notice, warning, error, critical")
            .ValidateOnStart();
        services.AddSingleton<IncidentRouting>();
        services.AddSingleton<AfterActionPdf>();
        services.AddHostedService<IncidentFeedWorker>();
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(PublicReportRateLimit, context =>
        {
            var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<IncidentOptions>>().Value;
            // Reading the form is free; each submission counts against the client address.
            return HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter("report:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = Math.Max(1, options.PublicReportsPerWindow),
                        Window = TimeSpan.FromMinutes(Math.Max(1, options.PublicReportWindowMinutes)),
                        QueueLimit = 0,
                    })
                : RateLimitPartition.GetNoLimiter("get");
        }));
        return services;
    }
}
