using System.Text;
using System.Text.Encodings.Web;
using DnsCert.Infrastructure.Identity;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Account;

/// <summary>Enrols a TOTP authenticator (RFC 6238) and shows ten one-time recovery codes once.</summary>
[Authorize]
public sealed class TwoFactorSetupModel(UserManager<DnsCertUser> users, SignInManager<DnsCertUser> signIn, AccountAudit audit) : PageModel
{
    private const int RecoveryCodeCount = 10;

    [BindProperty]
    public string Code { get; set; } = "";

    public string FormattedKey { get; private set; } = "";

    public string AuthenticatorUri { get; private set; } = "";

    public string? Error { get; private set; }

    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        await LoadKeyAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var code = (Code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            Error = "TwoFactor.Failed";
            await LoadKeyAsync(user);
            return Page();
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!];
        await audit.WriteAsync(HttpContext, "auth.second-factor-enrolled", User, new Dictionary<string, string?> { ["method"] = "totp" });
        await signIn.RefreshSignInAsync(user);
        return Page();
    }

    private async Task LoadKeyAsync(DnsCertUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        var grouped = new StringBuilder();
        for (var i = 0; i < key!.Length; i += 4)
        {
            grouped.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }

        FormattedKey = grouped.ToString().TrimEnd().ToLowerInvariant();
        var label = UrlEncoder.Default.Encode("DnsCert:" + user.UserName);
        AuthenticatorUri = $"otpauth://totp/{label}?secret={key}&issuer=DnsCert&digits=6";
    }
}
