using System.Net.Mail;
using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Identity;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Admin;

/// <summary>
/// The administrator's people page: everyone with an account, and invitations. An invitation creates the account
/// without a password and a one-time link (Identity's reset token, valid for <see cref="InvitationDays"/> days) with
/// which the invitee chooses their own — no password ever passes through the administrator.
/// </summary>
[Authorize(Roles = Roles.Administrator)]
public sealed class UsersModel(UserManager<DnsCertUser> users, AccountAudit audit, TimeProvider clock) : PageModel
{
    public const int InvitationDays = 7;

    public IReadOnlyList<DnsCertUser> Users { get; private set; } = [];

    public string? InvitationLink { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync()
    {
        var all = new List<DnsCertUser>();
        foreach (var role in Roles.All)
        {
            all.AddRange(await users.GetUsersInRoleAsync(role));
        }

        Users = [.. all.DistinctBy(u => u.Id).OrderBy(u => u.UserName, StringComparer.OrdinalIgnoreCase)];
    }

    public async Task<IActionResult> OnPostInviteAsync(string userName, string displayName, string? email, string[] roles)
    {
        try
        {
            var name = UserNames.Validate(userName?.Trim());
            if (string.IsNullOrWhiteSpace(displayName))
            {
                throw new ValidationException("displayName", "must not be empty");
            }

            if (!string.IsNullOrWhiteSpace(email) && !MailAddress.TryCreate(email.Trim(), out _))
            {
                throw new ValidationException("email", $"'{email}' is not a mail address");
            }

            var chosen = (roles ?? []).Distinct(StringComparer.Ordinal).ToList();
            if (chosen.Count == 0 || chosen.Any(r => !Roles.IsKnown(r)))
            {
                throw new ValidationException("roles", "choose one or more of the listed roles");
            }

            var user = new DnsCertUser
            {
                Id = Guid.CreateVersion7(clock.GetUtcNow()),
                UserName = name,
                DisplayName = displayName.Trim(),
                Email = string.IsNullOrWhiteSpace(email) ? null : email.Trim(),
                Roles = chosen,
                CreatedAt = clock.GetUtcNow(),
            };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                throw new ValidationException("userName", string.Join("; ", created.Errors.Select(e => e.Description)));
            }

            var token = await users.GeneratePasswordResetTokenAsync(user);
            InvitationLink = $"{Request.Scheme}://{Request.Host}/account/invitation?user={user.Id}&token={Uri.EscapeDataString(token)}";
            await audit.WriteAsync(HttpContext, "user.invited", User, new Dictionary<string, string?>
            {
                ["user"] = user.Id.ToString(),
                ["userName"] = name,
                ["roles"] = string.Join(" ", chosen),
            });
        }
        catch (ValidationException e)
        {
            Error = e.Message;
        }

        await OnGetAsync();
        return Page();
    }
}
