using DnsCert.Core.Visibility;

namespace DnsCert.Core.Incidents;

/// <summary>A new incident as triage opened it.</summary>
public sealed record NewIncident(
    string Title,
    string Description,
    Triage Triage,
    IReadOnlyList<string> Assets,
    IReadOnlyList<AffectedOrganisation> Affected,
    IReadOnlyList<Guid> RecipientUsers,
    IReadOnlyList<long> Reports,
    string Source,
    string? DedupKey,
    DutyOfficer? Assignee,
    Guid? CreatedBy);

/// <summary>
/// A new inbound report. <see cref="ConfirmationHash"/> and <see cref="ConfirmationLink"/>: the public form's e-mail
/// confirmation (only the hash is stored; the link goes out once, in the confirmation message queued with the report).
/// </summary>
public sealed record NewReport(
    string Source, string Sender, string Subject, string Body, Tlp Tlp, Guid? ReporterOrganisation, Guid? CreatedBy,
    IReadOnlyList<string> Assets, byte[]? ConfirmationHash, string Language = "en", Uri? ConfirmationLink = null);

/// <summary>
/// Where incidents live (PostgreSQL in Infrastructure). Every command is one transaction: the change and its timeline
/// entry are written together or not at all. Reads take the <see cref="Viewer"/> and go through the one visibility
/// predicate; writes assume <see cref="IncidentService"/> checked the actor's right to make them.
/// </summary>
public interface IIncidentStore
{
    Task<long> AddReportAsync(NewReport report, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Marks the report holding this confirmation token confirmed; null when the token is unknown.</summary>
    Task<ReportSummary?> ConfirmReportAsync(byte[] tokenHash, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReportSummary>> ReportsAsync(Viewer viewer, bool unlinkedOnly, int limit, CancellationToken cancellationToken);

    Task<ReportDetails?> GetReportAsync(Viewer viewer, long reportId, CancellationToken cancellationToken);

    Task<long> OpenAsync(NewIncident incident, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<IncidentSummary>> QueueAsync(Viewer viewer, QueueView view, DateTimeOffset now, int limit, CancellationToken cancellationToken);

    Task<IncidentDetails?> GetAsync(Viewer viewer, long incidentId, CancellationToken cancellationToken);

    /// <summary>Moves the incident (checked against <see cref="IncidentLifecycle"/> under a row lock) and stamps its clocks.</summary>
    Task ChangeStateAsync(long incidentId, IncidentState target, string? note, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    Task TriageAsync(long incidentId, Triage triage, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Assigns (null: unassigns). The first assignment acknowledges the incident.</summary>
    Task AssignAsync(long incidentId, DutyOfficer? assignee, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    Task CommentAsync(long incidentId, string text, bool isInternal, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    Task LinkReportAsync(long incidentId, long reportId, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    Task<long> AddTaskAsync(long incidentId, string title, DutyOfficer? assignee, DateTimeOffset? due, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    Task CompleteTaskAsync(long incidentId, long taskId, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a coordination request to the organisation's 24x7 contact and queues its message (with the
    /// acknowledgement link <paramref name="ackBase"/> + token) in the same transaction; stamps first response.
    /// </summary>
    Task<Guid> AddRequestAsync(long incidentId, Guid organisationId, string action, DateTimeOffset due, Uri ackBase, IncidentActor actor,
        DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The party followed its link: the request becomes acknowledged (a second time changes nothing).</summary>
    Task<CoordinationRequest?> AcknowledgeRequestAsync(byte[] tokenHash, DateTimeOffset at, CancellationToken cancellationToken);

    Task ChangeRequestAsync(long incidentId, Guid requestId, RequestStatus target, string? reason, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Merges <paramref name="sourceId"/> into <paramref name="targetId"/> (<see cref="IncidentMerge"/>), with entries on both timelines.</summary>
    Task MergeAsync(long targetId, long sourceId, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Moves reports to a new incident with the original's triage; entries on both timelines. Returns the new id.</summary>
    Task<long> SplitAsync(long incidentId, IReadOnlyList<long> reportIds, string title, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    Task SaveAfterActionAsync(long incidentId, string markdown, IncidentActor actor, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The people who may be assigned (core team and augmenters), for the incident page's choices.</summary>
    Task<IReadOnlyList<DutyOfficer>> HandlersAsync(CancellationToken cancellationToken);
}
