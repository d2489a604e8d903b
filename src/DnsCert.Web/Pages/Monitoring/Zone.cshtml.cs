using System.Text.Json;
using DnsCert.Core;
using DnsCert.Core.Monitoring;
using DnsCert.Dns.Names;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Monitoring.Changes;
using DnsCert.Web.Identity;
using DnsCert.Web.Monitoring;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Monitoring;

/// <summary>
/// One watched zone: state and since when, the latest check's findings with their evidence, availability and RTT
/// charts, state changes, the delegation baseline with its four-eyes approval, change records, and (core team) the
/// zone's settings. A zone the viewer may not see is a 404, as if it were not watched.
/// </summary>
[Authorize]
public sealed class ZoneModel(IMonitoringReadModel monitoring, WatchedZoneStore store, MonitoringAudit audit) : PageModel
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Zone names go in the query string: they end in a dot, and the root zone is only a dot.</summary>
    public static string Link(string zone) => "/monitoring/zone?name=" + Uri.EscapeDataString(zone);

    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    /// <summary>Days of history in the charts: 1 (hourly RTT), 7 or 30 (daily).</summary>
    [BindProperty(SupportsGet = true)]
    public int Days { get; set; } = 7;

    [BindProperty]
    public int IntervalSeconds { get; set; }

    [BindProperty]
    public string? BaselineJson { get; set; }

    public ZoneDetail Detail { get; private set; } = null!;

    public ZoneHistory History { get; private set; } = null!;

    public bool CanManage => MonitoringPermissions.CanManage(Viewers.From(User));

    public Guid? Me => Viewers.From(User).UserId;

    public string? ErrorField { get; private set; }

    public string? ErrorKey { get; private set; }

    public string? Done { get; private set; }

    public string Local(DateTimeOffset at) => Localization.PersonTime.Format(User, at);

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Done = done is "interval" or "proposed" or "approved" or "rejected" or "record-approved" ? done : null;
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostIntervalAsync(CancellationToken cancellationToken) =>
        ManageAsync("interval", zone => store.SetIntervalAsync(zone, IntervalSeconds, cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
    {
        if (!CanManage)
        {
            return Forbid();
        }

        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        await store.RemoveAsync(Detail.Summary.Zone, cancellationToken);
        await audit.RecordAsync(HttpContext, "zone-removed", Detail.Summary.Zone, null, cancellationToken);
        return Redirect("/monitoring");
    }

    /// <summary>Proposes the delegation the latest check observed; a second person approves it.</summary>
    public Task<IActionResult> OnPostCaptureAsync(CancellationToken cancellationToken) =>
        ManageAsync("proposed", zone => store.ProposeBaselineAsync(
            Detail.LatestCheck?.Observed ?? throw new ValidationException("baseline", "no check has observed the delegation yet"),
            Me!.Value, cancellationToken), cancellationToken);

    /// <summary>Proposes a baseline pasted as JSON (the file <c>dnscert check --save-baseline</c> writes).</summary>
    public Task<IActionResult> OnPostProposeAsync(CancellationToken cancellationToken) =>
        ManageAsync("proposed", zone => store.ProposeBaselineAsync(ParseBaseline(zone), Me!.Value, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken) =>
        ManageAsync("approved", zone => store.ApproveBaselineAsync(zone, Me!.Value, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(CancellationToken cancellationToken) =>
        ManageAsync("rejected", zone => store.RejectBaselineAsync(zone, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostApproveRecordAsync(Guid record, CancellationToken cancellationToken) =>
        ManageAsync("record-approved", zone => Detail.ChangeRecords.Any(r => r.Id == record)
            ? store.ApproveChangeRecordAsync(record, Me!.Value, cancellationToken)
            : throw new ValidationException("changeRecord", "not found"), cancellationToken);

    private async Task<IActionResult> ManageAsync(string done, Func<string, Task> action, CancellationToken cancellationToken)
    {
        if (!CanManage || Me is null)
        {
            return Forbid();
        }

        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        try
        {
            await action(Detail.Summary.Zone);
            await audit.RecordAsync(HttpContext, done switch
            {
                "interval" => "interval-set",
                "proposed" => "baseline-proposed",
                "approved" => "baseline-approved",
                "rejected" => "baseline-rejected",
                _ => "change-record-approved",
            }, Detail.Summary.Zone, done == "interval"
                ? new Dictionary<string, string?> { ["intervalSeconds"] = IntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                : null, cancellationToken);
            return Redirect(Link(Detail.Summary.Zone) + "&done=" + done);
        }
        catch (ValidationException e)
        {
            ErrorField = e.Field;
            ErrorKey = MonitoringText.ErrorKey(e);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(cancellationToken);
            return Page();
        }
    }

    private DelegationSnapshot ParseBaseline(string zone)
    {
        DelegationSnapshot? snapshot;
        try
        {
            snapshot = string.IsNullOrWhiteSpace(BaselineJson) ? null : JsonSerializer.Deserialize<DelegationSnapshot>(BaselineJson, s_json);
        }
        catch (JsonException)
        {
            snapshot = null;
        }

        if (snapshot is null || snapshot.NameServers is not { Count: > 0 } || snapshot.Glue is null || snapshot.Ds is null
            || !DnsName.TryNormalize(snapshot.Zone ?? "", out var named) || named != zone)
        {
            throw new ValidationException("baselineJson", "must be the JSON of a delegation snapshot of this zone, with at least one name server");
        }

        return snapshot;
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Name) || !DnsName.TryNormalize(Name, out _))
        {
            return false;
        }

        Days = Days is 1 or 7 or 30 ? Days : 7;
        var viewer = Viewers.From(User);
        if (await monitoring.GetAsync(viewer, Name, cancellationToken) is not { } detail)
        {
            return false;
        }

        Detail = detail;
        if (IntervalSeconds == 0)
        {
            IntervalSeconds = detail.Summary.IntervalSeconds;
        }

        History = (await monitoring.HistoryAsync(viewer, Name, Days, cancellationToken))!;
        return true;
    }
}
