using DnsCert.Core;
using DnsCert.Core.Campaigns;
using DnsCert.Web.Api;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Campaigns;

/// <summary>
/// One request in the registry's portal: acknowledge it, report outcomes for the names ticked on a page (or every name
/// on it), or upload a CSV of name,outcome — all through <see cref="ICampaignRequestStore.ReportAsync"/>, the method
/// the bulk API uses: all or nothing.
/// </summary>
[Authorize]
// A CSV of outcomes for a large slice (100,000 names at most per report).
[RequestSizeLimit(32L * 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = 32L * 1024 * 1024)]
public sealed class RequestModel(ICampaignConsoleStore console, ICampaignRequestStore requests, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public RequestSummary Slice { get; private set; } = null!;

    public NamePage Names { get; private set; } = new([], 0, 1, CampaignPages.PageSize);

    public DateTimeOffset Now { get; private set; }

    public string? Notice { get; private set; }

    public string? ErrorField { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAcknowledgeAsync(CancellationToken cancellationToken)
    {
        if (await requests.GetAsync(Viewers.From(User), Id, cancellationToken) is not { } request)
        {
            return NotFound();
        }

        var waiting = request.Names.Where(n => n.Status == NameStatus.Requested).Select(n => new ReportedOutcome(n.Name, NameOutcome.Acknowledged)).ToList();
        return await ReportAsync(waiting.Count == 0 ? null : waiting, "Campaigns.Acknowledged", cancellationToken);
    }

    public async Task<IActionResult> OnPostReportAsync(string[]? selected, string[]? pageNames, bool wholePage, string? outcome, string? detail,
        CancellationToken cancellationToken)
    {
        if (await console.RequestAsync(Viewers.From(User), Id, cancellationToken) is null)
        {
            return NotFound();
        }

        var names = wholePage ? pageNames ?? [] : selected ?? [];
        return await GuardAsync(async () =>
        {
            if (names.Length == 0)
            {
                throw new ValidationException("selected", "tick at least one name");
            }

            var parsed = NameOutcomes.Parse(outcome);
            return names.Select(n => new ReportedOutcome(n, parsed, detail)).ToList();
        }, cancellationToken);
    }

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? csv, CancellationToken cancellationToken)
    {
        if (await console.RequestAsync(Viewers.From(User), Id, cancellationToken) is null)
        {
            return NotFound();
        }

        return await GuardAsync(async () =>
        {
            if (csv is not { Length: > 0 })
            {
                throw new ValidationException("csv", "choose a CSV file with the columns name and outcome");
            }

            using var reader = new StreamReader(csv.OpenReadStream());
            var outcomes = await CampaignsApi.ReadOutcomesAsync(reader, cancellationToken);
            return outcomes.Count > 0 ? outcomes : throw new ValidationException("csv", "no row has an outcome");
        }, cancellationToken);
    }

    private async Task<IActionResult> GuardAsync(Func<Task<List<ReportedOutcome>>> read, CancellationToken cancellationToken)
    {
        List<ReportedOutcome> outcomes;
        try
        {
            outcomes = await read();
        }
        catch (ValidationException e)
        {
            return await FailAsync(e, cancellationToken);
        }

        return await ReportAsync(outcomes, "Campaigns.Recorded", cancellationToken);
    }

    private async Task<IActionResult> ReportAsync(List<ReportedOutcome>? outcomes, string noticeKey, CancellationToken cancellationToken)
    {
        try
        {
            var changed = outcomes is null ? 0 : await requests.ReportAsync(Id, outcomes, Viewers.Actor(HttpContext).Name, cancellationToken);
            Notice = noticeKey + "|" + changed;
        }
        catch (ValidationException e)
        {
            return await FailAsync(e, cancellationToken);
        }

        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    private async Task<IActionResult> FailAsync(ValidationException e, CancellationToken cancellationToken)
    {
        (ErrorField, Error) = (e.Field, e.Reason);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        if (await console.RequestAsync(viewer, Id, cancellationToken) is not { } request)
        {
            return false;
        }

        Slice = request;
        Now = time.GetUtcNow();
        NameStatus? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            try
            {
                status = NameStatuses.Parse(Status);
            }
            catch (ValidationException e)
            {
                (ErrorField, Error) = (e.Field, e.Reason);
            }
        }

        Names = await console.RequestNamesAsync(viewer, Id, new NameQuery(null, false, status, PageNumber, CampaignPages.PageSize), cancellationToken);
        return true;
    }

    public string Link(string? status = null, int page = 1) =>
        $"/campaigns/portal/{Id}" + (status is null && page <= 1 ? "" : "?" + string.Join("&",
            new[] { status is null ? null : "status=" + Uri.EscapeDataString(status), page > 1 ? "p=" + page : null }.Where(x => x is not null)));
}
