using DnsCert.Core.Campaigns;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Campaigns;

/// <summary>The campaigns the viewer may see with their coverage; a registry's users go to their requests instead.</summary>
[Authorize]
public sealed class IndexModel(ICampaignConsoleStore store, TimeProvider time) : PageModel
{
    public IReadOnlyList<CampaignListItem> Campaigns { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        if (!viewer.IsCoreTeam)
        {
            return Redirect("/campaigns/portal");
        }

        Now = time.GetUtcNow();
        Campaigns = await store.ListAsync(viewer, cancellationToken);
        return Page();
    }
}
