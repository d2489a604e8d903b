using DnsCert.Core;
using DnsCert.Core.Attention;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Attention;

/// <summary>
/// The notification panel: what needs the signed-in person's attention, unread first. (The /notifications pages are
/// the outgoing mail's delivery log; this is the person's own in-console list.)
/// </summary>
[Authorize]
public sealed class IndexModel(IAttentionStore attention) : PageModel
{
    /// <summary>Items shown; older read ones fall off the end.</summary>
    public const int Limit = 100;

    public IReadOnlyList<AttentionItem> Items { get; private set; } = [];

    public string? Done { get; private set; }

    public string? Error { get; private set; }

    public string Local(DateTimeOffset at) => Localization.PersonTime.Format(User, at);

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Done = done is "read" or "all-read" ? done : null;
        Items = await attention.ListAsync(Viewers.From(User), Limit, cancellationToken);
    }

    public async Task<IActionResult> OnPostReadAsync(string? item, CancellationToken cancellationToken)
    {
        try
        {
            await attention.MarkReadAsync(Viewers.From(User), item ?? "", cancellationToken);
            return Redirect("/attention?done=read");
        }
        catch (ValidationException e)
        {
            Error = e.Reason;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Items = await attention.ListAsync(Viewers.From(User), Limit, cancellationToken);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostAllReadAsync(CancellationToken cancellationToken)
    {
        await attention.MarkAllReadAsync(Viewers.From(User), cancellationToken);
        return Redirect("/attention?done=all-read");
    }
}
