using DnsCert.Core.Incidents;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Tests.Incidents;

public class SeverityMatrixTests
{
    // The matrix as docs/incidents.md prints it, row by row: a change to either must change both.
    [Theory]
    [InlineData(ImpactScope.Domain, "low low medium high")]
    [InlineData(ImpactScope.Operator, "low medium high critical")]
    [InlineData(ImpactScope.Tld, "medium high critical critical")]
    [InlineData(ImpactScope.Root, "high critical critical critical")]
    public void Each_row_matches_the_documented_matrix(ImpactScope scope, string row)
    {
        var expected = row.Split(' ');
        foreach (var effect in Enum.GetValues<ImpactEffect>())
        {
            DnsCert.Core.Constituency.Codes.ToCode(SeverityMatrix.Assess(scope, effect)).ShouldBe(expected[(int)effect], $"{scope} × {effect}");
        }
    }

    [Fact]
    public void Severity_never_falls_as_scope_or_effect_grows()
    {
        foreach (var scope in Enum.GetValues<ImpactScope>())
        {
            foreach (var effect in Enum.GetValues<ImpactEffect>())
            {
                var here = SeverityMatrix.Assess(scope, effect);
                if (scope < ImpactScope.Root)
                {
                    ((int)SeverityMatrix.Assess(scope + 1, effect)).ShouldBeGreaterThanOrEqualTo((int)here);
                }

                if (effect < ImpactEffect.Integrity)
                {
                    ((int)SeverityMatrix.Assess(scope, effect + 1)).ShouldBeGreaterThanOrEqualTo((int)here);
                }
            }
        }
    }

    [Theory]
    [InlineData("intrusions", "system-compromise", DnsAbuseTechnique.None, ImpactEffect.Integrity)]
    [InlineData("availability", "outage", DnsAbuseTechnique.None, ImpactEffect.Outage)]
    [InlineData("availability", "misconfiguration", DnsAbuseTechnique.None, ImpactEffect.Degraded)]
    [InlineData("fraud", "phishing", DnsAbuseTechnique.DomainNameCompromise, ImpactEffect.Integrity)]
    [InlineData("vulnerable", "ddos-amplifier", DnsAbuseTechnique.None, ImpactEffect.Exposure)]
    [InlineData("other", "undetermined", DnsAbuseTechnique.LameDelegations, ImpactEffect.Degraded)]
    public void The_classification_gives_the_default_effect(string cls, string type, DnsAbuseTechnique technique, ImpactEffect effect) =>
        SeverityMatrix.DefaultEffect(Rsit.Parse(cls, type), technique).ShouldBe(effect);

    [Theory]
    [InlineData(".", ImpactScope.Root)]
    [InlineData("ml.", ImpactScope.Tld)]
    [InlineData("example.ml", ImpactScope.Domain)]
    public void A_zone_name_gives_its_scope(string zone, ImpactScope scope) => SeverityMatrix.ScopeOfZone(zone).ShouldBe(scope);

    [Fact]
    public void A_handler_override_is_recorded_and_clearing_it_returns_to_the_matrix()
    {
        var triage = Triage.FromMatrix(Rsit.Parse("availability:outage", null), DnsAbuseTechnique.None, ImpactScope.Domain, null, Tlp.Amber, Pap.Amber);
        triage.Severity.ShouldBe(Severity.Medium);
        var raised = triage.WithSeverity(Severity.Critical);
        (raised.Severity, raised.SeverityOverridden).ShouldBe((Severity.Critical, true));
        var back = raised.WithSeverity(null);
        (back.Severity, back.SeverityOverridden).ShouldBe((Severity.Medium, false));
        raised.WithSeverity(Severity.Medium).SeverityOverridden.ShouldBeFalse();
    }

    [Theory]
    [InlineData("availability", "nonsense", "classification")]
    [InlineData("dns", "outage", "classification")]
    public void Unknown_rsit_values_are_field_errors(string cls, string type, string field) =>
        Should.Throw<ValidationException>(() => Rsit.Parse(cls, type)).Field.ShouldBe(field);

    [Fact]
    public void Rsit_has_the_eleven_classes_of_version_1_3_and_pap_labels_round_trip()
    {
        Rsit.Classes.Count.ShouldBe(11);
        Rsit.Classes["availability"].ShouldContain("misconfiguration");
        foreach (var pap in Enum.GetValues<Pap>())
        {
            PapLabels.Parse(pap.ToLabel()).ShouldBe(pap);
        }

        PapLabels.Parse("white").ShouldBe(Pap.Clear);
        Should.Throw<ValidationException>(() => PapLabels.Parse("PAP:BLUE")).Field.ShouldBe("pap");
    }
}

