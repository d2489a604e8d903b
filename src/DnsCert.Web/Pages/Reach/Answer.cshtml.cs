using DnsCert.Core.Constituency;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Reach;

/// <summary>
/// The page a reach-test link opens, without signing in: the token is the credential. Opening it shows a button;
/// the answer is recorded by the POST, so mail scanners that follow links do not answer for the recipient.
/// </summary>
[AllowAnonymous]
public sealed class AnswerModel(ReachTestService reach) : PageModel
{
    public bool Answered { get; private set; }

    public string? Organisation { get; private set; }

    public IActionResult OnGet(string token) => token.Length is > 0 and <= 100 ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        var recipient = await reach.AnswerAsync(token, cancellationToken);
        if (recipient is null)
        {
            return NotFound();
        }

        (Answered, Organisation) = (true, recipient.OrganisationName);
        return Page();
    }
}
