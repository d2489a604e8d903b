using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Notifications;

/// <summary>What the delivery-status partial shows: counts per status and the latest messages (never their content).</summary>
public sealed record DeliveryStatusView(IReadOnlyDictionary<string, long> Counts, IReadOnlyList<DeliveryRecord> Recent);

/// <summary>The duty officer's view of outgoing notifications: open alerts (dead letters, unconfirmed), then deliveries.</summary>
[Authorize(Roles = Roles.Administrator + "," + Roles.DutyOfficer + "," + Roles.IncidentHandler)]
public sealed class DeliveriesModel(DeliveryTracking tracking) : PageModel
{
    public const int RecentCount = 100;

    public IReadOnlyList<NotificationAlert> Alerts { get; private set; } = [];

    public DeliveryStatusView Status { get; private set; } = new(new Dictionary<string, long>(), []);

    public async Task OnGetAsync(Guid? organisationId, CancellationToken cancellationToken)
    {
        Alerts = await tracking.OpenAlertsAsync(cancellationToken);
        Status = new DeliveryStatusView(
            await tracking.CountsAsync(organisationId, cancellationToken),
            await tracking.ListAsync(organisationId, null, RecentCount, cancellationToken));
    }

    public string Local(DateTimeOffset at) => Localization.PersonTime.Format(User, at);
}
