using DnsCert.Core;
using DnsCert.Core.Constituency;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Web.Identity;
using DnsCert.Web.Pages.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Directory;

/// <summary>One organisation: facts, assets (with their source), contacts, claims, pending changes, history.</summary>
[Authorize]
public sealed class OrganisationModel(IDirectoryRepository directory, DirectoryService service, DeliveryTracking tracking, IOpenPgpKeyReader keys) : PageModel
{
    /// <summary>Messages listed on the page; the deliveries page shows more.</summary>
    public const int RecentDeliveries = 20;

    public OrganisationDetails? Details { get; private set; }

    public IReadOnlyList<DirectoryHistoryEntry> History { get; private set; } = [];

    public bool MayEdit { get; private set; }

    public bool IsStaff { get; private set; }

    /// <summary>Delivery tracking of the messages sent to the organisation (staff only: subjects can carry TLP:AMBER titles).</summary>
    public DeliveryStatusView? Deliveries { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Contacts whose stored OpenPGP key the mail pipeline cannot encrypt to: their mail is signed, not encrypted.</summary>
    public IReadOnlySet<Guid> SignedOnly { get; private set; } = new HashSet<Guid>();

    public string? ErrorField { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken);

    public async Task<IActionResult> OnPostClaimAsync(Guid id, string kind, string value, CancellationToken cancellationToken)
    {
        try
        {
            await service.ClaimAssetAsync(Viewers.From(User), id, Codes.Parse<AssetKind>(kind, "kind"), value, Viewers.Actor(HttpContext), cancellationToken);
            return RedirectToPage(new { id });
        }
        catch (ValidationException e)
        {
            (Error, ErrorField) = (e.Reason, e.Field);
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }

        return await LoadAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostDecideClaimAsync(Guid id, Guid claim, bool approve, CancellationToken cancellationToken) =>
        await DecideAsync(id, () => service.DecideClaimAsync(Viewers.From(User), claim, approve, Viewers.Actor(HttpContext), cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostDecideChangeAsync(Guid id, Guid change, bool approve, CancellationToken cancellationToken) =>
        await DecideAsync(id, () => service.DecideContactChangeAsync(Viewers.From(User), change, approve, Viewers.Actor(HttpContext), cancellationToken), cancellationToken);

    /// <summary>Sets the registry's back-end operator, named by organisation name or id; <paramref name="remove"/> clears it.</summary>
    public async Task<IActionResult> OnPostBackEndAsync(Guid id, string? backEndOperator, bool remove, CancellationToken cancellationToken) =>
        await DecideAsync(id, async () =>
        {
            var viewer = Viewers.From(User);
            Guid? operatorId = remove ? null : await ResolveAsync(viewer, backEndOperator, "backEndOperator", null, cancellationToken);
            await service.SetBackEndOperatorAsync(viewer, id, operatorId, Viewers.Actor(HttpContext), cancellationToken);
        }, cancellationToken);

    public async Task<IActionResult> OnPostAddRegistrarAsync(Guid id, string? registrar, CancellationToken cancellationToken) =>
        await DecideAsync(id, async () =>
        {
            var viewer = Viewers.From(User);
            var registrarId = await ResolveAsync(viewer, registrar, "registrar", OrganisationKind.Registrar, cancellationToken);
            await service.AddAccreditationAsync(viewer, id, registrarId, Viewers.Actor(HttpContext), cancellationToken);
        }, cancellationToken);

    public async Task<IActionResult> OnPostRemoveRegistrarAsync(Guid id, Guid registrar, CancellationToken cancellationToken) =>
        await DecideAsync(id, () => service.RemoveAccreditationAsync(Viewers.From(User), id, registrar, Viewers.Actor(HttpContext), cancellationToken), cancellationToken);

    /// <summary>
    /// An organisation typed by name (exact, else the only match) or id: a text field stays light where a list of
    /// every registry would weigh a hundred kilobytes.
    /// </summary>
    private async Task<Guid> ResolveAsync(Core.Visibility.Viewer viewer, string? text, string field, OrganisationKind? kind, CancellationToken cancellationToken)
    {
        var typed = text?.Trim();
        if (string.IsNullOrEmpty(typed))
        {
            throw new ValidationException(field, "name the organisation");
        }

        if (Guid.TryParse(typed, out var id))
        {
            return id;
        }

        var matches = await directory.SearchAsync(viewer, new DirectorySearch(Text: typed, Kind: kind, Limit: 20), cancellationToken);
        var exact = matches.Where(m => string.Equals(m.Name, typed, StringComparison.OrdinalIgnoreCase)).ToList();
        return (exact.Count == 1 ? exact : matches) switch
        {
            [var only] => only.Id,
            [] => throw new ValidationException(field, $"no organisation matches '{typed}'"),
            var several => throw new ValidationException(field, $"several organisations match '{typed}': {string.Join(", ", several.Take(5).Select(m => m.Name))}"),
        };
    }

    private async Task<IActionResult> DecideAsync(Guid id, Func<Task> decide, CancellationToken cancellationToken)
    {
        try
        {
            await decide();
            return RedirectToPage(new { id });
        }
        catch (ValidationException e)
        {
            (Error, ErrorField) = (e.Reason, e.Field);
            return await LoadAsync(id, cancellationToken);
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }
    }

    private async Task<IActionResult> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        Details = await directory.GetAsync(viewer, id, cancellationToken);
        if (Details is null)
        {
            return NotFound();
        }

        SignedOnly = Details.Contacts.Where(c => c.OpenPgpKey is not null && !keys.CanEncryptTo(c.OpenPgpKey)).Select(c => c.Id).ToHashSet();
        MayEdit = DirectoryService.MayEditContacts(viewer, id);
        IsStaff = DirectoryService.IsStaff(viewer);
        History = MayEdit ? await directory.HistoryAsync(viewer, id, cancellationToken) : [];
        Deliveries = IsStaff
            ? new DeliveryStatusView(await tracking.CountsAsync(id, cancellationToken), await tracking.ListAsync(id, null, RecentDeliveries, cancellationToken))
            : null;
        return Page();
    }
}
