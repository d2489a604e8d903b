using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Incidents;

/// <summary>The incident is not there for this viewer (absent, or hidden by the visibility predicate: the same answer).</summary>
public sealed class IncidentNotFoundException(string message) : Exception(message)
{
    public IncidentNotFoundException()
        : this("no such incident")
    {
    }

    public IncidentNotFoundException(string message, Exception innerException)
        : this(message + ": " + innerException?.Message)
    {
    }
}

/// <summary>
/// The incident use cases: input checked (a <see cref="ValidationException"/> naming the field), the actor's right
/// checked (handlers only; an incident the viewer cannot see does not exist for them), new incidents routed to the duty
/// officer of their region, then one store command — one transaction — per use case.
/// </summary>
public sealed class IncidentService(IIncidentStore store, IDutyOfficerLookup duty, TimeProvider time, RaiseNotification? notifications = null)
{
    public const int MaxTitle = 200;
    public const int MaxText = 20_000;
    public const int MaxAssets = 100;

    /// <summary>Who works incidents: the core team's handling roles and the extended team (scoped by visibility).</summary>
    public static bool IsHandler(Viewer viewer) =>
        viewer is not null && (viewer.HasRole(Roles.Administrator) || viewer.HasRole(Roles.DutyOfficer)
                               || viewer.HasRole(Roles.IncidentHandler) || viewer.HasRole(Roles.Augmenter));

    public static string Title(string? title, string field = "title")
    {
        var text = string.Join(' ', (title ?? "").Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return text.Length is >= 1 and <= MaxTitle ? text : throw new ValidationException(field, $"give 1 to {MaxTitle} characters");
    }

    public static string Text(string? text, string field, bool required = true)
    {
        var value = (text ?? "").Replace("\0", "", StringComparison.Ordinal).Trim();
        if (required && value.Length == 0)
        {
            throw new ValidationException(field, "is required");
        }

        return value.Length <= MaxText ? value : throw new ValidationException(field, $"at most {MaxText} characters");
    }

    /// <summary>Asset names as typed: one per line or comma, normalised to lower case without the final dot.</summary>
    public static IReadOnlyList<string> Assets(string? text)
    {
        var assets = (text ?? "").Split(['\n', '\r', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.Trim().TrimEnd('.').ToLowerInvariant()).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (assets.Count > MaxAssets)
        {
            throw new ValidationException("assets", $"at most {MaxAssets} names or addresses");
        }

        foreach (var asset in assets)
        {
            if (asset.Length > 253 || asset.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':' or '/')))
            {
                throw new ValidationException("assets", $"'{asset}' is not a domain name or an address");
            }
        }

        return assets;
    }

    /// <summary>
    /// The organisations an incident concerns: the routing chain of every asset (registry, registrar, DNS operator,
    /// network owner), once each, in the order found.
    /// </summary>
    public static IReadOnlyList<AffectedOrganisation> Affected(ResponsiblePartyRouter? router, IEnumerable<string> assets, IReadOnlyDictionary<Guid, IcannRegion> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        var found = new List<AffectedOrganisation>();
        if (router is null)
        {
            return found;
        }

        foreach (var asset in assets)
        {
            foreach (var party in router.Route(asset).Chain)
            {
                if (found.All(a => a.OrganisationId != party.OrganisationId))
                {
                    found.Add(new AffectedOrganisation(party.OrganisationId, party.OrganisationName, Codes.ToCode(party.Role),
                        regions.TryGetValue(party.OrganisationId, out var region) ? region : IcannRegion.Unknown));
                }
            }
        }

        return found;
    }

