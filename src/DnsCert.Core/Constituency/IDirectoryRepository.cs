using DnsCert.Core.Visibility;

namespace DnsCert.Core.Constituency;

/// <summary>Who makes a change: the audit log's actor.</summary>
public sealed record DirectoryActor(Guid? UserId, string Name, string? IpAddress)
{
    public static DirectoryActor System { get; } = new(null, Audit.AuditEntry.System, null);
}

/// <summary>Directory search: free text over names and assets, and the filters of the directory page.</summary>
public sealed record DirectorySearch(
    string? Text = null, OrganisationKind? Kind = null, IcannRegion? Region = null, string? Language = null,
    VettingLevel? Vetting = null, int Limit = 100, int Offset = 0)
{
    /// <summary>Other spellings of the text, any of which matches (the console search's A-label and U-label forms of a name).</summary>
    public IReadOnlyList<string>? Spellings { get; init; }
}

public sealed record OrganisationSummary(Guid Id, string Name, OrganisationKind Kind, IcannRegion Region, string? Country,
    IReadOnlyList<string> Languages, VettingLevel Vetting, int Assets, int Contacts);

/// <summary>An organisation with what the viewer may see of it.</summary>
public sealed record OrganisationDetails(
    Organisation Organisation,
    IReadOnlyList<Contact> Contacts,
    IReadOnlyList<Asset> Assets,
    IReadOnlyList<AssetClaim> Claims,
    IReadOnlyList<PendingContactChange> PendingChanges,
    string? BackEndOperatorName,
    IReadOnlyList<RelatedOrganisation> AccreditedRegistrars)
{
    /// <summary>The registries this organisation runs as their back-end operator (the other side of the relationship).</summary>
    public IReadOnlyList<RelatedOrganisation> BackEndFor { get; init; } = [];

    /// <summary>The registries that accredit this organisation as a registrar.</summary>
    public IReadOnlyList<RelatedOrganisation> AccreditedBy { get; init; } = [];
}

/// <summary>A new vetting level and who vouched for it.</summary>
public sealed record VettingChange(VettingLevel Level, string? VouchedBy);

/// <summary>Another organisation named by a relationship (a registry's accredited registrar).</summary>
public sealed record RelatedOrganisation(Guid Id, string Name);

/// <summary>An entry of an organisation's history, read from the audit log.</summary>
public sealed record DirectoryHistoryEntry(DateTimeOffset At, string Actor, string Action, IReadOnlyDictionary<string, string?> Details);

/// <summary>Directory storage. Every read takes the viewer and applies the one visibility predicate.</summary>
public interface IDirectoryRepository
{
    Task<IReadOnlyList<OrganisationSummary>> SearchAsync(Viewer viewer, DirectorySearch search, CancellationToken cancellationToken);

    /// <summary>How many organisations <see cref="SearchAsync"/> would find, counting no further than <paramref name="cap"/>.</summary>
    Task<int> CountAsync(Viewer viewer, DirectorySearch search, int cap, CancellationToken cancellationToken);

    Task<OrganisationDetails?> GetAsync(Viewer viewer, Guid organisationId, CancellationToken cancellationToken);

    Task<Contact?> GetContactAsync(Viewer viewer, Guid contactId, CancellationToken cancellationToken);

    /// <summary>
    /// Every organisation the viewer may see with its visible contacts and assets, in name order, streamed in batches
    /// (no cap: a root-zone import alone is 1,543 organisations, the target a million zones). Claims, pending changes
    /// and relationships are not part of an export and come empty.
    /// </summary>
    IAsyncEnumerable<OrganisationDetails> ExportAsync(Viewer viewer, CancellationToken cancellationToken);

    /// <summary>The ids of every organisation (of a kind) the viewer may see, streamed, no cap — whom a reach test addresses.</summary>
    IAsyncEnumerable<Guid> OrganisationIdsAsync(Viewer viewer, OrganisationKind? kind, CancellationToken cancellationToken);

    Task<IReadOnlyList<DirectoryHistoryEntry>> HistoryAsync(Viewer viewer, Guid organisationId, CancellationToken cancellationToken);

    Task<Guid> CreateOrganisationAsync(OrganisationInput input, DirectoryActor actor, CancellationToken cancellationToken);

    /// <summary>Writes the fields and records them as manual, so later imports leave them alone.</summary>
    Task UpdateOrganisationAsync(Guid organisationId, OrganisationInput input, DirectoryActor actor, CancellationToken cancellationToken);

    /// <summary>The edit page's save: the facts and (when given) the vetting, in one transaction with their audit entries.</summary>
    Task SaveOrganisationAsync(Guid organisationId, OrganisationInput input, VettingChange? vetting, DirectoryActor actor, CancellationToken cancellationToken);

    Task SetVettingAsync(Guid organisationId, VettingLevel level, string? vouchedBy, DirectoryActor actor, CancellationToken cancellationToken);

    Task SetBackEndOperatorAsync(Guid organisationId, Guid? backEndOperatorId, DirectoryActor actor, CancellationToken cancellationToken);

    Task AddAccreditationAsync(Guid registryId, Guid registrarId, DirectoryActor actor, CancellationToken cancellationToken);

    /// <summary>Ends an accreditation; a validation error on <c>registrar</c> when there was none.</summary>
    Task RemoveAccreditationAsync(Guid registryId, Guid registrarId, DirectoryActor actor, CancellationToken cancellationToken);

    Task<Guid> AddContactAsync(Guid organisationId, ContactInput contact, OpenPgpKeyInfo? key, DirectoryActor actor, CancellationToken cancellationToken);

    Task UpdateContactAsync(Guid contactId, ContactInput contact, OpenPgpKeyInfo? key, DirectoryActor actor, CancellationToken cancellationToken);

    Task<Guid> RequestContactChangeAsync(Guid organisationId, Guid? contactId, ContactInput contact, DirectoryActor actor, CancellationToken cancellationToken);

    /// <summary>Applies (or drops) a pending change in one transaction with its audit entry.</summary>
    Task DecideContactChangeAsync(Guid changeId, bool approve, OpenPgpKeyInfo? key, DirectoryActor actor, CancellationToken cancellationToken);

    Task<PendingContactChange?> GetPendingChangeAsync(Guid changeId, CancellationToken cancellationToken);

    Task<Guid> AddAssetAsync(Guid organisationId, AssetKind kind, string value, DirectoryActor actor, CancellationToken cancellationToken);

    /// <exception cref="ValidationException">The organisation already claims or holds this asset (field <c>value</c>).</exception>
    Task<Guid> ClaimAssetAsync(Guid organisationId, AssetKind kind, string value, DirectoryActor actor, CancellationToken cancellationToken);

    Task DecideClaimAsync(Guid claimId, bool approve, DirectoryActor actor, CancellationToken cancellationToken);

    /// <summary>Organisations, the contacts <paramref name="viewer"/> may see, and asset owners, for routing.</summary>
    Task<RoutingSnapshot> LoadRoutingSnapshotAsync(Viewer viewer, CancellationToken cancellationToken);
}