public class SlaClockTests
{
    private static readonly DateTimeOffset s_opened = new(2026, 3, 29, 0, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, ClockStatus.Running)]
    [InlineData(674, ClockStatus.Running)]
    [InlineData(675, ClockStatus.Warning)] // 75 % of 15 minutes
    [InlineData(899, ClockStatus.Warning)]
    [InlineData(900, ClockStatus.Late)] // the target: escalate to the duty officer
    [InlineData(1799, ClockStatus.Late)]
    [InlineData(1800, ClockStatus.Overdue)] // twice the target: the head of operations
    public void A_running_critical_acknowledge_clock_warns_then_escalates_at_its_thresholds(int seconds, ClockStatus status) =>
        SlaPolicy.Read(SlaClock.Acknowledge, Severity.Critical, s_opened, null, s_opened.AddSeconds(seconds)).Status.ShouldBe(status);

    [Fact]
    public void A_stopped_clock_is_met_or_missed_whatever_the_time_now()
    {
        var met = SlaPolicy.Read(SlaClock.FirstResponse, Severity.High, s_opened, s_opened.AddHours(4), s_opened.AddDays(30));
        (met.Status, met.Elapsed).ShouldBe((ClockStatus.Met, TimeSpan.FromHours(4)));
        SlaPolicy.Read(SlaClock.FirstResponse, Severity.High, s_opened, s_opened.AddHours(4).AddSeconds(1), s_opened.AddDays(30)).Status.ShouldBe(ClockStatus.Missed);
    }

    [Fact]
    public void Targets_tighten_with_severity_and_each_clock_is_shorter_than_the_next()
    {
        var severities = Enum.GetValues<Severity>();
        for (var i = 1; i < severities.Length; i++)
        {
            foreach (var clock in Enum.GetValues<SlaClock>())
            {
                SlaPolicy.Targets(severities[i]).For(clock).ShouldBeLessThan(SlaPolicy.Targets(severities[i - 1]).For(clock));
            }
        }

        foreach (var severity in severities)
        {
            var t = SlaPolicy.Targets(severity);
            t.Acknowledge.ShouldBeLessThan(t.FirstResponse);
            t.FirstResponse.ShouldBeLessThan(t.Resolution);
        }
    }

    [Fact]
    public void Clocks_are_utc_durations_across_a_daylight_saving_change()
    {
        // 29 March 2026 01:00 UTC: Europe moves to summer time. A clock counts real minutes, not wall-clock ones.
        var reading = SlaPolicy.Read(SlaClock.Acknowledge, Severity.Medium, s_opened, null, s_opened.AddHours(3).AddMinutes(59));
        reading.Status.ShouldBe(ClockStatus.Warning);
        reading.Due.ShouldBe(s_opened.AddHours(4));
        SlaPolicy.IsLate(SlaPolicy.ReadAll(Severity.Medium, s_opened, null, null, null, s_opened.AddHours(4))).ShouldBeTrue();
        SlaPolicy.IsLate(SlaPolicy.ReadAll(Severity.Medium, s_opened, s_opened.AddMinutes(5), null, null, s_opened.AddHours(4))).ShouldBeFalse();
    }
}

public class LifecycleTests
{
    [Theory]
    [InlineData(IncidentState.New, IncidentState.Open, true)]
    [InlineData(IncidentState.Open, IncidentState.ResolutionProposed, true)]
    [InlineData(IncidentState.ResolutionProposed, IncidentState.Closed, true)]
    [InlineData(IncidentState.ResolutionProposed, IncidentState.Open, true)]
    [InlineData(IncidentState.Closed, IncidentState.Open, true)]
    [InlineData(IncidentState.Closed, IncidentState.ResolutionProposed, false)]
    [InlineData(IncidentState.Open, IncidentState.New, false)]
    [InlineData(IncidentState.Merged, IncidentState.Open, false)]
    [InlineData(IncidentState.Open, IncidentState.Merged, false)]
    public void Incident_moves_follow_the_table(IncidentState from, IncidentState to, bool allowed)
    {
        IncidentLifecycle.CanMove(from, to).ShouldBe(allowed);
        if (!allowed)
        {
            Should.Throw<ValidationException>(() => IncidentLifecycle.EnsureCanMove(from, to)).Field.ShouldBe("state");
        }
    }

