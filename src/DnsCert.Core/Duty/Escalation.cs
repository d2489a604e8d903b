namespace DnsCert.Core.Duty;

/// <summary>The ladder a page climbs when nobody acknowledges it: duty officer → backup → head of operations.</summary>
public enum EscalationLevel
{
    DutyOfficer = 0,
    Backup = 1,
    HeadOfOperations = 2,
}

/// <summary>A page: something needs a person now. Acknowledged by a person (console, API, or an SMS/phone gateway).</summary>
public sealed record DutyPage(
    Guid Id, long Number, string? Region, string Subject, string Body, string? Reference, DateTimeOffset CreatedAt,
    EscalationLevel Level, DateTimeOffset? NextEscalationAt, DateTimeOffset? AcknowledgedAt, Guid? AcknowledgedBy, string? AcknowledgedVia,
    IReadOnlyList<PageNotice> Notices);

/// <summary>One person told at one level, by one channel (the outbox's idempotency key makes it once).</summary>
public sealed record PageNotice(EscalationLevel Level, Guid PersonId, string Channel, DateTimeOffset At);

/// <summary>Settings of the <c>Duty</c> section.</summary>
public sealed class DutyOptions
{
    public const string SectionName = "Duty";

    /// <summary>Minutes a level has to acknowledge before the page climbs to the next one.</summary>
    public int AcknowledgeWithinMinutes { get; set; } = 15;

    /// <summary>How often every server instance looks for pages due to escalate.</summary>
    public int PollSeconds { get; set; } = 15;

    /// <summary>SMS/phone gateway: every page notice is also posted here, signed (X-DnsCert-Signature). Optional.</summary>
    public Uri? PageWebhookUrl { get; set; }

    public TimeSpan AcknowledgeWithin => TimeSpan.FromMinutes(AcknowledgeWithinMinutes);

    public IEnumerable<string> Validate()
    {
        if (AcknowledgeWithinMinutes is < 1 or > 1440)
        {
            yield return "Duty:AcknowledgeWithinMinutes must be between 1 and 1440";
        }

        if (PollSeconds is < 1 or > 3600)
        {
            yield return "Duty:PollSeconds must be between 1 and 3600";
        }

        if (PageWebhookUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http")))
        {
            yield return "Duty:PageWebhookUrl must be an absolute http(s) URL";
        }
    }
}

/// <summary>Whom each rung of the ladder names, given who is on duty when the page reaches it.</summary>
public static class EscalationLadder
{
    public const EscalationLevel Top = EscalationLevel.HeadOfOperations;

    /// <summary>
    /// The people to tell at <paramref name="level"/>: the duty officer, the backup, or every head of operations. A
    /// rung with nobody (no backup on the roster) returns an empty list and the caller climbs on at once.
    /// </summary>
    public static IReadOnlyList<DutyPerson> Targets(EscalationLevel level, OnDutyStatus status, IReadOnlyList<DutyPerson> heads)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(heads);
        return level switch
        {
            EscalationLevel.DutyOfficer => status.Officer is { } o ? [o.Person] : [],
            EscalationLevel.Backup => status.Backup is { } b ? [b.Person] : [],
            _ => heads,
        };
    }

    public static string Name(this EscalationLevel level) => level switch
    {
        EscalationLevel.DutyOfficer => "duty-officer",
        EscalationLevel.Backup => "backup",
        _ => "head-of-operations",
    };
}

/// <summary>Raise and acknowledge pages (implemented over PostgreSQL and the notification outbox).</summary>
public interface IDutyPager
{
    /// <summary>
    /// Pages whoever is on duty in <paramref name="region"/> (globally when null) now; the same non-null
    /// <paramref name="reference"/> pages once (an incident id: raising it again returns the existing page).
    /// </summary>
    Task<DutyPage> PageAsync(string? region, string subject, string body, string? reference, CancellationToken cancellationToken = default);

    /// <summary>Stops the escalation. False when the page was acknowledged already (the first acknowledgement counts).</summary>
    Task<bool> AcknowledgeAsync(Guid pageId, Guid personId, string via, CancellationToken cancellationToken = default);

    Task<DutyPage?> FindAsync(Guid pageId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DutyPage>> ListAsync(bool openOnly, int limit, CancellationToken cancellationToken = default);

    /// <summary>Climbs every page whose acknowledgement is late by one rung; returns how many climbed.</summary>
    Task<int> EscalateDueAsync(CancellationToken cancellationToken = default);
}
