namespace DnsCert.Core.Notifications;

/// <summary>
/// What a message is about. Each kind has one template per supported language (Templates/&lt;kind&gt;.&lt;lang&gt;.txt)
/// and its own aggregation window in <see cref="NotificationRules"/>.
/// </summary>
public enum NotificationKind
{
    Finding,
    IncidentUpdate,
    CoordinationRequest,
    CampaignSlice,
    CampaignRequest,
    ReachTest,
    ShiftReminder,
    ReportConfirmation,

    /// <summary>A duty page: somebody must acknowledge now (issue 9's escalation ladder).</summary>
    DutyPage,
}

public static class NotificationKinds
{
    public static IReadOnlyList<NotificationKind> All { get; } = Enum.GetValues<NotificationKind>();

    /// <summary>The template and storage name: <c>coordination-request</c>.</summary>
    public static string Name(this NotificationKind kind) => kind switch
    {
        NotificationKind.Finding => "finding",
        NotificationKind.IncidentUpdate => "incident-update",
        NotificationKind.CoordinationRequest => "coordination-request",
        NotificationKind.CampaignSlice => "campaign-slice",
        NotificationKind.CampaignRequest => "campaign-request",
        NotificationKind.ReachTest => "reach-test",
        NotificationKind.ShiftReminder => "shift-reminder",
        NotificationKind.ReportConfirmation => "report-confirmation",
        NotificationKind.DutyPage => "duty-page",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a notification kind"),
    };

    public static NotificationKind Parse(string? name, string field = "kind")
    {
        var wanted = (name ?? "").Trim().ToLowerInvariant();
        foreach (var kind in All)
        {
            if (kind.Name() == wanted)
            {
                return kind;
            }
        }

        throw new ValidationException(field, $"'{name}' is not a notification kind ({string.Join(", ", All.Select(Name))})");
    }
}
