using DnsCert.Core.Constituency;
using Microsoft.Extensions.Logging;

namespace DnsCert.Infrastructure.Constituency;

/// <summary>
/// The reach-test sender until the notification outbox (issue 8) implements <see cref="IReachMailer"/>: it logs
/// that a message is due (recipient and campaign, never the answer link, which is a secret) and sends nothing.
/// </summary>
public sealed partial class UnwiredReachMailer(ILogger<UnwiredReachMailer> logger) : IReachMailer
{
    public Task SendAsync(ReachMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        LogDue(logger, message.CampaignId, message.Email);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "reach test {CampaignId}: message to {Email} not sent: no mail outbox is wired yet")]
    private static partial void LogDue(ILogger logger, Guid campaignId, string email);
}
