using DnsCert.Core;
using DnsCert.Core.Campaigns;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Campaigns;

/// <summary>
/// The live coverage view: per registry requested / acknowledged / actioned / verified / contradicted, laggards first,
/// per day and in total; the names of one registry (or the unroutable ones) a page at a time.
/// </summary>
[Authorize(Roles = CampaignPages.CoreTeamRoles)]
public sealed class CampaignModel(ICampaignStore campaigns, ICampaignConsoleStore console, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    /// <summary>The registry whose names are shown.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Registry { get; set; }

    /// <summary>Show the unroutable names instead of a registry's.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Unroutable { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public CampaignView Campaign { get; private set; } = null!;

    public IReadOnlyList<RegistryCoverage> Laggards { get; private set; } = [];

    public IReadOnlyList<DailyCoverage> Days { get; private set; } = [];

    public RegistryCoverage Total { get; private set; } = null!;

    public RegistryCoverage? Selected { get; private set; }

    public NamePage? Names { get; private set; }

    public string? Error { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        if (await campaigns.GetAsync(viewer, Id, cancellationToken) is not { } campaign)
        {
            return NotFound();
        }

        Campaign = campaign;
        Now = time.GetUtcNow();
        Laggards = CampaignLaggards.Order(campaign.Registries, campaign.Deadline, Now);
        Total = new RegistryCoverage(Guid.Empty, "", "", [], campaign.Registries.Sum(r => r.Requested), campaign.Registries.Sum(r => r.Acknowledged),
            campaign.Registries.Sum(r => r.Actioned), campaign.Registries.Sum(r => r.Verified), campaign.Registries.Sum(r => r.Contradicted));
        Selected = Registry is { } registry ? campaign.Registries.FirstOrDefault(r => r.OrganisationId == registry) : null;
        Days = await console.DailyAsync(viewer, Id, Selected?.OrganisationId, cancellationToken);
        NameStatus? status = null;
        try
        {
            status = string.IsNullOrEmpty(Status) ? null : NameStatuses.Parse(Status);
        }
        catch (ValidationException e)
        {
            Error = e.Message;
        }

        if (Selected is not null || Unroutable)
        {
            Names = await console.NamesAsync(viewer, Id, new NameQuery(Selected?.OrganisationId, Unroutable && Selected is null, status, PageNumber, CampaignPages.PageSize),
                cancellationToken);
        }

        return Page();
    }

    /// <summary>This page's address with one query value changed (drill-down and paging links).</summary>
    public string Link(Guid? registry = null, bool unroutable = false, string? status = null, int page = 1)
    {
        var query = new List<string>();
        if (registry is { } r)
        {
            query.Add("registry=" + r);
        }

        if (unroutable)
        {
            query.Add("unroutable=true");
        }

        if (!string.IsNullOrEmpty(status))
        {
            query.Add("status=" + Uri.EscapeDataString(status));
        }

        if (page > 1)
        {
            query.Add("p=" + page);
        }

        return $"/campaigns/{Id}" + (query.Count > 0 ? "?" + string.Join("&", query) : "") + "#names";
    }
}