    [Fact]
    public void Requests_move_forward_only_and_declining_needs_a_reason()
    {
        RequestLifecycle.Check(RequestStatus.Notified, RequestStatus.Acknowledged, null).ShouldBeNull();
        RequestLifecycle.Check(RequestStatus.Acknowledged, RequestStatus.InProgress, "  ").ShouldBeNull();
        RequestLifecycle.Check(RequestStatus.InProgress, RequestStatus.Declined, " not our zone ").ShouldBe("not our zone");
        Should.Throw<ValidationException>(() => RequestLifecycle.Check(RequestStatus.Notified, RequestStatus.Declined, "")).Field.ShouldBe("reason");
        Should.Throw<ValidationException>(() => RequestLifecycle.Check(RequestStatus.Done, RequestStatus.InProgress, null)).Field.ShouldBe("status");
        Should.Throw<ValidationException>(() => RequestLifecycle.Check(RequestStatus.InProgress, RequestStatus.Acknowledged, null)).Field.ShouldBe("status");
        Should.Throw<ValidationException>(() => RequestLifecycle.Check(RequestStatus.Notified, RequestStatus.Declined, new string('x', 2001))).Field.ShouldBe("reason");
    }
}

public class MergeSplitTests
{
    private static readonly Guid s_a = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid s_b = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid s_user = Guid.Parse("00000000-0000-0000-0000-0000000000ee");

    private static IncidentFacts Facts(long id, Tlp tlp, Pap pap, ImpactScope scope, ImpactEffect effect, Guid[] orgs, Guid[]? users = null,
        IncidentState state = IncidentState.Open) =>
        new(id, state, Triage.FromMatrix(Rsit.Parse("availability:outage", null), DnsAbuseTechnique.None, scope, effect, tlp, pap), orgs, users ?? []);

    [Fact]
    public void A_merge_takes_the_stricter_labels_the_higher_severity_and_the_union_of_audiences()
    {
        var target = Facts(1, Tlp.Green, Pap.Green, ImpactScope.Domain, ImpactEffect.Degraded, [s_a]);
        var source = Facts(2, Tlp.Red, Pap.Amber, ImpactScope.Tld, ImpactEffect.Exposure, [s_b], [s_user]);

        var merged = IncidentMerge.Combine(target, source);

        merged.Triage.Tlp.ShouldBe(Tlp.Red);
        merged.Triage.Pap.ShouldBe(Pap.Amber);
        merged.Triage.Scope.ShouldBe(ImpactScope.Tld);
        merged.Triage.Effect.ShouldBe(ImpactEffect.Degraded);
        merged.Triage.Severity.ShouldBe(Severity.High);
        merged.RecipientOrganisations.ShouldBe([s_a, s_b]);
        merged.RecipientUsers.ShouldBe([s_user]);
    }

    [Fact]
    public void A_merge_keeps_an_overridden_severity_when_it_is_higher()
    {
        var target = Facts(1, Tlp.Amber, Pap.Amber, ImpactScope.Domain, ImpactEffect.Exposure, [s_a]);
        var source = Facts(2, Tlp.Amber, Pap.Amber, ImpactScope.Domain, ImpactEffect.Exposure, [s_a]);
        source = source with { Triage = source.Triage.WithSeverity(Severity.Critical) };

        var merged = IncidentMerge.Combine(target, source);

        (merged.Triage.Severity, merged.Triage.SeverityOverridden).ShouldBe((Severity.Critical, true));
    }

    [Fact]
    public void An_incident_is_not_merged_into_itself_nor_once_merged()
    {
        var one = Facts(1, Tlp.Amber, Pap.Amber, ImpactScope.Domain, ImpactEffect.Exposure, [s_a]);
        Should.Throw<ValidationException>(() => IncidentMerge.Combine(one, one)).Field.ShouldBe("source");
        Should.Throw<ValidationException>(() => IncidentMerge.Combine(one, Facts(2, Tlp.Amber, Pap.Amber, ImpactScope.Domain, ImpactEffect.Exposure, [s_a],
            state: IncidentState.Merged))).Field.ShouldBe("source");
    }

    [Fact]
    public void A_split_moves_some_linked_reports_and_leaves_at_least_one()
    {
        var original = Facts(1, Tlp.Amber, Pap.Amber, ImpactScope.Domain, ImpactEffect.Exposure, [s_a]);
        IncidentMerge.CheckSplit(original, [10, 11, 12], [11, 12]);
        Should.Throw<ValidationException>(() => IncidentMerge.CheckSplit(original, [10, 11], [10, 11])).Field.ShouldBe("reports");
        Should.Throw<ValidationException>(() => IncidentMerge.CheckSplit(original, [10, 11], [])).Field.ShouldBe("reports");
        Should.Throw<ValidationException>(() => IncidentMerge.CheckSplit(original, [10, 11], [99])).Field.ShouldBe("reports");
        Should.Throw<ValidationException>(() => IncidentMerge.CheckSplit(original with { State = IncidentState.Closed }, [10, 11], [11])).Field.ShouldBe("incident");
    }
}

