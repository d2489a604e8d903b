using DnsCert.Core;
using DnsCert.Core.Search;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Search;

/// <summary>The console search's results, grouped by kind with counts; only what the visibility predicate lets the viewer see.</summary>
[Authorize]
public sealed class IndexModel(ISearchStore search) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public SearchResults? Results { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // The page opened without a query shows the form; an empty query submitted is an error (model binding makes both null).
        if (!Request.Query.ContainsKey("q"))
        {
            return;
        }

        try
        {
            Results = await search.SearchAsync(Viewers.From(User), SearchQuery.Parse(Q), cancellationToken);
        }
        catch (ValidationException e)
        {
            Error = e.Reason;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
