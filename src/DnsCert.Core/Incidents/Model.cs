using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Incidents;

/// <summary>The triage facts of an incident: RSIT class and type, FIRST DNS technique, scope × effect → severity, TLP, PAP.</summary>
public sealed record Triage(
    RsitClassification Classification,
    DnsAbuseTechnique Technique,
    ImpactScope Scope,
    ImpactEffect Effect,
    Severity Severity,
    bool SeverityOverridden,
    Tlp Tlp,
    Pap Pap)
{
    /// <summary>Triage from the matrix: severity is what scope × effect say.</summary>
    public static Triage FromMatrix(RsitClassification classification, DnsAbuseTechnique technique, ImpactScope scope, ImpactEffect? effect, Tlp tlp, Pap pap)
    {
        var e = effect ?? SeverityMatrix.DefaultEffect(classification, technique);
        return new Triage(classification, technique, scope, e, SeverityMatrix.Assess(scope, e), false, tlp, pap);
    }

    /// <summary>The same triage with a person's severity instead of the matrix's (recorded as an override).</summary>
    public Triage WithSeverity(Severity? severity) =>
        severity is { } s && s != SeverityMatrix.Assess(Scope, Effect) ? this with { Severity = s, SeverityOverridden = true } : this with { Severity = SeverityMatrix.Assess(Scope, Effect), SeverityOverridden = false };

    public string Describe() =>
        $"{Classification} · {Codes.ToCode(Technique)} · {Codes.ToCode(Scope)}/{Codes.ToCode(Effect)} → {Codes.ToCode(Severity)}{(SeverityOverridden ? " (override)" : "")} · {Tlp.ToLabel()} · {Pap.ToLabel()}";
}

/// <summary>An organisation the incident concerns, found by routing its assets (or named by a handler), and in which capacity.</summary>
public sealed record AffectedOrganisation(Guid OrganisationId, string Name, string Role, IcannRegion Region);

/// <summary>One row of the queue.</summary>
public sealed record IncidentSummary(
    long Id,
    string Title,
    IncidentState State,
    Triage Triage,
    Guid? AssigneeId,
    string? AssigneeName,
    DateTimeOffset OpenedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? FirstResponseAt,
    DateTimeOffset? ResolvedAt,
    int Reports,
    int OpenRequests,
    string Source)
{
    public string Reference => IncidentReferences.Format(Id);

    public IReadOnlyList<ClockReading> Clocks(DateTimeOffset now) =>
        SlaPolicy.ReadAll(Triage.Severity, OpenedAt, AcknowledgedAt, FirstResponseAt, ResolvedAt, now);
}

/// <summary>An incident with everything its page shows; every part already filtered by the visibility predicate.</summary>
public sealed record IncidentDetails(
    IncidentSummary Summary,
    string Description,
    string? DedupKey,
    long? MergedInto,
    IReadOnlyList<AffectedOrganisation> Affected,
    IReadOnlyList<string> Assets,
    IReadOnlyList<Guid> RecipientUsers,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<IncidentTask> Tasks,
    IReadOnlyList<CoordinationRequest> Requests,
    IReadOnlyList<ReportSummary> Reports,
    string? AfterAction);

/// <summary>One timeline entry: what happened, when, by whom. Internal entries are for the core team only.</summary>
public sealed record TimelineEntry(long Id, long IncidentId, DateTimeOffset At, TimelineKind Kind, Guid? ActorId, string Actor, string Text, bool Internal);

public sealed record IncidentTask(long Id, long IncidentId, string Title, Guid? AssigneeId, string? AssigneeName, DateTimeOffset? Due,
    TaskStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? DoneAt);

/// <summary>A request to an outside party (VINCE's per-party status): its own lifecycle, its own acknowledgement link.</summary>
public sealed record CoordinationRequest(
    Guid Id, long IncidentId, Guid OrganisationId, string OrganisationName, string Recipient, string Language, string Action, DateTimeOffset Due,
    RequestStatus Status, string? Reason, DateTimeOffset CreatedAt, DateTimeOffset StatusChangedAt, long? Ticket);

/// <summary>An inbound report (RTIR's incident report): mail, the public form, a constituent, the API or monitoring.</summary>
public sealed record ReportSummary(
    long Id, DateTimeOffset CreatedAt, string Source, string Sender, string Subject, string Status, long? IncidentId, Tlp Tlp, DateTimeOffset? ConfirmedAt);

public sealed record ReportDetails(ReportSummary Summary, string Body, Guid? ReporterOrganisation, string? ReporterOrganisationName, IReadOnlyList<string> Assets);

/// <summary>Where a report came from.</summary>
public static class ReportSources
{
    public const string Mail = "mail";
    public const string PublicForm = "public-form";
    public const string Portal = "portal";
    public const string Api = "api";
    public const string Monitoring = "monitoring";
}

/// <summary>Incidents are numbered; people say "INC-42".</summary>
public static class IncidentReferences
{
    public static string Format(long id) => "INC-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Which part of the queue (the tabs of the queue page).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<QueueView>))]
public enum QueueView
{
    Active,
    New,
    Unassigned,
    Late,
    Mine,
    Closed,
}

/// <summary>Who did something: a person or the platform (actor id null, name "system").</summary>
public sealed record IncidentActor(Guid? Id, string Name)
{
    public static IncidentActor System { get; } = new(null, Audit.AuditEntry.System);
}
