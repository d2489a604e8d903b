using DnsCert.Core;
using DnsCert.Core.Constituency;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Directory;

/// <summary>
/// Add or change a contact. Every field is checked before anything is saved; the first bad field is shown next to
/// its input. A constituent's change to a 24x7 contact is held for staff approval.
/// </summary>
[Authorize]
public sealed class ContactModel(IDirectoryRepository directory, DirectoryService service) : PageModel
{
    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public bool IsRoleMailbox { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    [BindProperty]
    public string Email { get; set; } = "";

    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string? Language { get; set; }

    [BindProperty]
    public string? OpenPgpKey { get; set; }

    [BindProperty]
    public string? WorkingHours { get; set; }

    [BindProperty]
    public DateOnly? LastVerified { get; set; }

    public string OrganisationName { get; private set; } = "";

    public Guid OrganisationId { get; private set; }

    public string? ErrorField { get; private set; }

    public string? Error { get; private set; }

    public bool Pending { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? contactId, CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        if (!DirectoryService.MayEditContacts(viewer, id))
        {
            return Forbid();
        }

        var organisation = await directory.GetAsync(viewer, id, cancellationToken);
        if (organisation is null)
        {
            return NotFound();
        }

        (OrganisationId, OrganisationName) = (id, organisation.Organisation.Name);
        if (contactId is { } cid)
        {
            var contact = organisation.Contacts.FirstOrDefault(c => c.Id == cid);
            if (contact is null)
            {
                return NotFound();
            }

            (Name, IsRoleMailbox, Roles, Email, Phone, Language, OpenPgpKey, WorkingHours, LastVerified) =
                (contact.Name, contact.IsRoleMailbox, [.. contact.Roles.Select(r => r.ToCode())], contact.Email, contact.Phone,
                 contact.Language, contact.OpenPgpKey, contact.WorkingHours, contact.LastVerified);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, Guid? contactId, CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        var organisation = await directory.GetAsync(viewer, id, cancellationToken);
        if (organisation is null)
        {
            return NotFound();
        }

        (OrganisationId, OrganisationName) = (id, organisation.Organisation.Name);
        try
        {
            var input = new ContactInput(Name, IsRoleMailbox, [.. Roles.Select(r => Codes.Parse<ContactRole>(r, "roles"))], Email, Phone, Language,
                OpenPgpKey, WorkingHours, LastVerified);
            var outcome = await service.SaveContactAsync(viewer, id, contactId, input, Viewers.Actor(HttpContext), cancellationToken);
            if (outcome.Pending)
            {
                Pending = true;
                return Page();
            }

            return Redirect($"/directory/{id}");
        }
        catch (ValidationException e)
        {
            (ErrorField, Error) = (e.Field, e.Reason);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }
    }

    public string? ErrorFor(string field) => ErrorField == field ? Error : null;
}
