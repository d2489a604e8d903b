using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Core.Visibility;
using DnsCert.TestSupport;
using FindingSeverity = DnsCert.Monitoring.Model.Severity;

namespace DnsCert.Core.Tests.Incidents;

public class FindingIntakeTests
{
    private static readonly DateTimeOffset s_since = new(2026, 11, 21, 14, 0, 0, TimeSpan.Zero);

    private static ZoneFindingFact Finding(string check, FindingSeverity severity, FindingSeverity? seen = null, DateTimeOffset? cleared = null,
        bool seenCleared = false, string zone = "ml.") =>
        new(1, zone, check, zone, severity, $"{check} failed", s_since, cleared, seen, seenCleared);

    [Theory]
    [InlineData(FindingSeverity.Error, FindingSeverity.Error, FindingEffect.New)]
    [InlineData(FindingSeverity.Critical, FindingSeverity.Error, FindingEffect.New)]
    [InlineData(FindingSeverity.Warning, FindingSeverity.Error, FindingEffect.None)]
    [InlineData(FindingSeverity.Warning, FindingSeverity.Warning, FindingEffect.New)]
    [InlineData(FindingSeverity.Notice, FindingSeverity.Warning, FindingEffect.None)]
    public void A_finding_the_feed_never_recorded_counts_from_the_threshold(FindingSeverity severity, FindingSeverity threshold, FindingEffect effect) =>
        FindingIntake.Decide(Finding("SEC-03", severity), threshold).ShouldBe(effect);

    [Fact]
    public void An_ongoing_finding_adds_nothing_a_rise_and_a_clearing_do()
    {
        FindingIntake.Decide(Finding("SEC-03", FindingSeverity.Error, seen: FindingSeverity.Error), FindingSeverity.Error).ShouldBe(FindingEffect.None);
        FindingIntake.Decide(Finding("SEC-03", FindingSeverity.Error, seen: FindingSeverity.Critical), FindingSeverity.Error).ShouldBe(FindingEffect.None,
            "a fall is no news: the finding still drives the incident");
        FindingIntake.Decide(Finding("SEC-03", FindingSeverity.Critical, seen: FindingSeverity.Error), FindingSeverity.Error).ShouldBe(FindingEffect.Rose);
        FindingIntake.Decide(Finding("SEC-03", FindingSeverity.Error, seen: FindingSeverity.Error, cleared: s_since.AddMinutes(5)), FindingSeverity.Error)
            .ShouldBe(FindingEffect.Cleared);
        FindingIntake.Decide(Finding("SEC-03", FindingSeverity.Error, seen: FindingSeverity.Error, cleared: s_since.AddMinutes(5), seenCleared: true),
            FindingSeverity.Error).ShouldBe(FindingEffect.None, "a clearing is recorded once");
        FindingIntake.Decide(Finding("SEC-03", FindingSeverity.Critical, cleared: s_since.AddMinutes(5)), FindingSeverity.Error).ShouldBe(FindingEffect.None,
            "a finding that came and went between two passes opens nothing");
    }

    [Fact]
    public void Resolution_is_due_when_every_driving_finding_cleared_and_the_zone_is_not_down()
    {
        FindingIntake.ResolutionDue(0, "up").ShouldBeTrue();
        FindingIntake.ResolutionDue(0, null).ShouldBeTrue();
        FindingIntake.ResolutionDue(1, "up").ShouldBeFalse();
        FindingIntake.ResolutionDue(0, "down").ShouldBeFalse();
    }

