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
public sealed class SignInModel(SignInManager<DnsCertUser> signIn, UserManager<DnsCertUser> users, AccountAudit audit) : PageModel
{
    [BindProperty]
    public string UserName { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The resource key of the message to show, if any.</summary>
    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password))
        {
            Error = "SignIn.Failed";
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(UserName.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        var user = await users.FindByNameAsync(UserName.Trim());
        if (result.Succeeded)
        {
            await audit.WriteAsync(HttpContext, "auth.signed-in", user!.Id, user.UserName, new Dictionary<string, string?> { ["factor"] = "password" });
            return LocalRedirect(SafeReturn(ReturnUrl));
        }

        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("/Account/TwoFactor", new { returnUrl = SafeReturn(ReturnUrl) });
        }

        // The audit names the attempted account, never the password.
        await audit.WriteAsync(HttpContext, result.IsLockedOut ? "auth.locked-out" : "auth.sign-in-failed", user?.Id,
            UserName.Trim(), new Dictionary<string, string?> { ["reason"] = result.IsLockedOut ? "locked" : result.IsNotAllowed ? "not-allowed" : "password" });
        Error = result.IsLockedOut ? "SignIn.LockedOut" : result.IsNotAllowed ? "SignIn.NotAllowed" : "SignIn.Failed";
        return Page();
    }

    internal static string SafeReturn(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
        && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/";
}
