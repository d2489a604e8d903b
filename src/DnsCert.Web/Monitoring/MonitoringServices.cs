using System.Reflection;
using DnsCert.Dns.Dnssec;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Monitoring.Agents;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Web.Monitoring;

/// <summary>Registers the monitoring runtime's hosted services (each checks <see cref="MonitoringRuntimeOptions"/> itself).</summary>
public static class MonitoringServices
{
    public static IServiceCollection AddDnsCertMonitoringRuntime(this IServiceCollection services)
    {
        services.AddHostedService<MonitoringMaintenanceService>();
        services.AddHostedService<MonitoringEvaluationService>();
        services.AddHostedService<MonitoringCheckService>();
        services.AddHostedService<LocalAgentService>();
        return services;
    }

    /// <summary>Runs <paramref name="pass"/> every <paramref name="interval"/> until stopped; a failed pass is logged and retried next time.</summary>
    internal static async Task LoopAsync(TimeSpan interval, Func<CancellationToken, Task> pass, Action<Exception> failed, TimeProvider time,
        CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            try
            {
                await pass(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                failed(e);
            }

            var wait = interval - (time.GetUtcNow() - started);
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(100), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>Partition maintenance: future day partitions created, those past the retention dropped (at start, then hourly).</summary>
public sealed partial class MonitoringMaintenanceService(
    ProbePartitions partitions, MonitoringRuntimeOptions options, TimeProvider time, ILogger<MonitoringMaintenanceService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => !options.Enabled ? Task.CompletedTask
        : MonitoringServices.LoopAsync(TimeSpan.FromSeconds(options.MaintenanceEverySeconds), async ct =>
        {
            var (created, dropped) = await partitions.MaintainAsync(time.GetUtcNow(), ct);
            if (created + dropped > 0)
            {
                LogMaintained(logger, created, dropped);
            }
        }, e => LogFailed(logger, e), time, stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "probe_results partitions: {Created} created, {Dropped} dropped past the retention")]
    private static partial void LogMaintained(ILogger logger, int created, int dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "partition maintenance failed; retried next time")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>Every cycle: zone states from the probe results; every SlaEverySeconds: today's SLA aggregates.</summary>
public sealed partial class MonitoringEvaluationService(
    MonitoringCycles cycles, SlaDailyAggregator sla, MonitoringRuntimeOptions options, TimeProvider time, ILogger<MonitoringEvaluationService> logger)
    : BackgroundService
{
    private DateTimeOffset _nextSla = DateTimeOffset.MinValue;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => !options.Enabled ? Task.CompletedTask
        : MonitoringServices.LoopAsync(TimeSpan.FromSeconds(options.CycleSeconds), async ct =>
        {
            var pass = await cycles.EvaluateAsync(ct);
            foreach (var change in pass.Changes)
            {
                LogChange(logger, change.Zone, change.From.ToString(), change.To.ToString(), change.Reason);
            }

            var now = time.GetUtcNow();
            if (now >= _nextSla)
            {
                _nextSla = now.AddSeconds(options.SlaEverySeconds);
                var today = ProbePartitions.DayOf(now);
                await sla.ComputeAsync(today, ct);
                if (now.UtcDateTime.TimeOfDay < TimeSpan.FromHours(1))
                {
                    // Late results of yesterday's last minutes still arrive shortly after midnight.
                    await sla.ComputeAsync(today.AddDays(-1), ct);
                }
            }
        }, e => LogFailed(logger, e), time, stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "zone {Zone}: {From} -> {To} ({Reason})")]
    private static partial void LogChange(ILogger logger, string zone, string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "monitoring evaluation failed; retried next cycle")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>Every cycle: the full check catalogue of each zone whose interval has passed; findings and probe targets stored.</summary>
public sealed partial class MonitoringCheckService(
    MonitoringCycles cycles, MonitoringRuntimeOptions options, TimeProvider time, ILogger<MonitoringCheckService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return Task.CompletedTask;
        }

        ZoneCut? hints = null;
        TrustAnchor? anchor = null;
        return MonitoringServices.LoopAsync(TimeSpan.FromSeconds(options.CycleSeconds), async ct =>
        {
            // Loaded on first use (and again after a failure), so a missing file is a logged, retried error, not a crash.
            hints ??= RootHints.Load(options.HintsFile ?? RootHints.DefaultFile);
            anchor ??= TrustAnchor.Parse(await File.ReadAllTextAsync(options.AnchorFile ?? RootHints.DefaultAnchorFile, ct));
            var pass = await cycles.CheckDueAsync(hints, anchor, ct);
            foreach (var failure in pass.Failures)
            {
                LogZoneFailed(logger, failure);
            }

            if (pass.Opened + pass.Cleared > 0)
            {
                LogChecked(logger, pass.ZonesChecked, pass.Opened, pass.Cleared);
            }
        }, e => LogFailed(logger, e), time, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "checked {Zones} zones: {Opened} findings opened, {Cleared} cleared")]
    private static partial void LogChecked(ILogger logger, int zones, int opened, int cleared);

    [LoggerMessage(Level = LogLevel.Warning, Message = "check failed: {Failure}")]
    private static partial void LogZoneFailed(ILogger logger, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "monitoring checks failed; retried next cycle")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>The server's own agent: <see cref="AgentRunner"/> in process, talking to the coordinator directly.</summary>
public sealed partial class LocalAgentService(
    AgentCoordinator coordinator, MonitoringRuntimeOptions options, TimeProvider time, ILogger<LocalAgentService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled || !options.LocalAgent)
        {
            return;
        }

        var runner = new AgentRunner(new InProcessAgentServer(coordinator, "server:" + options.LocalAgentName), new AgentOptions
        {
            VantagePoint = options.LocalAgentName,
            SpoolDirectory = options.SpoolDirectory,
            SourceAddress = options.LocalAgentSource is { Length: > 0 } source ? System.Net.IPAddress.Parse(source) : null,
            Version = typeof(LocalAgentService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            Time = time,
        }, e =>
        {
            if (e.Kind is AgentEventKind.Unavailable or AgentEventKind.Rejected or AgentEventKind.Replayed)
            {
                LogAgent(logger, e.Text);
            }
        });
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "local agent: {Text}")]
    private static partial void LogAgent(ILogger logger, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "local agent stopped; restarting")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
