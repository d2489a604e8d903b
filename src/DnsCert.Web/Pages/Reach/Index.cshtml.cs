using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Reach;

/// <summary>Reach tests: the campaigns so far, and a form to start one to every organisation of a kind.</summary>
[Authorize(Roles = $"{Roles.Administrator},{Roles.DutyOfficer},{Roles.IncidentHandler}")]
public sealed class IndexModel(IReachTestStore store, ReachTestService reach, IDirectoryRepository directory,
    Microsoft.Extensions.Options.IOptions<PublicSite.TeamOptions> team) : PageModel
{
    public IReadOnlyList<ReachCampaign> Campaigns { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Campaigns = await store.ListAsync(Viewers.From(User), cancellationToken);

    public async Task<IActionResult> OnPostAsync(string name, string kind, CancellationToken cancellationToken)
    {
        try
        {
            // Every organisation of the kind, streamed without a cap (a search page stops at its limit).
            var organisations = new List<Guid>();
            await foreach (var organisationId in directory.OrganisationIdsAsync(Viewers.From(User), Codes.Parse<OrganisationKind>(kind, "kind"), cancellationToken))
            {
                organisations.Add(organisationId);
            }

            // Answer links go to the configured public URL (validated https at start), never to the request's Host header:
            // with AllowedHosts "*" a forged Host would send the recipients' answer tokens elsewhere.
            var publicUrl = team.Value.PublicUrl ?? throw new ValidationException("name", "Team:PublicUrl must be configured before reach tests can be sent");
            var id = await reach.StartAsync(name, organisations, new Uri(publicUrl.TrimEnd('/') + "/"),
                Viewers.Actor(HttpContext), cancellationToken);
            return Redirect($"/reach/{id}");
        }
        catch (ValidationException e)
        {
            Error = e.Message;
            Campaigns = await store.ListAsync(Viewers.From(User), cancellationToken);
            return Page();
        }
    }
}