    // The classification table as docs/incidents.md prints it: a change to either must change both.
    [Fact]
    public void Each_check_is_classified_as_the_documented_table_says()
    {
        var doc = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "incidents.md"));
        var start = Array.FindIndex(doc, l => l.StartsWith("| checks | RSIT | FIRST technique | effect |", StringComparison.Ordinal));
        start.ShouldBeGreaterThan(0);
        var rows = doc.Skip(start + 2).TakeWhile(l => l.StartsWith('|')).Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
        var checks = new List<string>();
        foreach (var row in rows)
        {
            foreach (var check in row[0].Split(", "))
            {
                var c = FindingIntake.Classify(check);
                (c.Classification.ToString(), c.Technique.ToCode(), c.Effect.ToCode()).ShouldBe((row[1], row[2], row[3]), check);
                checks.Add(check);
            }
        }

        // Every check of the monitoring catalogue is in the table, once.
        var catalogue = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "monitoring.md"))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\| ((?:SEC|DEL|NS|ZN|CHG)-\d\d) \|")).Where(m => m.Success).Select(m => m.Groups[1].Value)
            .Distinct().ToList();
        catalogue.Count.ShouldBeGreaterThan(30);
        checks.ShouldBe(catalogue, ignoreOrder: true);
    }

    [Fact]
    public void Expired_signatures_on_a_tld_are_a_critical_dnssec_misconfiguration()
    {
        var findings = new[] { Finding("SEC-03", FindingSeverity.Error, zone: "ML.") };
        var triage = FindingIntake.TriageFor("ML.", findings);
        triage.Classification.ToString().ShouldBe("availability:misconfiguration");
        (triage.Technique, triage.Scope, triage.Effect, triage.Severity).ShouldBe((DnsAbuseTechnique.None, ImpactScope.Tld, ImpactEffect.Outage, Severity.Critical));
        (triage.Tlp, triage.Pap).ShouldBe((Tlp.Amber, Pap.Amber));
        FindingIntake.Title("ML.", findings).ShouldBe("Zone ml.: SEC-03 DNSSEC signatures expired or invalid");
        FindingIntake.RequestAction("ml.", findings).ShouldContain("SEC-03 (error) SEC-03 failed");
    }

    [Fact]
    public void A_changed_delegation_outranks_a_lame_server_and_is_a_possible_hijack()
    {
        var findings = new[] { Finding("DEL-04", FindingSeverity.Error, zone: "bank.ml."), Finding("CHG-01", FindingSeverity.Critical, zone: "bank.ml.") };
        FindingIntake.Worst(findings).CheckId.ShouldBe("CHG-01");
        var triage = FindingIntake.TriageFor("bank.ml.", findings);
        (triage.Technique, triage.Effect, triage.Severity, triage.Pap).ShouldBe((DnsAbuseTechnique.DomainNameCompromise, ImpactEffect.Integrity, Severity.High, Pap.Red));
        FindingIntake.TriageFor("bank.ml.", [findings[0]]).Severity.ShouldBe(Severity.Low, "a lame server of one domain degrades it only");
    }

    [Fact]
    public void Timeline_lines_name_the_check_the_zone_and_what_changed()
    {
        FindingIntake.Describe(Finding("SEC-03", FindingSeverity.Error), FindingEffect.New)
            .ShouldBe("Monitoring: SEC-03 (error) on ml. since 2026-11-21 14:00:00 UTC: SEC-03 failed");
        FindingIntake.Describe(Finding("SEC-03", FindingSeverity.Critical, seen: FindingSeverity.Error), FindingEffect.Rose)
            .ShouldBe("Monitoring: SEC-03 on ml. rose from error to critical: SEC-03 failed");
        FindingIntake.Describe(Finding("SEC-03", FindingSeverity.Error, seen: FindingSeverity.Error, cleared: s_since.AddMinutes(3)), FindingEffect.Cleared)
            .ShouldBe("Monitoring: SEC-03 on ml. cleared at 2026-11-21 14:03:00 UTC (ml.)");
    }

    [Theory]
    [InlineData("error", FindingSeverity.Error)]
    [InlineData(" CRITICAL ", FindingSeverity.Critical)]
    [InlineData("warning", FindingSeverity.Warning)]
    public void Severities_read_by_name(string text, FindingSeverity expected) => FindingIntake.ParseSeverity(text).ShouldBe(expected);

    [Theory]
    [InlineData("3")]
    [InlineData("severe")]
    [InlineData("")]
    public void Other_severities_are_a_field_error(string text) =>
        Should.Throw<ValidationException>(() => FindingIntake.ParseSeverity(text, "Incidents:FindingSeverity")).Message.ShouldContain("Incidents:FindingSeverity");
}
