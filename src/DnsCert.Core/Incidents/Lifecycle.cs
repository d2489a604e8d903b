namespace DnsCert.Core.Incidents;

/// <summary>
/// The incident lifecycle (docs/incidents.md §Lifecycle). Resolution is two steps when the platform proposes it (a
/// zone back up): a person confirms it. <see cref="Merged"/> is terminal: the incident lives on in another.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<IncidentState>))]
public enum IncidentState
{
    New,
    Open,
    ResolutionProposed,
    Closed,
    Rejected,
    Merged,
}

/// <summary>Where a coordination request to an outside party stands (VINCE's per-party status, for DNS operators).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<RequestStatus>))]
public enum RequestStatus
{
    Notified,
    Acknowledged,
    InProgress,
    Done,
    Declined,
    Cancelled,
}

/// <summary>What a timeline entry records. The timeline is append-only: nothing is ever changed or removed.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<TimelineKind>))]
public enum TimelineKind
{
    Comment,
    MailIn,
    MailOut,
    StateChange,
    ClassificationChange,
    Assignment,
    ReportLinked,
    Merge,
    Split,
    Task,
    Request,
    Finding,
    Escalation,
}

[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<TaskStatus>))]
public enum TaskStatus
{
    Open,
    Done,
    Cancelled,
}

/// <summary>Which moves are allowed. A move not in the table is refused with the field <c>state</c>.</summary>
public static class IncidentLifecycle
{
    private static readonly Dictionary<IncidentState, IncidentState[]> s_moves = new()
    {
        [IncidentState.New] = [IncidentState.Open, IncidentState.Rejected, IncidentState.ResolutionProposed, IncidentState.Closed],
        [IncidentState.Open] = [IncidentState.ResolutionProposed, IncidentState.Closed, IncidentState.Rejected],
        [IncidentState.ResolutionProposed] = [IncidentState.Closed, IncidentState.Open],
        [IncidentState.Closed] = [IncidentState.Open],
        [IncidentState.Rejected] = [IncidentState.Open],
        [IncidentState.Merged] = [],
    };

    public static bool IsActive(IncidentState state) => state is IncidentState.New or IncidentState.Open or IncidentState.ResolutionProposed;

    public static bool CanMove(IncidentState from, IncidentState to) => s_moves[from].Contains(to);

    public static void EnsureCanMove(IncidentState from, IncidentState to)
    {
        if (!CanMove(from, to))
        {
            throw new ValidationException("state", $"an incident cannot go from {from.ToCode()} to {to.ToCode()}");
        }
    }

    public static string ToCode(this IncidentState state) => Constituency.Codes.ToCode(state);
}

/// <summary>The coordination request's moves: forward only, with "declined" (needing a reason) and "cancelled" (by us).</summary>
public static class RequestLifecycle
{
    public const int MaxReasonLength = 2000;

    private static readonly Dictionary<RequestStatus, RequestStatus[]> s_moves = new()
    {
        [RequestStatus.Notified] = [RequestStatus.Acknowledged, RequestStatus.InProgress, RequestStatus.Done, RequestStatus.Declined, RequestStatus.Cancelled],
        [RequestStatus.Acknowledged] = [RequestStatus.InProgress, RequestStatus.Done, RequestStatus.Declined, RequestStatus.Cancelled],
        [RequestStatus.InProgress] = [RequestStatus.Done, RequestStatus.Declined, RequestStatus.Cancelled],
        [RequestStatus.Done] = [],
        [RequestStatus.Declined] = [],
        [RequestStatus.Cancelled] = [],
    };

    public static bool CanMove(RequestStatus from, RequestStatus to) => s_moves[from].Contains(to);

    /// <summary>Checks a move and its reason: declining needs one.</summary>
    public static string? Check(RequestStatus from, RequestStatus to, string? reason)
    {
        if (!CanMove(from, to))
        {
            throw new ValidationException("status", $"a request cannot go from {Constituency.Codes.ToCode(from)} to {Constituency.Codes.ToCode(to)}");
        }

        var text = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (to == RequestStatus.Declined && text is null)
        {
            throw new ValidationException("reason", "say why the request is declined");
        }

        if (text is { Length: > MaxReasonLength })
        {
            throw new ValidationException("reason", $"at most {MaxReasonLength} characters");
        }

        return text;
    }
}
