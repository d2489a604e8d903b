using DnsCert.Core.Incidents;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Incidents;

/// <summary>
/// The acknowledgement link of a coordination request, without signing in: the token is the credential. Opening it
/// shows a button; the POST records "acknowledged" on the request and in the incident's timeline.
/// </summary>
[AllowAnonymous]
public sealed class AckModel(IncidentService service) : PageModel
{
    public CoordinationRequest? Acknowledged { get; private set; }

    public IActionResult OnGet(string token) => AckTokens.LooksValid(token) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        Acknowledged = await service.AcknowledgeAsync(token, cancellationToken);
        return Acknowledged is null ? NotFound() : Page();
    }
}