    /// <summary>
    /// A report from the public form (no account: the sender confirms by e-mail; <paramref name="confirmBase"/> is the
    /// site's address), from a signed-in constituent (shared with their organisation), or through the API.
    /// </summary>
    public async Task<long> SubmitReportAsync(Viewer viewer, string source, string? sender, string? subject, string? body, string? assets, string language,
        Uri? confirmBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var from = (sender ?? "").Trim();
        if (from.Length is 0 or > 254 || !System.Net.Mail.MailAddress.TryCreate(from, out var parsed) || parsed.Address != from)
        {
            throw new ValidationException("sender", "give the e-mail address we can reach you at");
        }

        var report = new NewReport(source, from, Title(subject, "subject"), Text(body, "body"), Tlp.Amber,
            viewer.IsSignedIn ? viewer.OrganisationId : null, viewer.UserId, Assets(assets),
            null, NotificationLanguages.Choose([language]));
        if (!viewer.IsSignedIn)
        {
            ArgumentNullException.ThrowIfNull(confirmBase);
            var (token, hash) = AckTokens.New();
            report = report with { ConfirmationHash = hash, ConfirmationLink = new Uri(confirmBase, "report/confirm/" + token) };
        }

        return await store.AddReportAsync(report, time.GetUtcNow(), cancellationToken);
    }

    public Task<ReportSummary?> ConfirmReportAsync(string? token, CancellationToken cancellationToken) =>
        AckTokens.LooksValid(token)
            ? store.ConfirmReportAsync(AckTokens.Hash(token!), time.GetUtcNow(), cancellationToken)
            : Task.FromResult<ReportSummary?>(null);

    /// <summary>Opens an incident, routed to the duty officer of the first affected organisation's region (or unassigned).</summary>
    public async Task<long> OpenAsync(Viewer viewer, NewIncident incident, IncidentActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        EnsureHandler(viewer);
        return await OpenRoutedAsync(incident, actor, cancellationToken);
    }

    /// <summary>Opens without a person's rights check: the platform's own intake (monitoring) calls this.</summary>
    public async Task<long> OpenRoutedAsync(NewIncident incident, IncidentActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var checkedIncident = incident with
        {
            Title = Title(incident.Title),
            Description = Text(incident.Description, "description", required: false),
        };
        var now = time.GetUtcNow();
        if (checkedIncident.Assignee is null)
        {
            var region = checkedIncident.Affected.Select(a => a.Region).FirstOrDefault(r => r != IcannRegion.Unknown);
            checkedIncident = checkedIncident with { Assignee = await duty.OnDutyAsync(region, now, cancellationToken) };
        }

        return await store.OpenAsync(checkedIncident, actor, now, cancellationToken);
    }

    public async Task<IncidentDetails> GetAsync(Viewer viewer, long incidentId, CancellationToken cancellationToken) =>
        await store.GetAsync(viewer, incidentId, cancellationToken) ?? throw new IncidentNotFoundException(IncidentReferences.Format(incidentId));

    public async Task ChangeStateAsync(Viewer viewer, long incidentId, IncidentState to, string? note, IncidentActor actor, CancellationToken cancellationToken)
    {
        var incident = await WritableAsync(viewer, incidentId, cancellationToken);
        IncidentLifecycle.EnsureCanMove(incident.Summary.State, to);
        var text = Text(note, "note", required: false);
        await store.ChangeStateAsync(incidentId, to, text, actor, time.GetUtcNow(), cancellationToken);

        // The organisations concerned hear that it is closed, through the notification pipeline (their security
        // contact, in their language). TLP:RED incidents are for named people, not organisations: no mail.
        if (to == IncidentState.Closed && notifications is not null && incident.Summary.Triage.Tlp != Tlp.Red)
        {
            foreach (var affected in incident.Affected)
            {
                await notifications.HandleAsync(new IncidentUpdateEvent(affected.OrganisationId, incident.Summary.Triage.Tlp, time.GetUtcNow(),
                    incident.Summary.Reference, incident.Summary.Title, to.ToCode(), text.Length > 3000 ? text[..3000] : text), cancellationToken);
            }
        }
    }

    public async Task TriageAsync(Viewer viewer, long incidentId, Triage triage, IncidentActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(triage);
        await WritableAsync(viewer, incidentId, cancellationToken);
        await store.TriageAsync(incidentId, triage, actor, time.GetUtcNow(), cancellationToken);
    }

