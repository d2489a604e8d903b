using System.Globalization;
using System.Security.Claims;
using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Identity;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Account;

/// <summary>A person's API tokens: create (shown once), list, revoke. Tokens act with the owner's rights, narrowed.</summary>
[Authorize]
public sealed class TokensModel(ApiTokenStore tokens, AccountAudit audit) : PageModel
{
    public IReadOnlyList<ApiTokenInfo> Tokens { get; private set; } = [];

    public string? NewToken { get; private set; }

    public string? Error { get; private set; }

    private Guid UserId => Guid.Parse(User.FindFirstValue(ClaimTypes.NameIdentifier)!);

    public async Task OnGetAsync() => Tokens = await tokens.ListAsync(UserId, HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostCreateAsync(string name, string[] scopes, int days)
    {
        try
        {
            var (token, info) = await tokens.CreateAsync(UserId, name, scopes ?? [], TimeSpan.FromDays(days), HttpContext.RequestAborted);
            NewToken = token;
            await audit.WriteAsync(HttpContext, "auth.token-created", User, new Dictionary<string, string?>
            {
                ["token"] = info.Id.ToString(),
                ["name"] = info.Name,
                ["scopes"] = string.Join(" ", info.Scopes),
                ["expires"] = info.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
            });
        }
        catch (ValidationException e)
        {
            Error = e.Message;
        }

        await OnGetAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id)
    {
        if (await tokens.RevokeAsync(UserId, id, HttpContext.RequestAborted))
        {
            await audit.WriteAsync(HttpContext, "auth.token-revoked", User, new Dictionary<string, string?> { ["token"] = id.ToString() });
        }

        return RedirectToPage();
    }

    public string Local(DateTimeOffset at) => Localization.PersonTime.Format(User, at);
}
