using DnsCert.Core.Visibility;

namespace DnsCert.Core.Search;

/// <summary>The console search over organisations, zones, incidents, campaigns and (staff) contacts.</summary>
public interface ISearchStore
{
    /// <summary>
    /// Every kind is read through the one visibility predicate for <paramref name="viewer"/>: a record the viewer may
    /// not see is neither listed nor counted.
    /// </summary>
    Task<SearchResults> SearchAsync(Viewer viewer, SearchQuery query, CancellationToken cancellationToken);
}
