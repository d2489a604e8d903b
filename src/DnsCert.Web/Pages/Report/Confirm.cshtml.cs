using DnsCert.Core.Incidents;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Report;

/// <summary>The public form's confirmation link. The POST confirms, so a mail scanner following links confirms nothing.</summary>
[AllowAnonymous]
public sealed class ConfirmModel(IncidentService service) : PageModel
{
    public bool Confirmed { get; private set; }

    public IActionResult OnGet(string token) => AckTokens.LooksValid(token) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        if (await service.ConfirmReportAsync(token, cancellationToken) is null)
        {
            return NotFound();
        }

        Confirmed = true;
        return Page();
    }
}
