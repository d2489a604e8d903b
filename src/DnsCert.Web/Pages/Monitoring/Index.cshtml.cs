using DnsCert.Core;
using DnsCert.Core.Monitoring;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Web.Identity;
using DnsCert.Web.Monitoring;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Monitoring;

/// <summary>Watched zones with their state, worst first; filters by state, organisation and TLD; the core team adds zones here.</summary>
[Authorize]
public sealed class IndexModel(IMonitoringReadModel monitoring, WatchedZoneStore store, MonitoringAudit audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Organisation { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Tld { get; set; }

    [BindProperty]
    public string? Zone { get; set; }

    [BindProperty]
    public int IntervalSeconds { get; set; } = 60;

    public WatchedZoneList List { get; private set; } = new([], new Dictionary<ZoneHealth, int>(), 0, [], []);

    public bool CanManage => MonitoringPermissions.CanManage(Viewers.From(User));

    /// <summary>The field a refused input belongs to (<c>state</c>, <c>tld</c>, <c>zone</c>, <c>intervalSeconds</c>), and why.</summary>
    public string? ErrorField { get; private set; }

    public string? ErrorKey { get; private set; }

    public string Local(DateTimeOffset at) => Localization.PersonTime.Format(User, at);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        if (!CanManage)
        {
            return Forbid();
        }

        try
        {
            var zone = WatchedZoneNames.Normalize(Zone);
            if (!await store.AddAsync(zone, IntervalSeconds, cancellationToken))
            {
                throw new ValidationException("zone", "is watched already");
            }

            await audit.RecordAsync(HttpContext, "zone-added", zone,
                new Dictionary<string, string?> { ["intervalSeconds"] = IntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                cancellationToken);
            return Redirect(ZoneModel.Link(zone));
        }
        catch (ValidationException e)
        {
            Refused(e);
            await LoadAsync(cancellationToken);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var health = string.IsNullOrEmpty(State) ? (ZoneHealth?)null : ZoneHealthRules.ParseCode(State);
            List = await monitoring.ListAsync(Viewers.From(User),
                new WatchedZoneQuery(health, Organisation, string.IsNullOrWhiteSpace(Tld) ? null : Tld, 500), cancellationToken);
        }
        catch (ValidationException e)
        {
            Refused(e);
            List = await monitoring.ListAsync(Viewers.From(User), new WatchedZoneQuery(Limit: 500), cancellationToken);
        }
    }

    private void Refused(ValidationException e)
    {
        ErrorField = e.Field;
        ErrorKey = MonitoringText.ErrorKey(e);
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
