using DnsCert.Core.Visibility;

namespace DnsCert.Core.Attention;

/// <summary>What an item of the notification panel is about.</summary>
public enum AttentionKind
{
    /// <summary>An incident assigned to the person — by a handler, or routed to them as the duty officer on duty.</summary>
    Assigned,

    /// <summary>An outside party acknowledged a coordination request on the person's incident.</summary>
    RequestAcknowledged,

    /// <summary>An outside party declined a coordination request on the person's incident (with its reason).</summary>
    RequestDeclined,

    /// <summary>An SLA clock of an incident escalated: to its assignee, to duty officers while unassigned, to the head of operations at level 2.</summary>
    Escalation,

    /// <summary>A task assigned to the person, due within a day or overdue.</summary>
    TaskDue,

    /// <summary>An unacknowledged hand-over note of a region the person holds shifts in: read it before the next shift.</summary>
    Handover,
}

/// <summary>One item of the panel. <see cref="Key"/> names the event (a new acknowledgement is a new item, never a re-read one).</summary>
public sealed record AttentionItem(string Key, AttentionKind Kind, DateTimeOffset At, long? IncidentId, string Title, string? Detail, bool Read)
{
    public string Link => Kind == AttentionKind.Handover ? "/duty/handover" : "/incidents/" + IncidentId;
}

/// <summary>
/// The notification panel of the console: what needs the signed-in person's attention. Items are derived from the
/// tables where the events already live (incidents, coordination requests, escalations, tasks, hand-over notes),
/// read through the visibility predicate; only "read" is stored, per person and item.
/// </summary>
public interface IAttentionStore
{
    /// <summary>Items for the viewer, unread first then newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AttentionItem>> ListAsync(Viewer viewer, int limit, CancellationToken cancellationToken);

    /// <summary>How many items are unread (the header's badge), counting no further than <paramref name="cap"/>.</summary>
    Task<int> UnreadAsync(Viewer viewer, int cap, CancellationToken cancellationToken);

    /// <summary>Marks one item read; an item the viewer does not have is a <see cref="ValidationException"/> on <c>item</c>.</summary>
    Task MarkReadAsync(Viewer viewer, string key, CancellationToken cancellationToken);

    /// <summary>Marks every current item read; returns how many were unread.</summary>
    Task<int> MarkAllReadAsync(Viewer viewer, CancellationToken cancellationToken);
}
