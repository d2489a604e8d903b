using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Search;
using DnsCert.Web.Identity;

namespace DnsCert.Web.Api;

/// <summary>
/// <c>GET /api/v1/search?q=</c>: the console search for scripts. Same query rules and same visibility as the page:
/// every kind is read through the predicate for the caller; an empty or overlong query is a 400 naming <c>q</c>.
/// </summary>
public static class SearchApi
{
    public sealed record Hit(string Title, string? Detail, string Link);

    public sealed record Group(string Kind, int Count, bool CountCapped, IReadOnlyList<Hit> Hits);

    public sealed record Results(string Query, IReadOnlyList<Group> Groups);

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/search", async Task<IResult> (HttpContext http, ISearchStore search, string? q, int? limit, CancellationToken ct) =>
            {
                try
                {
                    var results = await search.SearchAsync(Viewers.From(http.User), SearchQuery.Parse(q, limit ?? SearchQuery.DefaultPerKind), ct);
                    return TypedResults.Ok(ToResults(results));
                }
                catch (ValidationException e)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Reason] }, detail: $"{e.Field}: {e.Reason}");
                }
            })
            .RequireAuthorization(ApiScopes.Read)
            .WithTags("Search")
            .WithName("Search")
            .WithSummary("Search organisations, zones, incidents, campaigns and (staff) contacts the caller may see.")
            .WithDescription("q: a name (U-label or A-label, any case, final dot optional), an incident number (#123 or 123), a campaign name " +
                             "or (staff) a contact's e-mail address; 1 to 253 characters. limit: hits listed per kind, 1 to 100 (default 20). " +
                             "Each group's count stops at 1000 (countCapped).")
            .Produces<Results>()
            .ProducesValidationProblem();
        return endpoints;
    }

    public static Results ToResults(SearchResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new Results(results.Query, [.. results.Groups.Select(g => new Group(Kind(g.Kind), Math.Min(g.Count, SearchQuery.CountLimit), g.CountCapped,
            [.. g.Hits.Select(h => new Hit(h.Title, h.Detail, h.Link))]))]);
    }

    public static string Kind(SearchKind kind) => kind switch
    {
        SearchKind.Organisation => "organisation",
        SearchKind.Zone => "zone",
        SearchKind.Incident => "incident",
        SearchKind.Campaign => "campaign",
        SearchKind.Contact => "contact",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
