using DnsCert.Core.Visibility;

namespace DnsCert.Core.Incidents;

/// <summary>The visibility and triage facts a merge or split combines.</summary>
public sealed record IncidentFacts(long Id, IncidentState State, Triage Triage, IReadOnlyCollection<Guid> RecipientOrganisations, IReadOnlyCollection<Guid> RecipientUsers);

/// <summary>What the surviving incident becomes.</summary>
public sealed record MergeResult(Triage Triage, IReadOnlyList<Guid> RecipientOrganisations, IReadOnlyList<Guid> RecipientUsers);

/// <summary>
/// Merge and split rules (docs/incidents.md §Merge and split). A merge never widens who may read: the survivor takes
/// the stricter TLP and PAP and the higher severity of the two; its audience is the union of both audiences, which is
/// what the one incident concerns. A split copies the triage and audience of the original: the new incident starts
/// exactly as visible as the reports it took, and a handler narrows it afterwards.
/// </summary>
public static class IncidentMerge
{
    public static MergeResult Combine(IncidentFacts target, IncidentFacts source)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        if (target.Id == source.Id)
        {
            throw new ValidationException("source", "an incident cannot be merged into itself");
        }

        foreach (var (facts, field) in new[] { (target, "target"), (source, "source") })
        {
            if (!IncidentLifecycle.IsActive(facts.State) && facts.State != IncidentState.Closed)
            {
                throw new ValidationException(field, $"{IncidentReferences.Format(facts.Id)} is {facts.State.ToCode()} and cannot be merged");
            }
        }

        var t = target.Triage;
        var s = source.Triage;
        var triage = t with
        {
            Tlp = (Tlp)Math.Max((int)t.Tlp, (int)s.Tlp),
            Pap = (Pap)Math.Max((int)t.Pap, (int)s.Pap),
            Scope = (ImpactScope)Math.Max((int)t.Scope, (int)s.Scope),
            Effect = (ImpactEffect)Math.Max((int)t.Effect, (int)s.Effect),
        };
        // The matrix over the combined scope and effect, never below what either side had (a handler's override included).
        var matrix = SeverityMatrix.Assess(triage.Scope, triage.Effect);
        var severity = (Severity)Math.Max((int)matrix, Math.Max((int)t.Severity, (int)s.Severity));
        triage = triage with { Severity = severity, SeverityOverridden = severity != matrix };
        return new MergeResult(triage,
            [.. target.RecipientOrganisations.Union(source.RecipientOrganisations).Order()],
            [.. target.RecipientUsers.Union(source.RecipientUsers).Order()]);
    }

    /// <summary>Checks a split: at least one report moves and at least one stays.</summary>
    public static void CheckSplit(IncidentFacts original, IReadOnlyCollection<long> linkedReports, IReadOnlyCollection<long> moving)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(linkedReports);
        ArgumentNullException.ThrowIfNull(moving);
        if (!IncidentLifecycle.IsActive(original.State))
        {
            throw new ValidationException("incident", $"{IncidentReferences.Format(original.Id)} is {original.State.ToCode()}: only an active incident is split");
        }

        if (moving.Count == 0)
        {
            throw new ValidationException("reports", "choose the reports that form the new incident");
        }

        if (moving.Any(r => !linkedReports.Contains(r)))
        {
            throw new ValidationException("reports", "only reports linked to this incident can move");
        }

        if (moving.Distinct().Count() >= linkedReports.Count)
        {
            throw new ValidationException("reports", "leave at least one report with the original incident (close it instead)");
        }
    }
}
