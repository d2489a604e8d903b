using DnsCert.Infrastructure.Identity;
using DnsCert.Web.Identity;
using DnsCert.Web.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DnsCert.Web.Pages.Account;

[Authorize]
public sealed class PasswordModel(
    UserManager<DnsCertUser> users, SignInManager<DnsCertUser> signIn, AccountAudit audit, IStringLocalizer<SharedResource> localizer) : PageModel
{
    [BindProperty]
    public string Current { get; set; } = "";

    [BindProperty]
    public string New { get; set; } = "";

    [BindProperty]
    public string Confirm { get; set; } = "";

    public bool MustChange => User.HasClaim(DnsCertClaims.MustChangePassword, "true");

    public bool Changed { get; private set; }

    public List<string> Errors { get; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (New != Confirm)
        {
            Errors.Add(localizer["Password.Mismatch"]);
            return Page();
        }

        var result = await users.ChangePasswordAsync(user, Current, New);
        if (!result.Succeeded)
        {
            // Identity's own descriptions name the rule that failed (length, wrong current password).
            Errors.AddRange(result.Errors.Select(e => e.Description));
            return Page();
        }

        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        await audit.WriteAsync(HttpContext, "auth.password-changed", User);
        await signIn.RefreshSignInAsync(user);
        Changed = true;
        return Page();
    }
}