public class MonitoringIntakeTests
{
    private static ZoneChange Change(string zone, string from, string to, string reason = "all name servers time out") =>
        new(1, zone, from, to, new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), reason);

    [Theory]
    [InlineData("up", "down", ZoneChangeEffect.OpenOrUpdate)]
    [InlineData("inconclusive", "down", ZoneChangeEffect.OpenOrUpdate)]
    [InlineData("up", "inconclusive", ZoneChangeEffect.UpdateOnly)]
    [InlineData("down", "up", ZoneChangeEffect.ProposeResolution)]
    [InlineData("inconclusive", "up", ZoneChangeEffect.ProposeResolution)]
    [InlineData("unknown", "up", ZoneChangeEffect.Ignore)]
    public void Zone_changes_open_update_or_propose_resolution(string from, string to, ZoneChangeEffect effect) =>
        MonitoringIntake.Decide(Change("ml.", from, to)).ShouldBe(effect);

    [Fact]
    public void Expired_signatures_on_a_tld_are_a_critical_availability_misconfiguration_under_tlp_amber()
    {
        var triage = MonitoringIntake.TriageFor(Change("ML.", "up", "down", "RRSIG expired on ml. SOA"));
        triage.Classification.ToString().ShouldBe("availability:misconfiguration");
        (triage.Scope, triage.Effect, triage.Severity).ShouldBe((ImpactScope.Tld, ImpactEffect.Outage, Severity.Critical));
        (triage.Tlp, triage.Pap).ShouldBe((Tlp.Amber, Pap.Amber));
        MonitoringIntake.DedupKey("ML.").ShouldBe("zone:ml");
        MonitoringIntake.Title(Change("ML.", "up", "down", "RRSIG expired")).ShouldBe("Zone ml. misconfigured (resolution fails)");
    }

    [Fact]
    public void An_unexplained_outage_of_a_domain_is_availability_outage_of_medium_severity()
    {
        var triage = MonitoringIntake.TriageFor(Change("example.ml.", "up", "down"));
        triage.Classification.ToString().ShouldBe("availability:outage");
        triage.Severity.ShouldBe(Severity.Medium);
        MonitoringIntake.TriageFor(Change("example.ml.", "up", "down", "lame delegation: ns1 refuses")).Technique.ShouldBe(DnsAbuseTechnique.LameDelegations);
    }
}

public class AfterActionReportTests
{
    [Fact]
    public void The_draft_lists_the_clocks_requests_and_every_timeline_entry_in_order_with_its_actor()
    {
        var opened = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        var triage = Triage.FromMatrix(Rsit.Parse("availability:outage", null), DnsAbuseTechnique.None, ImpactScope.Tld, ImpactEffect.Outage, Tlp.Amber, Pap.Amber);
        var summary = new IncidentSummary(7, "Zone ml. down", IncidentState.Closed, triage, null, null, opened, opened.AddMinutes(10), opened.AddMinutes(20),
            opened.AddHours(5), 1, 0, "monitoring");
        var timeline = new[]
        {
            new TimelineEntry(2, 7, opened.AddMinutes(10), TimelineKind.Assignment, Guid.NewGuid(), "amina", "Assigned to Amina | duty", true),
            new TimelineEntry(1, 7, opened, TimelineKind.StateChange, null, "system", "Opened (monitoring)", false),
        };
        var request = new CoordinationRequest(Guid.NewGuid(), 7, Guid.NewGuid(), "Registre .ml", "noc@ml", "fr", "Re-sign the zone", opened.AddDays(1),
            RequestStatus.Done, null, opened.AddMinutes(20), opened.AddHours(4), 42);
        var details = new IncidentDetails(summary, "", "zone:ml", null, [], ["ml"], [], timeline, [], [request], [], null);

        var md = AfterActionReport.Draft(details, opened.AddHours(6));

        md.ShouldStartWith("# After-action report: INC-7 — Zone ml. down");
        md.ShouldContain("**TLP:AMBER**");
        md.ShouldContain("| acknowledge | 0h 15m | 0h 10m | met |");
        md.ShouldContain("| resolution | 1d 0h | 5h 00m | met |");
        md.ShouldContain("| Registre .ml | Re-sign the zone |");
        md.IndexOf("Opened (monitoring)", StringComparison.Ordinal).ShouldBeLessThan(md.IndexOf("Assigned to Amina", StringComparison.Ordinal));
        md.ShouldContain("Assigned to Amina \\| duty");
        md.ShouldContain("amina (1)");
    }
}