    public async Task AssignAsync(Viewer viewer, long incidentId, Guid? userId, IncidentActor actor, CancellationToken cancellationToken)
    {
        await WritableAsync(viewer, incidentId, cancellationToken);
        DutyOfficer? assignee = null;
        if (userId is { } id)
        {
            assignee = (await store.HandlersAsync(cancellationToken)).FirstOrDefault(h => h.UserId == id)
                       ?? throw new ValidationException("assignee", "not a person who handles incidents");
        }

        await store.AssignAsync(incidentId, assignee, actor, time.GetUtcNow(), cancellationToken);
    }

    public async Task CommentAsync(Viewer viewer, long incidentId, string? text, bool isInternal, IncidentActor actor, CancellationToken cancellationToken)
    {
        var comment = Text(text, "comment");
        await WritableAsync(viewer, incidentId, cancellationToken);
        await store.CommentAsync(incidentId, comment, isInternal, actor, time.GetUtcNow(), cancellationToken);
    }

    public async Task LinkReportAsync(Viewer viewer, long incidentId, long reportId, IncidentActor actor, CancellationToken cancellationToken)
    {
        await WritableAsync(viewer, incidentId, cancellationToken);
        _ = await store.GetReportAsync(viewer, reportId, cancellationToken) ?? throw new ValidationException("report", "no such report");
        await store.LinkReportAsync(incidentId, reportId, actor, time.GetUtcNow(), cancellationToken);
    }

    public async Task<long> AddTaskAsync(Viewer viewer, long incidentId, string? title, Guid? assigneeId, DateTimeOffset? due, IncidentActor actor, CancellationToken cancellationToken)
    {
        var taskTitle = Title(title);
        await WritableAsync(viewer, incidentId, cancellationToken);
        DutyOfficer? assignee = null;
        if (assigneeId is { } id)
        {
            assignee = (await store.HandlersAsync(cancellationToken)).FirstOrDefault(h => h.UserId == id)
                       ?? throw new ValidationException("assignee", "not a person who handles incidents");
        }

        return await store.AddTaskAsync(incidentId, taskTitle, assignee, due, actor, time.GetUtcNow(), cancellationToken);
    }

    public async Task CompleteTaskAsync(Viewer viewer, long incidentId, long taskId, IncidentActor actor, CancellationToken cancellationToken)
    {
        var incident = await WritableAsync(viewer, incidentId, cancellationToken);
        if (incident.Tasks.All(t => t.Id != taskId))
        {
            throw new ValidationException("task", "no such task on this incident");
        }

        await store.CompleteTaskAsync(incidentId, taskId, actor, time.GetUtcNow(), cancellationToken);
    }

    public async Task<Guid> AddRequestAsync(Viewer viewer, long incidentId, Guid organisationId, string? action, DateTimeOffset? due, Uri ackBase,
        IncidentActor actor, CancellationToken cancellationToken)
    {
        var text = Text(action, "action");
        if (text.Length > Directive.MaxValueLength)
        {
            throw new ValidationException("action", $"at most {Directive.MaxValueLength} characters");
        }

        var incident = await WritableAsync(viewer, incidentId, cancellationToken);
        if (!IncidentLifecycle.IsActive(incident.Summary.State))
        {
            throw new ValidationException("incident", $"{incident.Summary.Reference} is {incident.Summary.State.ToCode()}: reopen it first");
        }

        // Without a due time the party gets the incident's resolution target.
        var now = time.GetUtcNow();
        var dueAt = due ?? now + SlaPolicy.Targets(incident.Summary.Triage.Severity).Resolution;
        if (dueAt <= now)
        {
            throw new ValidationException("due", "give a time in the future");
        }

        if (organisationId == Guid.Empty)
        {
            throw new ValidationException("organisation", "choose the organisation to ask");
        }

        return await store.AddRequestAsync(incidentId, organisationId, text, dueAt, ackBase, actor, now, cancellationToken);
    }

