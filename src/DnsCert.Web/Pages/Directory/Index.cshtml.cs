using DnsCert.Core;
using DnsCert.Core.Constituency;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Directory;

/// <summary>The constituency directory: search by name or asset, filter by kind, region, language and vetting.</summary>
[Authorize]
public sealed class IndexModel(IDirectoryRepository directory) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Region { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Language { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Vetting { get; set; }

    public IReadOnlyList<OrganisationSummary> Results { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Results = await directory.SearchAsync(Viewers.From(User), new DirectorySearch(Q,
                string.IsNullOrEmpty(Kind) ? null : Codes.Parse<OrganisationKind>(Kind, "kind"),
                string.IsNullOrEmpty(Region) ? null : Codes.Parse<IcannRegion>(Region, "region"),
                string.IsNullOrEmpty(Language) ? null : Language,
                string.IsNullOrEmpty(Vetting) ? null : Codes.Parse<VettingLevel>(Vetting, "vetting"), 200), cancellationToken);
        }
        catch (ValidationException e)
        {
            Error = e.Message;
        }
    }
}
