using DnsCert.Core.Duty;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Duty;

/// <summary>
/// Climbs unacknowledged pages one rung when they are late. Every server instance runs it; the pager claims due pages
/// with SKIP LOCKED, so two instances never climb the same page twice.
/// </summary>
public sealed partial class DutyWorker(IDutyPager pager, IOptions<DutyOptions> options, ILogger<DutyWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pager.EscalateDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLoopError(logger, e);
            }

            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Duty escalation loop failed; retrying")]
    private static partial void LogLoopError(ILogger logger, Exception error);
}
