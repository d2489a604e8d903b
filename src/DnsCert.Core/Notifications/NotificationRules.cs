using System.Globalization;

namespace DnsCert.Core.Notifications;

/// <summary>
/// Turns events into directives: whom to tell (contact role), with which template, how long to wait for more of the
/// same (aggregation window) — separate from sending, as IntelMQ separates its rules expert from mailgen.
/// </summary>
public sealed class NotificationRules(NotificationRulesOptions options)
{
    /// <summary>A campaign slice larger than this is split over several messages (one mail stays readable).</summary>
    public const int MaxDomainsPerCampaignMessage = 500;

    public IReadOnlyList<Directive> Apply(NotificationEvent notificationEvent)
    {
        ArgumentNullException.ThrowIfNull(notificationEvent);
        var at = notificationEvent.OccurredAt;
        return notificationEvent switch
        {
            // Several findings for one operator within the window become one message.
            FindingEvent e => [new Directive(e.OrganisationId, "technical", NotificationKind.Finding, e.Tlp,
                $"finding:{e.OrganisationId:N}", at + options.FindingWindow,
                Values(("zone", e.Zone), ("check", e.Check), ("severity", e.Severity), ("detail", e.Detail), ("observed", Time(e.OccurredAt))))],
            IncidentUpdateEvent e => [new Directive(e.OrganisationId, "security", NotificationKind.IncidentUpdate, e.Tlp,
                $"incident:{e.Incident}:{at.UtcTicks}", at,
                Values(("incident", e.Incident), ("title", e.Title), ("status", e.Status), ("summary", e.Summary)), e.Incident)],
            CoordinationRequestEvent e => [new Directive(e.OrganisationId, "security", NotificationKind.CoordinationRequest, e.Tlp,
                $"request:{e.Request}", at,
                Values(("request", e.Request), ("incident", e.Incident), ("title", e.Title), ("action", e.Action), ("due", Time(e.Due)), ("link", e.Link)), e.Request)],
            CampaignSliceEvent e => [.. e.Domains.Distinct(StringComparer.OrdinalIgnoreCase).Select((domain, i) => new Directive(
                e.OrganisationId, "abuse", NotificationKind.CampaignSlice, e.Tlp,
                $"campaign:{e.Campaign}:{i / MaxDomainsPerCampaignMessage}", at + options.CampaignWindow,
                Values(("campaign", e.Campaign), ("title", e.Title), ("domain", domain), ("due", Time(e.Due))), e.Campaign))],
            CampaignRequestEvent e => [new Directive(e.OrganisationId, "abuse", NotificationKind.CampaignRequest, e.Tlp,
                $"campaign-request:{e.Request}", at,
                WithAttachment(Values(("campaign", e.Campaign), ("title", e.Title), ("action", e.Action), ("detail", e.ActionDetail),
                    ("names", e.Count.ToString(CultureInfo.InvariantCulture)), ("tlds", e.Tlds), ("due", Time(e.Due)), ("link", e.Link.AbsoluteUri)),
                    e.SliceFileName, e.SliceCsv), e.Campaign)],
            ReachTestEvent e => [new Directive(e.OrganisationId, e.ContactRole, NotificationKind.ReachTest, e.Tlp,
                $"reach:{e.Test}", at, Values(("test", e.Test), ("due", Time(e.Due))), e.Test)],
            ShiftReminderEvent e => [new Directive(e.OrganisationId, "on-call", NotificationKind.ShiftReminder, e.Tlp,
                $"shift:{e.Shift}", at, Values(("shift", e.Shift), ("starts", Time(e.Starts)), ("ends", Time(e.Ends)), ("timezone", e.TimeZone)))],
            _ => throw new ArgumentOutOfRangeException(nameof(notificationEvent), notificationEvent.GetType().Name, "no rule for this event"),
        };
    }

    private static Dictionary<string, string> Values(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value ?? "", StringComparer.Ordinal);

    private static Dictionary<string, string> WithAttachment(Dictionary<string, string> item, string? name, string? content)
    {
        if (!string.IsNullOrEmpty(name) && content is { Length: > 0 and <= NotificationAttachments.MaxContentLength })
        {
            item[NotificationAttachments.NameKey] = name;
            item[NotificationAttachments.ContentKey] = content;
        }

        return item;
    }

    // UTC in ISO 8601: unambiguous in every language and time zone.
    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>Aggregation windows and per-recipient throttling (section <c>Notifications:Rules</c>).</summary>
public sealed class NotificationRulesOptions
{
    /// <summary>Findings for one operator are collected this long before one message goes out.</summary>
    public TimeSpan FindingWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A campaign slice is collected this long (domains arrive in batches).</summary>
    public TimeSpan CampaignWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many messages to one recipient address per <see cref="ThrottleWindow"/>; more wait.</summary>
    public int MaxMessagesPerRecipient { get; set; } = 20;

    public TimeSpan ThrottleWindow { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Per-recipient throttling: when the next message to a recipient may leave.</summary>
public static class RecipientThrottle
{
    /// <summary>
    /// Given the send times of recent messages to one recipient (any order), the earliest time a new one may be sent
    /// so that no <paramref name="window"/> holds more than <paramref name="limit"/> messages.
    /// </summary>
    public static DateTimeOffset NextAllowed(IEnumerable<DateTimeOffset> recent, DateTimeOffset wanted, int limit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var times = recent.Where(t => t > wanted - window).OrderBy(t => t).ToList();
        if (times.Count < limit)
        {
            return wanted;
        }

        // The message that must age out of the window before another may go.
        return times[times.Count - limit] + window;
    }
}
