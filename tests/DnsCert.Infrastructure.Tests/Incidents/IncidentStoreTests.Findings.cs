using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Incidents;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Infrastructure.Notifications;
using Microsoft.Extensions.Options;
using FindingSeverity = DnsCert.Monitoring.Model.Severity;

namespace DnsCert.Infrastructure.Tests.Incidents;

/// <summary>
/// The findings feed on real PostgreSQL: findings written by the monitoring runtime's own store
/// (<see cref="ZoneFindingStore"/>, one check run at a time) become one incident per zone.
/// </summary>
public sealed partial class IncidentStoreTests
{
    private DateTimeOffset _run = DateTimeOffset.UtcNow;

    /// <summary>One check run of the zone that finds exactly <paramref name="findings"/> (a finding not found again clears after one run).</summary>
    private async Task RunAsync(string zone, params (string Check, FindingSeverity Severity, string Subject)[] findings)
    {
        _run = _run.AddSeconds(5);
        await new ZoneFindingStore(_db).RecordRunAsync(zone,
            [.. findings.Select(f => new DnsCert.Monitoring.Model.Finding(f.Check, f.Severity, zone, f.Subject, $"{f.Check} on {f.Subject}", "fix-it", []))], _run, 1, default);
    }

    private async Task<FeedResult> FindingsAsync(IncidentStore? store = null, FindingSeverity threshold = FindingSeverity.Error) =>
        await (store ?? _store).ApplyFindingsAsync(new ResponsiblePartyRouter(PublicSuffixList.Load(),
                await new DirectoryRepository(_db, TimeProvider.System).LoadRoutingSnapshotAsync(_staff, default)), new NoDutyRoster(), s_site, threshold, 100,
            DateTimeOffset.UtcNow, default);

    private async Task<long> IncidentOfAsync(string zone) =>
        await CountAsync("SELECT id FROM incidents WHERE dedup_key = $1", MonitoringIntake.DedupKey(zone));

    private Task<long> EntriesAsync(long incident) => CountAsync("SELECT count(*) FROM incident_events WHERE incident_id = $1", incident);

    [Fact]
    public async Task Expired_signatures_open_one_incident_an_ongoing_finding_adds_nothing_a_rise_and_each_clearing_do_and_all_cleared_proposes_resolution()
    {
        await RunAsync("ml.", ("SEC-03", FindingSeverity.Error, "ml. SOA"));
        (await FindingsAsync()).ShouldBe(new FeedResult(1, 1, 0, 0));
        var id = await IncidentOfAsync("ml.");
        var incident = (await _store.GetAsync(_staff, id, default))!;
        incident.Summary.Title.ShouldBe("Zone ml.: SEC-03 DNSSEC signatures expired or invalid");
        incident.Summary.Triage.Classification.ToString().ShouldBe("availability:misconfiguration");
        incident.Summary.Triage.Severity.ShouldBe(Severity.Critical);
        incident.Summary.Source.ShouldBe(ReportSources.Monitoring);
        incident.Affected.ShouldHaveSingleItem().OrganisationId.ShouldBe(_registry);
        var request = incident.Requests.ShouldHaveSingleItem();
        (request.Recipient, request.Language, request.Status).ShouldBe(("noc@agence.test", "fr", RequestStatus.Notified));
        request.Action.ShouldContain("SEC-03 (error)");
        (await CountAsync("SELECT count(*) FROM notification_messages WHERE kind = 'coordination-request' AND language = 'fr' AND recipient = 'noc@agence.test'"))
            .ShouldBe(1);
        (await AckTokenAsync(id)).Length.ShouldBeGreaterThan(20, "the mail carries the acknowledgement link");
        var entries = await EntriesAsync(id);

        // The same finding on every cycle: nothing to read, nothing written.
        for (var cycle = 0; cycle < 3; cycle++)
        {
            await RunAsync("ml.", ("SEC-03", FindingSeverity.Error, "ml. SOA"));
            (await FindingsAsync()).Read.ShouldBe(0);
        }

        (await EntriesAsync(id)).ShouldBe(entries);

        // Worse (the DNSKEY RRset's signatures too: critical): one entry. A second finding: one entry. Still one incident.
        await RunAsync("ml.", ("SEC-03", FindingSeverity.Critical, "ml. SOA"), ("DEL-04", FindingSeverity.Error, "ns2.nic.ml."));
        (await FindingsAsync()).ShouldBe(new FeedResult(1, 0, 1, 0));
        (await EntriesAsync(id)).ShouldBe(entries + 2);
        (await CountAsync("SELECT count(*) FROM incidents")).ShouldBe(1);
        var texts = (await _store.GetAsync(_staff, id, default))!.Timeline.Select(e => e.Text).ToList();
        texts.ShouldContain(t => t.Contains("SEC-03 on ml. rose from error to critical", StringComparison.Ordinal));
        texts.ShouldContain(t => t.Contains("DEL-04 (error) on ml.", StringComparison.Ordinal));

        // The zone is up again for the probes, but SEC-03 is still there: the state feed does not propose resolution.
        await ZoneChangeAsync("ml.", "inconclusive", "up", "all servers answer");
        await FeedAsync();
        (await _store.GetAsync(_staff, id, default))!.Summary.State.ShouldBe(IncidentState.New);

        // One of the two clears: an entry, no resolution yet. The other clears: resolution proposed.
        await RunAsync("ml.", ("SEC-03", FindingSeverity.Critical, "ml. SOA"));
        (await FindingsAsync()).ShouldBe(new FeedResult(1, 0, 1, 0));
        (await _store.GetAsync(_staff, id, default))!.Summary.State.ShouldBe(IncidentState.New);
        await RunAsync("ml.");
        (await FindingsAsync()).ShouldBe(new FeedResult(1, 0, 0, 1));
        var proposed = (await _store.GetAsync(_staff, id, default))!;
        proposed.Summary.State.ShouldBe(IncidentState.ResolutionProposed);
        proposed.Timeline.Count(e => e.Text.Contains("cleared at", StringComparison.Ordinal)).ShouldBe(2);
        proposed.Timeline.ShouldContain(e => e.Kind == TimelineKind.StateChange && e.Text.StartsWith("new → resolution-proposed", StringComparison.Ordinal));
        (await FindingsAsync()).Read.ShouldBe(0);

        // It comes back before anyone confirmed: the same incident opens again, no second incident and no second request.
        await RunAsync("ml.", ("SEC-03", FindingSeverity.Error, "ml. SOA"));
        (await FindingsAsync()).Updated.ShouldBe(1);
        var again = (await _store.GetAsync(_staff, id, default))!;
        again.Summary.State.ShouldBe(IncidentState.Open);
        again.Requests.Count.ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM incidents")).ShouldBe(1);
    }

