using System.Globalization;
using DnsCert.Core;
using DnsCert.Core.Incidents;
using DnsCert.Web.Identity;
using DnsCert.Web.Incidents;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace DnsCert.Web.Pages.Report;

/// <summary>
/// Report an incident. Without an account: rate-limited per client address, and the report waits for the sender to
/// confirm through the link we mail (so nobody files reports in someone else's name). Signed in: the report is filed
/// for the person's organisation at once.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(IncidentsSetup.PublicReportRateLimit)]
public sealed class IndexModel(IncidentService service) : PageModel
{
    [BindProperty]
    public string? Sender { get; set; }

    [BindProperty]
    public string? Subject { get; set; }

    [BindProperty]
    public string? Body { get; set; }

    [BindProperty]
    public string? Assets { get; set; }

    public long? Filed { get; private set; }

    public string? Field { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        try
        {
            Filed = await service.SubmitReportAsync(viewer, viewer.IsSignedIn ? ReportSources.Portal : ReportSources.PublicForm, Sender, Subject, Body, Assets,
                CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, IncidentsApi.SiteBase(HttpContext), cancellationToken);
        }
        catch (ValidationException e)
        {
            (Field, Error) = (e.Field, e.Message);
        }

        return Page();
    }
}
