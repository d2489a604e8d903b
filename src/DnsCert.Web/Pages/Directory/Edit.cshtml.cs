using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Directory;

/// <summary>
/// Staff edit an organisation's facts (recorded as manual, so imports leave them) and its vetting, saved together in
/// one transaction (<see cref="DirectoryService.SaveOrganisationAsync"/>).
/// </summary>
[Authorize(Roles = $"{Roles.Administrator},{Roles.DutyOfficer},{Roles.IncidentHandler},{Roles.Analyst}")]
public sealed class EditModel(IDirectoryRepository directory, DirectoryService service) : PageModel
{
    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public string Kind { get; set; } = "";

    [BindProperty]
    public string Region { get; set; } = "";

    [BindProperty]
    public string? Country { get; set; }

    [BindProperty]
    public string? Languages { get; set; }

    [BindProperty]
    public string? TimeZone { get; set; }

    [BindProperty]
    public bool ResourceConstrained { get; set; }

    [BindProperty]
    public string Vetting { get; set; } = "";

    [BindProperty]
    public string? VouchedBy { get; set; }

    public Guid OrganisationId { get; private set; }

    public string? ErrorField { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var details = await directory.GetAsync(Viewers.From(User), id, cancellationToken);
        if (details is null)
        {
            return NotFound();
        }

        var o = details.Organisation;
        OrganisationId = id;
        (Name, Kind, Region, Country, Languages, TimeZone, ResourceConstrained, Vetting, VouchedBy) =
            (o.Name, o.Kind.ToCode(), o.Region.ToCode(), o.Country, string.Join(' ', o.Languages), o.TimeZone, o.ResourceConstrained, o.Vetting.ToCode(), o.VouchedBy);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        OrganisationId = id;
        var viewer = Viewers.From(User);
        var actor = Viewers.Actor(HttpContext);
        try
        {
            var input = new OrganisationInput(Name, Codes.Parse<OrganisationKind>(Kind, "kind"),
                Codes.Parse<IcannRegion>(Region, "region"), Country, (Languages ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries),
                TimeZone ?? "", ResourceConstrained);
            await service.SaveOrganisationAsync(viewer, id, input, Codes.Parse<VettingLevel>(Vetting, "vetting"), VouchedBy, actor, cancellationToken);
            return Redirect($"/directory/{id}");
        }
        catch (ValidationException e)
        {
            (ErrorField, Error) = (e.Field, e.Reason);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
    }

    public string? ErrorFor(string field) => ErrorField == field ? Error : null;
}
