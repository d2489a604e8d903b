using DnsCert.Infrastructure.Notifications;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Notifications;

/// <summary>
/// Drains the outbox in the background: one planner loop (directives → messages), <c>Outbox:Workers</c> sender loops
/// each with its own SMTP connection, and a sweep for messages a crashed sender had handed over. Every server instance
/// runs it; the table's row locks share the work.
/// </summary>
public sealed partial class NotificationWorker(IServiceProvider services, IOptions<NotificationOptions> options, ILogger<NotificationWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        var teamKey = services.GetRequiredService<TeamKey>();
        if (teamKey.Signer is null)
        {
            LogUnsigned(logger);
        }
        else
        {
            LogStarted(logger, settings.Smtp.Host, settings.Smtp.Port, settings.Outbox.Workers, teamKey.Signer.Fingerprint);
        }

        var loops = new List<Task> { PlanLoopAsync(stoppingToken) };
        for (var i = 0; i < settings.Outbox.Workers; i++)
        {
            loops.Add(SendLoopAsync(i == 0, stoppingToken));
        }

        await Task.WhenAll(loops);
    }

    private async Task PlanLoopAsync(CancellationToken stoppingToken)
    {
        var planner = services.GetRequiredService<DirectivePlanner>();
        var interval = TimeSpan.FromSeconds(options.Value.Outbox.PlanSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await planner.PlanDueAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLoopError(logger, "planner", e);
            }

            await DelayAsync(interval, stoppingToken);
        }
    }

    private async Task SendLoopAsync(bool sweeps, CancellationToken stoppingToken)
    {
        await using var sender = ActivatorUtilities.CreateInstance<OutboxSender>(services);
        var settings = options.Value.Outbox;
        while (!stoppingToken.IsCancellationRequested)
        {
            var pause = TimeSpan.Zero;
            try
            {
                switch (await sender.SendNextAsync(stoppingToken))
                {
                    case SendOutcome.Idle:
                        if (sweeps && await sender.SweepUnconfirmedAsync(stoppingToken) is > 0 and var swept)
                        {
                            LogUnconfirmed(logger, swept);
                        }

                        pause = TimeSpan.FromSeconds(settings.PollSeconds);
                        break;
                    case SendOutcome.Outage:
                        pause = TimeSpan.FromSeconds(settings.OutageRetrySeconds);
                        break;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLoopError(logger, "sender", e);
                pause = TimeSpan.FromSeconds(settings.OutageRetrySeconds);
            }

            if (pause > TimeSpan.Zero)
            {
                await DelayAsync(pause, stoppingToken);
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notifications disabled (Notifications:Enabled=false): nothing is sent")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifications: no team key (Notifications:TeamKeyPath); mail goes out UNSIGNED")]
    private static partial void LogUnsigned(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notifications: sending through {Host}:{Port} with {Workers} workers, signing with {Fingerprint}")]
    private static partial void LogStarted(ILogger logger, string host, int port, int workers, string fingerprint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notifications: {Count} handed-over messages of a stopped sender marked unconfirmed; duty officer alerted")]
    private static partial void LogUnconfirmed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notifications {Loop} loop failed; retrying")]
    private static partial void LogLoopError(ILogger logger, string loop, Exception exception);
}
