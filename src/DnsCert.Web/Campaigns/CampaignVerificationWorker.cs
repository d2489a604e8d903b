using DnsCert.Core.Campaigns;
using DnsCert.Infrastructure.Campaigns;
using DnsCert.Monitoring.Resolution;
using DnsCert.Web.Monitoring;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DnsCert.Web.Campaigns;

/// <summary>
/// Verification on a schedule (issue 11, <see cref="CampaignVerificationOptions"/>): every poll, the instance holding the
/// lease checks the names due (last check older than the interval) of active campaigns in the DNS, batch by batch, through
/// one long-lived prober (bounded concurrency) and verifier (a token bucket per TLD server address for the process's
/// life). Progress is each batch's transaction: a crash or restart continues with the names checked longest ago.
/// </summary>
public sealed partial class CampaignVerificationWorker(
    IOptions<CampaignVerificationOptions> options, ICampaignRequestStore store, NpgsqlDataSource dataSource, TimeProvider time,
    ILogger<CampaignVerificationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var prober = new Prober(new ProbeSettings
        {
            MaxConcurrency = settings.MaxConcurrency,
            PerServerConcurrency = settings.PerServerConcurrency,
            PrivateTree = settings.PrivateTree,
            KeepResults = false,
            Time = time,
        });
        var verifier = new CampaignVerifier(prober, time, settings.QueriesPerSecondPerServer, settings.Burst);
        var verify = new VerifyDueNames(store, verifier, time);
        IterativeResolver? resolver = null;
        await MonitoringServices.LoopAsync(TimeSpan.FromSeconds(settings.PollSeconds), async ct =>
        {
            await using var lease = await VerificationLease.TryTakeAsync(dataSource, ct);
            if (lease is null)
            {
                return; // Another instance verifies now.
            }

            // Loaded on first use (and again after a failure), so a missing file is a logged, retried error, not a crash.
            resolver ??= new IterativeResolver(prober, RootHints.Load(settings.HintsFile ?? RootHints.DefaultFile));
            var pass = await verify.HandleAsync(settings, VerifyCampaign.FromRoot(resolver), ct);
            if (pass.Checked > 0)
            {
                LogPass(logger, pass.Checked, pass.Verified, pass.Contradicted, pass.Unknown, pass.Batches);
            }
        }, e =>
        {
            resolver = null;
            LogFailed(logger, e);
        }, time, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign verification: {Checked} names checked ({Verified} verified, {Contradicted} contradicted, {Unknown} unknown) in {Batches} batches")]
    private static partial void LogPass(ILogger logger, int @checked, int verified, int contradicted, int unknown, int batches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "campaign verification failed; retried next poll")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
