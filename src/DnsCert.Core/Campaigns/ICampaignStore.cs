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

/// <summary>What a registry reports about one name of its slice.</summary>
public enum NameOutcome
{
    /// <summary>Received, not yet done.</summary>
    Acknowledged,

    /// <summary>Done: blocked, suspended, sinkholed or transferred as requested.</summary>
    Actioned,

    /// <summary>Will not be done (the detail says why).</summary>
    Refused,
}

public static class NameOutcomes
{
    public static IReadOnlyList<NameOutcome> All { get; } = Enum.GetValues<NameOutcome>();

    public static string Code(this NameOutcome outcome) => outcome switch
    {
        NameOutcome.Acknowledged => "acknowledged",
        NameOutcome.Actioned => "actioned",
        NameOutcome.Refused => "refused",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "not an outcome"),
    };

    public static NameOutcome Parse(string? text, string field = "outcome")
    {
        var wanted = (text ?? "").Trim().ToLowerInvariant();
        foreach (var outcome in All)
        {
            if (outcome.Code() == wanted)
            {
                return outcome;
            }
        }

        // Registries answer in their own words for the same outcomes.
        return wanted switch
        {
            "ack" or "received" => NameOutcome.Acknowledged,
            "done" or "blocked" or "reserved" or "suspended" or "serverhold" or "sinkholed" or "transferred" => NameOutcome.Actioned,
            "rejected" or "declined" => NameOutcome.Refused,
            _ => throw new ValidationException(field, $"'{text}' is not an outcome ({string.Join(", ", All.Select(Code))})"),
        };
    }
}

/// <summary>One name's reported outcome.</summary>
public sealed record ReportedOutcome(string Name, NameOutcome Outcome, string? Detail = null);

/// <summary>A registry's request as its portal page shows it (reached by the signed link).</summary>
public sealed record CampaignRequestView(
    Guid RequestId, Guid CampaignId, string CampaignName, Visibility.Tlp Tlp, CampaignAction Action, IReadOnlyList<string> SinkholeNameServers,
    string? TrustedRegistrar, DateTimeOffset Deadline, string OrganisationName, string Language, IReadOnlyList<string> Tlds,
    IReadOnlyList<RequestName> Names);

/// <summary>One name of a request with what was reported and what the DNS showed.</summary>
public sealed record RequestName(string Name, NameStatus Status, string? ReportedOutcome, DateTimeOffset? ReportedAt, string? DnsState, DateTimeOffset? DnsCheckedAt);

/// <summary>A name to check in the DNS, with its current status (the verifier judges against it).</summary>
public sealed record NameToVerify(string Name, string Tld, NameStatus Status);

/// <summary>What verification needs of a campaign.</summary>
public sealed record VerificationWork(Guid CampaignId, CampaignAction Action, IReadOnlyList<string> SinkholeNameServers, IReadOnlyList<NameToVerify> Names);

/// <summary>
/// A check's result to store: the DNS state and the name's new status. With <paramref name="Prior"/> (the status the
/// judgement was made from) the status is only written if nobody changed it meanwhile: a registry's report that arrived
/// during the check is kept, and judged at the next check.
/// </summary>
public sealed record CheckedName(string Name, DnsState State, string Detail, NameStatus Status, NameStatus? Prior = null);

/// <summary>A name whose last DNS check is older than the verification interval, with what judging it needs.</summary>
public sealed record DueName(Guid CampaignId, string Name, string Tld, NameStatus Status, CampaignAction Action, IReadOnlyList<string> SinkholeNameServers);

/// <summary>Registry reports and DNS checks (the loop back from the registries).</summary>
public interface ICampaignRequestStore
{
    /// <summary>The request a portal link's token opens, or null.</summary>
    Task<CampaignRequestView?> FindByTokenAsync(string token, CancellationToken cancellationToken);

    /// <summary>A request for its audience — staff, and the users of the registry asked (never another registry's) — or null.</summary>
    Task<CampaignRequestView?> GetAsync(Visibility.Viewer viewer, Guid requestId, CancellationToken cancellationToken);

    /// <summary>
    /// Records outcomes for names of one request, all or nothing: a name not in the request refuses the whole report
    /// (ValidationException naming it). Returns how many names changed.
    /// </summary>
    Task<int> ReportAsync(Guid requestId, IReadOnlyList<ReportedOutcome> outcomes, string actor, CancellationToken cancellationToken);

    Task<VerificationWork?> NamesToVerifyAsync(Visibility.Viewer viewer, Guid campaignId, CancellationToken cancellationToken);

    Task RecordChecksAsync(Guid campaignId, IReadOnlyList<CheckedName> checks, CancellationToken cancellationToken);

    /// <summary>
    /// For the verification schedule (a system process, no viewer): routed names of active campaigns (deadline after
    /// <paramref name="activeSince"/>) never checked or last checked before <paramref name="checkedBefore"/>, oldest
    /// check first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<DueName>> NamesDueAsync(DateTimeOffset checkedBefore, DateTimeOffset activeSince, int limit, CancellationToken cancellationToken);
}
