using System.Security.Claims;
using DnsCert.Infrastructure.Identity;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Account;

/// <summary>Lists the person's signed-in browsers and ends any of them (revoked on every server at the next request).</summary>
[Authorize]
public sealed class SessionsModel(SessionStore sessions, AccountAudit audit) : PageModel
{
    public IReadOnlyList<UserSession> Sessions { get; private set; } = [];

    public Guid? CurrentSession => Guid.TryParse(User.FindFirstValue(DnsCertClaims.SessionId), out var id) ? id : null;

    private Guid UserId => Guid.Parse(User.FindFirstValue(ClaimTypes.NameIdentifier)!);

    public async Task OnGetAsync() => Sessions = await sessions.ListAsync(UserId, HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (await sessions.RevokeAsync(UserId, id, HttpContext.RequestAborted))
        {
            await audit.WriteAsync(HttpContext, "auth.session-revoked", User, new Dictionary<string, string?> { ["session"] = id.ToString() });
        }

        return RedirectToPage();
    }

    public string Local(DateTimeOffset at) => Localization.PersonTime.Format(User, at);
}
