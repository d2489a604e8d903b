using System.Security.Cryptography;
using System.Text;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Constituency;

/// <summary>An "are you there?" message for one recipient of a reach test, ready for the outbox.</summary>
public sealed record ReachMessage(
    Guid CampaignId, string CampaignName, Guid RecipientId, Guid OrganisationId, string OrganisationName, string ContactName, string Email,
    string Language, Uri AnswerLink);

/// <summary>
/// The port reach tests send through. The notification outbox (issue 8) implements it
/// (Infrastructure/Notifications/OutboxReachMailer): one message per recipient, in their language, with their link.
/// </summary>
public interface IReachMailer
{
    Task SendAsync(ReachMessage message, CancellationToken cancellationToken);
}

public sealed record ReachCampaign(Guid Id, string Name, DateTimeOffset StartedAt, string StartedBy, int Recipients, int Answered);

public sealed record ReachRecipient(Guid Id, Guid OrganisationId, string OrganisationName, Guid ContactId, string ContactName,
    string Email, DateTimeOffset SentAt, DateTimeOffset? AnsweredAt);

/// <summary>A contact nobody has verified for <see cref="ReachTestService.StaleAfter"/>.</summary>
public sealed record StaleContact(Guid ContactId, Guid OrganisationId, string OrganisationName, string Name, string Email, DateOnly? LastVerified);

/// <summary>The reach report: rate per hour since the start, who never answered, stale contacts.</summary>
public sealed record ReachReport(
    ReachCampaign Campaign,
    IReadOnlyList<ReachRecipient> Recipients,
    IReadOnlyList<(DateTimeOffset At, double Rate)> RateOverTime,
    IReadOnlyList<StaleContact> Stale)
{
    public double Rate => Campaign.Recipients == 0 ? 0 : (double)Campaign.Answered / Campaign.Recipients;

    public IEnumerable<ReachRecipient> NeverAnswered => Recipients.Where(r => r.AnsweredAt is null);
}

/// <summary>A recipient created for a campaign, with its token in clear: only the message carries it.</summary>
public sealed record NewReachRecipient(Guid Id, Guid OrganisationId, string OrganisationName, Guid ContactId, string ContactName, string Email, string Language, byte[] TokenHash);

public interface IReachTestStore
{
    /// <summary>Creates the campaign and one recipient per 24x7 contact of the organisations, in one transaction.</summary>
    Task<(Guid CampaignId, IReadOnlyList<NewReachRecipient> Recipients)> CreateAsync(
        string name, IReadOnlyCollection<Guid> organisationIds, Func<byte[]> newTokenHash, DirectoryActor actor, DateTimeOffset at,
        CancellationToken cancellationToken);

    /// <summary>Records the answer for the recipient holding this token hash; false when unknown. A second answer keeps the first time.</summary>
    Task<ReachRecipient?> AnswerAsync(byte[] tokenHash, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Campaigns with their counts of recipients and answers, counting only recipients whose contact the viewer may see.</summary>
    Task<IReadOnlyList<ReachCampaign>> ListAsync(Viewer viewer, CancellationToken cancellationToken);

    Task<ReachCampaign?> GetAsync(Viewer viewer, Guid campaignId, CancellationToken cancellationToken);

    /// <summary>The recipients whose contact the viewer may see (the one visibility predicate on the contact).</summary>
    Task<IReadOnlyList<ReachRecipient>> RecipientsAsync(Viewer viewer, Guid campaignId, CancellationToken cancellationToken);

    Task<IReadOnlyList<StaleContact>> StaleContactsAsync(Viewer viewer, DateOnly verifiedBefore, CancellationToken cancellationToken);
}

/// <summary>
/// Reach tests (issue 7): send every 24x7 contact of a set of organisations a message with a link that only it holds;
/// following the link records the answer. Tokens are 256 random bits; only their SHA-256 is stored.
/// </summary>
public sealed class ReachTestService(IReachTestStore store, IReachMailer mailer, TimeProvider time)
{
    /// <summary>Contacts not verified for this long are stale (issue 7: twelve months).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(365);

    private const int TokenBytes = 32;

    public async Task<Guid> StartAsync(string name, IReadOnlyCollection<Guid> organisationIds, Uri answerBase, DirectoryActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answerBase);
        ArgumentNullException.ThrowIfNull(organisationIds);
        var title = DirectoryValidation.Name(name);
        if (organisationIds.Count == 0)
        {
            throw new ValidationException("organisations", "choose at least one organisation");
        }

        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        byte[] NewTokenHash()
        {
            var token = Base64Url(RandomNumberGenerator.GetBytes(TokenBytes));
            var hash = Hash(token);
            tokens[Convert.ToHexString(hash)] = token;
            return hash;
        }

        var (campaignId, recipients) = await store.CreateAsync(title, organisationIds, NewTokenHash, actor, time.GetUtcNow(), cancellationToken);
        foreach (var recipient in recipients)
        {
            var token = tokens[Convert.ToHexString(recipient.TokenHash)];
            await mailer.SendAsync(new ReachMessage(campaignId, title, recipient.Id, recipient.OrganisationId, recipient.OrganisationName, recipient.ContactName,
                recipient.Email, recipient.Language, new Uri(answerBase, "reach/answer/" + token)), cancellationToken);
        }

        return campaignId;
    }

    public Task<ReachRecipient?> AnswerAsync(string token, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(token) || token.Length > 100
            ? Task.FromResult<ReachRecipient?>(null)
            : store.AnswerAsync(Hash(token), time.GetUtcNow(), cancellationToken);

    public async Task<ReachReport?> ReportAsync(Viewer viewer, Guid campaignId, CancellationToken cancellationToken)
    {
        var campaign = await store.GetAsync(viewer, campaignId, cancellationToken);
        if (campaign is null)
        {
            return null;
        }

        var recipients = await store.RecipientsAsync(viewer, campaignId, cancellationToken);
        var stale = await store.StaleContactsAsync(viewer, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime - StaleAfter), cancellationToken);
        return new ReachReport(campaign, recipients, RateOverTime(campaign, recipients), stale);
    }

    /// <summary>The cumulative answer rate at each answer, starting at zero when the campaign started.</summary>
    public static IReadOnlyList<(DateTimeOffset At, double Rate)> RateOverTime(ReachCampaign campaign, IReadOnlyList<ReachRecipient> recipients)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(recipients);
        var points = new List<(DateTimeOffset, double)> { (campaign.StartedAt, 0) };
        if (recipients.Count == 0)
        {
            return points;
        }

        var answered = 0;
        foreach (var at in recipients.Where(r => r.AnsweredAt is not null).Select(r => r.AnsweredAt!.Value).Order())
        {
            answered++;
            points.Add((at, (double)answered / recipients.Count));
        }

        return points;
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
