using DnsCert.Core.Visibility;

namespace DnsCert.Core.Campaigns;

/// <summary>
/// Where an upload goes: a new campaign (its first day of names) or another day of an existing one. The actor is
/// who uploads, as the audit log names them.
/// </summary>
public sealed record CampaignUploadTarget(Viewer Viewer, string Actor, CampaignDraft? NewCampaign, Guid? CampaignId, DateOnly Day, string? FileName = null)
{
    public static CampaignUploadTarget Create(Viewer viewer, string actor, CampaignDraft draft, DateOnly day, string? fileName = null) =>
        new(viewer, actor, draft, null, day, fileName);

    public static CampaignUploadTarget AddTo(Viewer viewer, string actor, Guid campaignId, DateOnly day, string? fileName = null) =>
        new(viewer, actor, null, campaignId, day, fileName);
}

/// <summary>What the reader saw: the upload's identity and size, before de-duplication.</summary>
public sealed record UploadFacts(string ContentHash, long Lines, long Names);

/// <summary>One registry's share of one upload: one coordination request.</summary>
public sealed record SliceSummary(Guid RequestId, Guid OrganisationId, string OrganisationName, string Language, int Names, IReadOnlyList<string> Tlds);

/// <summary>
/// The outcome of an upload. <see cref="AlreadyUploaded"/>: the same content was uploaded before (to this campaign,
/// or as this campaign's first day), so nothing new was written and the earlier result is returned.
/// </summary>
public sealed record CampaignUploadResult(
    Guid CampaignId, Guid UploadId, bool AlreadyUploaded, long Lines, long Names, long NewNames, long Duplicates,
    IReadOnlyList<SliceSummary> Slices, long Unroutable, IReadOnlyList<string> UnroutableTlds);

/// <summary>
/// One upload being written: every name goes to the store as it is read (nothing is held in memory), and only
/// <see cref="CommitAsync"/> makes any of it visible. Disposing without committing writes nothing.
/// </summary>
public interface ICampaignUploadWriter : IAsyncDisposable
{
    ValueTask WriteAsync(RoutedName name, CancellationToken cancellationToken);

    /// <summary>De-duplicates, creates one request per registry, queues its notification, commits — one transaction.</summary>
    Task<CampaignUploadResult> CommitAsync(UploadFacts facts, IReadOnlyDictionary<Guid, RegistryParty> registries, CancellationToken cancellationToken);
}

/// <summary>A campaign in a list.</summary>
public sealed record CampaignSummary(
    Guid Id, string Name, Tlp Tlp, CampaignAction Action, DateTimeOffset Deadline, DateTimeOffset CreatedAt, long Names, long Unroutable,
    long Verified);

/// <summary>Coverage of one registry: how far its names got, laggards first.</summary>
public sealed record RegistryCoverage(
    Guid OrganisationId, string OrganisationName, string Language, IReadOnlyList<string> Tlds,
    long Requested, long Acknowledged, long Actioned, long Verified, long Contradicted)
{
    public long Total => Requested + Acknowledged + Actioned + Verified + Contradicted;

    /// <summary>Share of names verified in the DNS, 0 to 1.</summary>
    public double VerifiedShare => Total == 0 ? 0 : (double)Verified / Total;
}

/// <summary>A campaign with its coverage per registry.</summary>
public sealed record CampaignView(
    Guid Id, string Name, Tlp Tlp, CampaignAction Action, DateTimeOffset Deadline, int NamesPerDay,
    IReadOnlyList<string> SinkholeNameServers, string? TrustedRegistrar, string? Description, DateTimeOffset CreatedAt,
    IReadOnlyList<RegistryCoverage> Registries, long Unroutable, IReadOnlyList<string> UnroutableTlds, int Uploads);

/// <summary>Campaigns in storage. Every read takes the viewer and passes the one visibility predicate.</summary>
public interface ICampaignStore
{
    /// <summary>Starts an upload; refuses (ValidationException) an existing campaign the viewer cannot see.</summary>
    Task<ICampaignUploadWriter> BeginUploadAsync(CampaignUploadTarget target, CancellationToken cancellationToken);

    Task<IReadOnlyList<CampaignSummary>> ListAsync(Viewer viewer, CancellationToken cancellationToken);

    Task<CampaignView?> GetAsync(Viewer viewer, Guid id, CancellationToken cancellationToken);
}

/// <summary>Ordering coverage: the registries furthest behind come first.</summary>
public static class CampaignCoverage
{
    /// <summary>0 (nothing acknowledged) to 3 (everything verified): acknowledged counts 1, actioned 2, verified 3 per name.</summary>
    public static double Progress(RegistryCoverage coverage)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        return coverage.Total == 0 ? 0
            : (double)(coverage.Acknowledged + (2 * coverage.Actioned) + (3 * coverage.Verified)) / coverage.Total;
    }
}
