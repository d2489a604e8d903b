using DnsCert.Infrastructure.Identity;
using DnsCert.Web.Identity;
using DnsCert.Web.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DnsCert.Web.Pages.Account;

/// <summary>An invitee chooses a password with the one-time link; the link stops working once used.</summary>
[AllowAnonymous]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(IdentitySetup.SignInRateLimit)]
public sealed class InvitationModel(UserManager<DnsCertUser> users, AccountAudit audit, IStringLocalizer<SharedResource> localizer) : PageModel
{
    [BindProperty(Name = "user", SupportsGet = true)]
    public string UserId { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Token { get; set; } = "";

    [BindProperty]
    public string New { get; set; } = "";

    [BindProperty]
    public string Confirm { get; set; } = "";

    public bool Done { get; private set; }

    public List<string> Errors { get; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var invitee = await users.FindByIdAsync(UserId);
        if (New != Confirm)
        {
            Errors.Add(localizer["Password.Mismatch"]);
            return Page();
        }

        // A used link fails here too: resetting the password changes the security stamp the token was bound to.
        var result = invitee is null ? IdentityResult.Failed() : await users.ResetPasswordAsync(invitee, Token, New);
        if (!result.Succeeded)
        {
            Errors.AddRange(invitee is null || result.Errors.Any(e => e.Code == "InvalidToken")
                ? [localizer["Invitation.Invalid"]]
                : result.Errors.Select(e => e.Description));
            return Page();
        }

        await audit.WriteAsync(HttpContext, "user.invitation-accepted", invitee!.Id, invitee.UserName);
        Done = true;
        return Page();
    }
}
