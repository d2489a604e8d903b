using System.Globalization;
using System.Text;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Incidents;

/// <summary>
/// The after-action report drafted from the timeline: what happened when, who did what, how each clock ended, what each
/// party did. Plain Markdown, so a handler edits it in a text box and it exports as it is. It is built from an
/// <see cref="IncidentDetails"/> already filtered for the viewer, so it never shows more than the viewer may see.
/// </summary>
public static class AfterActionReport
{
    public static string Draft(IncidentDetails incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var s = incident.Summary;
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# After-action report: {s.Reference} — {Line(s.Title)}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"**{s.Triage.Tlp.ToLabel()}** · {s.Triage.Pap.ToLabel()} · drafted {Time(now)}\n\n");
        md.Append("## Summary\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- State: {s.State.ToCode()}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Classification: {s.Triage.Classification} (RSIT), DNS technique: {Codes.ToCode(s.Triage.Technique)}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Severity: {Codes.ToCode(s.Triage.Severity)} (scope {Codes.ToCode(s.Triage.Scope)}, effect {Codes.ToCode(s.Triage.Effect)}{(s.Triage.SeverityOverridden ? ", set by a handler" : "")})\n");
        md.Append(CultureInfo.InvariantCulture, $"- Opened: {Time(s.OpenedAt)}; source: {s.Source}; reports: {s.Reports}\n");
        if (incident.Affected.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"- Affected: {string.Join(", ", incident.Affected.Select(a => $"{Line(a.Name)} ({a.Role})"))}\n");
        }

        if (incident.Assets.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"- Assets: {string.Join(", ", incident.Assets.Select(a => "`" + Line(a) + "`"))}\n");
        }

        md.Append("\n## Clocks\n\n| clock | target | elapsed | outcome |\n|---|---|---|---|\n");
        foreach (var clock in s.Clocks(now))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Codes.ToCode(clock.Clock)} | {Duration(clock.Target)} | {Duration(clock.Elapsed)} | {Codes.ToCode(clock.Status)} |\n");
        }

        if (incident.Requests.Count > 0)
        {
            md.Append("\n## Coordination requests\n\n| party | asked | due | status | last change |\n|---|---|---|---|---|\n");
            foreach (var r in incident.Requests)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| {Cell(r.OrganisationName)} | {Cell(r.Action)} | {Time(r.Due)} | {Codes.ToCode(r.Status)}{(r.Reason is null ? "" : ": " + Cell(r.Reason))} | {Time(r.StatusChangedAt)} |\n");
            }
        }

        if (incident.Tasks.Count > 0)
        {
            md.Append("\n## Tasks\n\n");
            foreach (var t in incident.Tasks)
            {
                md.Append(CultureInfo.InvariantCulture, $"- [{(t.Status == TaskStatus.Done ? "x" : " ")}] {Line(t.Title)} — {Line(t.AssigneeName ?? "unassigned")}{(t.DoneAt is { } d ? ", done " + Time(d) : "")}\n");
            }
        }

        md.Append("\n## Timeline\n\n| time (UTC) | who | what |\n|---|---|---|\n");
        foreach (var e in incident.Timeline.OrderBy(e => e.At).ThenBy(e => e.Id))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Time(e.At)} | {Cell(e.Actor)} | {Codes.ToCode(e.Kind)}: {Cell(e.Text)} |\n");
        }

        var people = incident.Timeline.Where(e => e.ActorId is not null).GroupBy(e => e.Actor, StringComparer.Ordinal)
            .Select(g => $"{Line(g.Key)} ({g.Count()})").ToList();
        if (people.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## Who did what\n\n{string.Join(", ", people)} timeline entries.\n");
        }

        md.Append("\n## Lessons learned\n\n_(to be written by the handler)_\n");
        return md.ToString();
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan d) => d.TotalDays >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalDays}d {d.Hours}h")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}h {d.Minutes:00}m");

    private static string Line(string text) => string.Join(' ', (text ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    // A table cell: one line, pipes escaped, long texts cut.
    private static string Cell(string text)
    {
        var line = Line(text).Replace("|", "\\|", StringComparison.Ordinal);
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
