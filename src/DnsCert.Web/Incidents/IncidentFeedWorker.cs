using DnsCert.Core.Incidents;
using DnsCert.Infrastructure.Incidents;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Incidents;

/// <summary>
/// Reads monitoring's zone state changes into incidents (<see cref="IncidentStore.ApplyZoneChangesAsync"/>): a zone
/// going down opens its incident (or updates the open one), a zone back up proposes resolution. Then the findings
/// (<see cref="IncidentStore.ApplyFindingsAsync"/>): a finding at or above Incidents:FindingSeverity opens or updates
/// the zone's incident, and when every finding that drove it has cleared the incident proposes resolution. Any number of server
/// instances may run it: the feed's cursor row serialises them. Each pass also copies replies to coordination requests
/// into their timelines and escalates late clocks (once per clock and level).
/// </summary>
public sealed partial class IncidentFeedWorker(
    IncidentStore store, IncidentRouting routing, IDutyOfficerLookup duty, IOptions<IncidentOptions> options, IOptions<PublicSite.TeamOptions> team,
    IServer server, TimeProvider time, ILogger<IncidentFeedWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.FeedIntervalSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await store.ApplyZoneChangesAsync(await routing.RouterAsync(stoppingToken), duty, SiteBase(), 500, time.GetUtcNow(), stoppingToken);
                if (result.Read > 0)
                {
                    LogPass(logger, result.Read, result.Opened, result.Updated, result.ResolutionProposed);
                }

                var findings = await store.ApplyFindingsAsync(await routing.RouterAsync(stoppingToken), duty, SiteBase(),
                    FindingIntake.ParseSeverity(options.Value.FindingSeverity, "Incidents:FindingSeverity"), 500, time.GetUtcNow(), stoppingToken);
                if (findings.Read > 0)
                {
                    LogFindings(logger, findings.Read, findings.Opened, findings.Updated, findings.ResolutionProposed);
                }

                await store.RecordRepliesAsync(stoppingToken);
                var escalated = await store.EscalateAsync(duty, options.Value.HeadOfOperationsEmail, time.GetUtcNow(), stoppingToken);
                if (escalated.DutyOfficer + escalated.HeadOfOperations > 0)
                {
                    LogEscalation(logger, escalated.DutyOfficer, escalated.HeadOfOperations);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be away for a moment; the cursor did not move, the next pass tries again.
                LogFailure(logger, e);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Uri SiteBase()
    {
        if (!string.IsNullOrWhiteSpace(team.Value.PublicUrl))
        {
            return new Uri(team.Value.PublicUrl.TrimEnd('/') + "/");
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("https", StringComparison.Ordinal))
                      ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "https://localhost/";
        return new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident feed: {Read} zone changes, {Opened} incidents opened, {Updated} updated, {Proposed} resolutions proposed")]
    private static partial void LogPass(ILogger logger, int read, int opened, int updated, int proposed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident feed: {Zones} zones with new, risen or cleared findings, {Opened} incidents opened, {Updated} updated, {Proposed} resolutions proposed")]
    private static partial void LogFindings(ILogger logger, int zones, int opened, int updated, int proposed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident clocks: {DutyOfficer} escalations to the duty officer, {Head} to the head of operations")]
    private static partial void LogEscalation(ILogger logger, int dutyOfficer, int head);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident feed pass failed")]
    private static partial void LogFailure(ILogger logger, Exception exception);
}