    [Fact]
    public async Task Findings_below_the_threshold_open_nothing_unless_the_threshold_is_lowered()
    {
        await RunAsync("zz.", ("SEC-04", FindingSeverity.Warning, "zz. SOA"), ("NS-03", FindingSeverity.Notice, "ns1.nic.zz."));
        (await FindingsAsync()).Read.ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM incidents")).ShouldBe(0);
        (await FindingsAsync(threshold: FindingSeverity.Warning)).Opened.ShouldBe(1);
        (await _store.GetAsync(_staff, await IncidentOfAsync("zz."), default))!.Summary.Title.ShouldContain("SEC-04");
    }

    [Fact]
    public async Task A_restarted_feed_resumes_from_its_records_without_repeating_or_losing_an_entry()
    {
        await RunAsync("ml.", ("SEC-03", FindingSeverity.Error, "ml. SOA"));
        (await FindingsAsync()).Opened.ShouldBe(1);
        var id = await IncidentOfAsync("ml.");
        var entries = await EntriesAsync(id);
        (await CountAsync("SELECT last_id FROM incident_feed_cursors WHERE feed = $1", IncidentStore.FindingsFeed))
            .ShouldBe(await CountAsync("SELECT max(id) FROM zone_findings"));

        // A new process (a new store on the same database) sees the finding as handled; the clearing it has not seen, it handles once.
        var options = Options.Create(new NotificationOptions { Enabled = true, FromAddress = "team@dnscert.test" });
        IncidentStore Restarted() => new(_db, new MessageFactory(options, new TeamKey((OpenPgpSigner?)null)),
            new ConstituencyRecipientDirectory(new ContactDirectory(_db), _db));
        await RunAsync("ml.", ("SEC-03", FindingSeverity.Error, "ml. SOA"));
        (await FindingsAsync(Restarted())).Read.ShouldBe(0);
        await RunAsync("ml.");
        (await FindingsAsync(Restarted())).ResolutionProposed.ShouldBe(1);
        (await FindingsAsync(Restarted())).Read.ShouldBe(0);
        (await EntriesAsync(id)).ShouldBe(entries + 2, "the clearing and the move to resolution-proposed, once each");
        (await CountAsync("SELECT count(*) FROM notification_messages WHERE kind = 'coordination-request'")).ShouldBe(1);

        // Two passes at once (two server instances): the feed's row serialises them; the finding is handled once.
        await RunAsync("zz.", ("DEL-02", FindingSeverity.Critical, "zz."));
        var both = await Task.WhenAll(FindingsAsync(Restarted()), FindingsAsync(Restarted()));
        both.Sum(r => r.Opened).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM incidents WHERE dedup_key = 'zone:zz'")).ShouldBe(1);
    }

    [Fact]
    public async Task Only_the_affected_organisation_and_the_core_team_see_a_findings_incident()
    {
        await RunAsync("ml.", ("CHG-01", FindingSeverity.Critical, "ml."));
        (await FindingsAsync()).Opened.ShouldBe(1);
        var id = await IncidentOfAsync("ml.");
        var own = await _store.GetAsync(ConstituentOf(_registry), id, default);
        own.ShouldNotBeNull();
        own.Summary.Triage.Technique.ShouldBe(DnsAbuseTechnique.DomainNameCompromise);
        (own.Summary.Triage.Effect, own.Summary.Triage.Pap).ShouldBe((ImpactEffect.Integrity, Pap.Red));
        (await _store.GetAsync(ConstituentOf(_other), id, default)).ShouldBeNull();
        (await _store.QueueAsync(ConstituentOf(_other), QueueView.Active, DateTimeOffset.UtcNow, 10, default)).ShouldBeEmpty();
        (await _store.QueueAsync(ConstituentOf(_registry), QueueView.Active, DateTimeOffset.UtcNow, 10, default)).ShouldHaveSingleItem().Id.ShouldBe(id);
    }
}
