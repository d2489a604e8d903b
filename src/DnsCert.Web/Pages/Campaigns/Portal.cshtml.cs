using DnsCert.Core.Campaigns;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Campaigns;

/// <summary>A registry's requests: what its organisation was asked to act on (never another registry's slice).</summary>
[Authorize]
public sealed class PortalModel(ICampaignConsoleStore console, TimeProvider time) : PageModel
{
    public IReadOnlyList<RequestSummary> Requests { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Requests = await console.RequestsAsync(Viewers.From(User), cancellationToken);
    }
}
