using System.Security.Claims;
using DnsCert.Infrastructure.Identity;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Account;

/// <summary>Ends this session on the server (not only the cookie) and signs out. POST only, with antiforgery.</summary>
public sealed class SignOutModel(SignInManager<DnsCertUser> signIn, SessionStore sessions, AccountAudit audit) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.IsAuthenticated == true
            && Guid.TryParse(User.FindFirstValue(DnsCertClaims.SessionId), out var sid)
            && Guid.TryParse(User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            await sessions.RevokeAsync(userId, sid, HttpContext.RequestAborted);
            await audit.WriteAsync(HttpContext, "auth.signed-out", User);
        }

        await signIn.SignOutAsync();
        return Redirect("/");
    }
}
