using System.Globalization;
using DnsCert.Core;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;
using DnsCert.Web.Api;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Campaigns;

/// <summary>
/// A new campaign from a form: its description and its first day of names, uploaded (text or CSV, read line by line
/// as it arrives) or pasted. The whole upload is accepted or nothing is stored; the same upload again is recognised.
/// </summary>
[Authorize(Roles = CampaignPages.CoreTeamRoles)]
// An upload over the line limit must reach the reader to be refused with its message, not cut off by the body limit:
// 5,000,000 lines of long names stay under 1 GiB. ASP.NET spools a large file part to a temporary file, not memory.
[RequestSizeLimit(MaxUploadBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxUploadBytes)]
public sealed class NewModel(ICampaignStore store, IDirectoryRepository directory, PublicSuffixListHolder psl, TimeProvider time) : PageModel
{
    public const long MaxUploadBytes = 1L << 30;

    /// <summary>Bad lines listed on the page; the message counts them all.</summary>
    public const int ShownLineErrors = 50;

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string Action { get; set; } = "block";

    [BindProperty]
    public string? SinkholeNameServers { get; set; }

    [BindProperty]
    public string? TrustedRegistrar { get; set; }

    [BindProperty]
    public int NamesPerDay { get; set; }

    [BindProperty]
    public string? Deadline { get; set; }

    [BindProperty]
    public string Tlp { get; set; } = "TLP:AMBER";

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? Day { get; set; }

    [BindProperty]
    public string? Names { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public CampaignUploadResult? Result { get; private set; }

    public string? ErrorField { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<LineError> LineErrors { get; private set; } = [];

    public long LineErrorCount { get; private set; }

    public string? ErrorFor(string field) => ErrorField == field ? Error : null;

    public void OnGet()
    {
        var now = time.GetUtcNow();
        Deadline = now.AddDays(7).UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        Day = DateOnly.FromDateTime(now.UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            var draft = new CampaignDraft(Name ?? "", TlpLabels.Parse(Tlp), ParseDeadline(Deadline), CampaignActions.Parse(Action), NamesPerDay,
                (SinkholeNameServers ?? "").Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries), TrustedRegistrar, Description);
            var day = string.IsNullOrWhiteSpace(Day) ? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)
                : DateOnly.TryParseExact(Day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
                : throw new ValidationException("day", "give the day as YYYY-MM-DD");
            var viewer = Viewers.From(User);
            using var input = OpenInput();
            var uploads = new CampaignUploads(store, CampaignUploads.RoutingFrom(psl.List, c => directory.LoadRoutingSnapshotAsync(viewer, c)), time);
            Result = await uploads.HandleAsync(
                CampaignUploadTarget.Create(viewer, Viewers.Actor(HttpContext).Name, draft, day, Upload?.FileName), input, null, cancellationToken);
        }
        catch (ValidationException e)
        {
            (ErrorField, Error) = (e.Field, e.Reason);
        }
        catch (CampaignUploadRejectedException e)
        {
            (ErrorField, Error, LineErrors, LineErrorCount) = ("file", e.Message, [.. e.Errors.Take(ShownLineErrors)], e.ErrorCount);
        }

        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    /// <summary>The uploaded file as a stream (read line by line), else the pasted names.</summary>
    private StreamReader OpenInput()
    {
        if (Upload is { Length: > 0 } file)
        {
            return new StreamReader(file.OpenReadStream());
        }

        if (!string.IsNullOrWhiteSpace(Names))
        {
            return new StreamReader(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Names)));
        }

        throw new ValidationException("file", "upload a file of names or paste them");
    }

    private static DateTimeOffset ParseDeadline(string? text) =>
        DateTime.TryParseExact(text, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var deadline)
            ? new DateTimeOffset(deadline, TimeSpan.Zero)
            : throw new ValidationException("deadline", "give the deadline as YYYY-MM-DD HH:MM (UTC)");
}
