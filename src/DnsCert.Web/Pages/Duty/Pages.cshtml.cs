using DnsCert.Core;
using DnsCert.Core.Duty;
using DnsCert.Web.Duty;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Duty;

/// <summary>Pages (open first) and the acknowledge button the page mail links to.</summary>
[Authorize(Roles = DutyAccess.TeamRolesText)]
public sealed class PagesModel(IDutyPager pager) : PageModel
{
    public IReadOnlyList<DutyPage> Items { get; private set; } = [];

    public Guid? Highlight { get; private set; }

    public string ViewerZone { get; private set; } = "UTC";

    public string? Error { get; private set; }

    public async Task OnGetAsync(Guid? id, CancellationToken cancellationToken)
    {
        Highlight = id;
        ViewerZone = DutyAccess.TimeZone(User);
        Items = await pager.ListAsync(false, 100, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            await pager.AcknowledgeAsync(id, DutyAccess.Actor(HttpContext).Id, "console", cancellationToken);
            return Redirect($"/duty/pages?id={id}");
        }
        catch (ValidationException e)
        {
            Error = e.Message;
            await OnGetAsync(id, cancellationToken);
            return Page();
        }
    }
}
