using DnsCert.Core.Visibility;

namespace DnsCert.Core.Notifications;

/// <summary>Something happened that somebody may need to hear about. <see cref="NotificationRules"/> decides who.</summary>
public abstract record NotificationEvent(Guid OrganisationId, Tlp Tlp, DateTimeOffset OccurredAt);

/// <summary>A health check found a problem with a zone or name server the organisation runs.</summary>
public sealed record FindingEvent(
    Guid OrganisationId, Tlp Tlp, DateTimeOffset OccurredAt, string Zone, string Check, string Severity, string Detail)
    : NotificationEvent(OrganisationId, Tlp, OccurredAt);

/// <summary>An incident the organisation is party to changed status or gained an update.</summary>
public sealed record IncidentUpdateEvent(
    Guid OrganisationId, Tlp Tlp, DateTimeOffset OccurredAt, string Incident, string Title, string Status, string Summary)
    : NotificationEvent(OrganisationId, Tlp, OccurredAt);

/// <summary>We ask the organisation to act (take down, re-sign, fix a delegation) by a due time; <paramref name="Link"/> acknowledges.</summary>
public sealed record CoordinationRequestEvent(
    Guid OrganisationId, Tlp Tlp, DateTimeOffset OccurredAt, string Request, string Incident, string Title, string Action, DateTimeOffset Due, string Link = "")
    : NotificationEvent(OrganisationId, Tlp, OccurredAt);

/// <summary>The organisation's share of a mass action (Conficker-style): the domains it should act on.</summary>
public sealed record CampaignSliceEvent(
    Guid OrganisationId, Tlp Tlp, DateTimeOffset OccurredAt, string Campaign, string Title, IReadOnlyList<string> Domains, DateTimeOffset Due)
    : NotificationEvent(OrganisationId, Tlp, OccurredAt);

/// <summary>
/// A registry's slice of a campaign as one coordination request: the names are behind <paramref name="Link"/> (portal
/// page with the CSV), so one message serves a slice of any size.
/// </summary>
public sealed record CampaignRequestEvent(
    Guid OrganisationId, Tlp Tlp, DateTimeOffset OccurredAt, string Campaign, string Request, string Title, string Action,
    string ActionDetail, int Count, string Tlds, DateTimeOffset Due, Uri Link, string? SliceFileName = null, string? SliceCsv = null)
    : NotificationEvent(OrganisationId, Tlp, OccurredAt);

/// <summary>A reach test: does the contact still read mail? They answer by replying.</summary>
public sealed record ReachTestEvent(Guid OrganisationId, Tlp Tlp, DateTimeOffset OccurredAt, string Test, string ContactRole, DateTimeOffset Due)
    : NotificationEvent(OrganisationId, Tlp, OccurredAt);

/// <summary>An augmenter's or duty officer's on-call shift starts soon.</summary>
public sealed record ShiftReminderEvent(
    Guid OrganisationId, Tlp Tlp, DateTimeOffset OccurredAt, string Shift, DateTimeOffset Starts, DateTimeOffset Ends, string TimeZone)
    : NotificationEvent(OrganisationId, Tlp, OccurredAt);