    public Task<CoordinationRequest?> AcknowledgeAsync(string? token, CancellationToken cancellationToken) =>
        AckTokens.LooksValid(token)
            ? store.AcknowledgeRequestAsync(AckTokens.Hash(token!), time.GetUtcNow(), cancellationToken)
            : Task.FromResult<CoordinationRequest?>(null);

    public async Task ChangeRequestAsync(Viewer viewer, long incidentId, Guid requestId, RequestStatus to, string? reason, IncidentActor actor, CancellationToken cancellationToken)
    {
        var incident = await WritableAsync(viewer, incidentId, cancellationToken);
        var request = incident.Requests.FirstOrDefault(r => r.Id == requestId) ?? throw new ValidationException("request", "no such request on this incident");
        var checkedReason = RequestLifecycle.Check(request.Status, to, reason);
        await store.ChangeRequestAsync(incidentId, requestId, to, checkedReason, actor, time.GetUtcNow(), cancellationToken);
    }

    public async Task MergeAsync(Viewer viewer, long targetId, long sourceId, IncidentActor actor, CancellationToken cancellationToken)
    {
        await WritableAsync(viewer, targetId, cancellationToken);
        try
        {
            await WritableAsync(viewer, sourceId, cancellationToken);
        }
        catch (IncidentNotFoundException)
        {
            throw new ValidationException("source", "no such incident");
        }

        await store.MergeAsync(targetId, sourceId, actor, time.GetUtcNow(), cancellationToken);
    }

    public async Task<long> SplitAsync(Viewer viewer, long incidentId, IReadOnlyList<long> reportIds, string? title, IncidentActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reportIds);
        var newTitle = Title(title);
        await WritableAsync(viewer, incidentId, cancellationToken);
        return await store.SplitAsync(incidentId, reportIds, newTitle, actor, time.GetUtcNow(), cancellationToken);
    }

    public async Task SaveAfterActionAsync(Viewer viewer, long incidentId, string? markdown, IncidentActor actor, CancellationToken cancellationToken)
    {
        var text = Text(markdown, "afterAction");
        await WritableAsync(viewer, incidentId, cancellationToken);
        await store.SaveAfterActionAsync(incidentId, text, actor, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The after-action report: the saved text, or a draft from the timeline (filtered for the viewer).</summary>
    public async Task<string> AfterActionAsync(Viewer viewer, long incidentId, CancellationToken cancellationToken) =>
        (await AfterActionDocumentAsync(viewer, incidentId, cancellationToken)).Markdown;

    /// <summary>The after-action report with the incident's labels, for printing: the same text the Markdown export gives.</summary>
    public async Task<AfterActionDocument> AfterActionDocumentAsync(Viewer viewer, long incidentId, CancellationToken cancellationToken)
    {
        var incident = await GetAsync(viewer, incidentId, cancellationToken);
        var (summary, now) = (incident.Summary, time.GetUtcNow());
        return new AfterActionDocument(summary.Id, summary.Reference, summary.Title, summary.Triage.Tlp, summary.Triage.Pap,
            incident.AfterAction ?? AfterActionReport.Draft(incident, now), now);
    }

    private static void EnsureHandler(Viewer viewer)
    {
        if (!IsHandler(viewer))
        {
            throw new UnauthorizedAccessException("only incident handlers change incidents");
        }
    }

    private async Task<IncidentDetails> WritableAsync(Viewer viewer, long incidentId, CancellationToken cancellationToken)
    {
        EnsureHandler(viewer);
        var incident = await GetAsync(viewer, incidentId, cancellationToken);
        if (incident.Summary.State == IncidentState.Merged)
        {
            throw new ValidationException("incident", $"{incident.Summary.Reference} was merged into {IncidentReferences.Format(incident.MergedInto ?? 0)}");
        }

        return incident;
    }
}
