using DnsCert.Infrastructure.Identity;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace DnsCert.Web.Pages.Account;

[AllowAnonymous]
[EnableRateLimiting(IdentitySetup.SignInRateLimit)]
public sealed class TwoFactorModel(SignInManager<DnsCertUser> signIn, AccountAudit audit) : PageModel
{
    [BindProperty]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Account/SignIn") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            Error = "TwoFactor.Expired";
            return Page();
        }

        var code = (Code ?? "").Replace(" ", "", StringComparison.Ordinal).Trim();
        // Six digits are a TOTP code; anything else is tried as a one-time recovery code.
        var recovery = !(code.Length == 6 && code.All(char.IsAsciiDigit));
        var result = recovery
            ? await signIn.TwoFactorRecoveryCodeSignInAsync(code)
            : await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            await audit.WriteAsync(HttpContext, "auth.signed-in", user.Id, user.UserName,
                new Dictionary<string, string?> { ["factor"] = recovery ? "recovery-code" : "totp" });
            return LocalRedirect(SignInModel.SafeReturn(ReturnUrl));
        }

        await audit.WriteAsync(HttpContext, result.IsLockedOut ? "auth.locked-out" : "auth.second-factor-failed", user.Id, user.UserName);
        Error = result.IsLockedOut ? "SignIn.LockedOut" : "TwoFactor.Failed";
        return Page();
    }
}
