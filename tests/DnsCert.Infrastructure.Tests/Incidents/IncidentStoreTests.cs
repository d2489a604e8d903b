using System.Text;
using System.Text.RegularExpressions;
using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Incidents;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Incidents;
using DnsCert.Infrastructure.Notifications;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Incidents;

/// <summary>Incidents on real PostgreSQL: the monitoring feed, coordination requests through the outbox, visibility, transactions.</summary>
public sealed partial class IncidentStoreTests : IAsyncLifetime
{
    private static readonly DirectoryActor s_actor = new(null, "test", null);
    private static readonly Uri s_site = new("https://dnscert.test/");
    private readonly Viewer _staff = Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer);
    private NpgsqlDataSource _db = null!;
    private DirectoryService _directory = null!;
    private IncidentStore _store = null!;
    private IncidentService _service = null!;
    private Guid _registry;
    private Guid _other;

    public async Task InitializeAsync()
    {
        _db = await MigratedDatabase.CreateAsync();
        _directory = new DirectoryService(new DirectoryRepository(_db, TimeProvider.System), new OpenPgpKeyReader());
        _registry = await OrganisationAsync("Agence des Noms", "ml", "noc@agence.test", "fr");
        _other = await OrganisationAsync("Other Registry", "zz", "noc@other.test", "en");
        var options = Options.Create(new NotificationOptions { Enabled = true, FromAddress = "team@dnscert.test" });
        _store = new IncidentStore(_db, new MessageFactory(options, new TeamKey((OpenPgpSigner?)null)),
            new ConstituencyRecipientDirectory(new ContactDirectory(_db), _db));
        _service = new IncidentService(_store, new NoDutyRoster(), TimeProvider.System,
            new RaiseNotification(new NotificationRules(new NotificationRulesOptions()), new DirectiveStore(_db, TimeProvider.System)));
        await using var user = _db.CreateCommand(
            "INSERT INTO users (id, user_name, display_name, roles, password_hash, must_change_password, created_at) VALUES ($1, 'duty', 'Duty Officer', '{duty-officer}', 'x', false, now())");
        user.Parameters.Add(new() { Value = _staff.UserId!.Value });
        await user.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<Guid> OrganisationAsync(string name, string zone, string email, string language)
    {
        var id = await _directory.CreateOrganisationAsync(_staff, new OrganisationInput(name, OrganisationKind.CcTldRegistry, IcannRegion.Africa, null, [language],
            "UTC", false), s_actor, default);
        await _directory.SaveContactAsync(_staff, id, null, new ContactInput("NOC", true, [ContactRole.Emergency], email, null, language, null, null, null), s_actor, default);
        await ExecuteAsync("INSERT INTO assets (id, organisation_id, kind, value, source, created_at) VALUES (gen_random_uuid(), $1, 'zone', $2, 'manual', now())", id, zone);
        return id;
    }

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var command = _db.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var command = _db.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task ZoneChangeAsync(string zone, string from, string to, string reason) => ExecuteAsync(
        "INSERT INTO zone_state_changes (zone, from_state, to_state, changed_at, reason, recorded_at) VALUES ($1, $2, $3, now(), $4, now())", zone, from, to, reason);

    private async Task<FeedResult> FeedAsync() =>
        await _store.ApplyZoneChangesAsync(new ResponsiblePartyRouter(PublicSuffixList.Load(),
            await new DirectoryRepository(_db, TimeProvider.System).LoadRoutingSnapshotAsync(_staff, default)), new NoDutyRoster(), s_site, 100, DateTimeOffset.UtcNow, default);

    /// <summary>The acknowledgement link, read back from the message as it would go on the wire (soft line breaks joined).</summary>
    private async Task<string> AckTokenAsync(long incidentId)
    {
        await using var command = _db.CreateCommand(
            "SELECT m.content FROM notification_messages m JOIN coordination_requests r ON r.message = m.id WHERE r.incident_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = incidentId });
        var mime = Encoding.UTF8.GetString((byte[])(await command.ExecuteScalarAsync())!).Replace("=\r\n", "", StringComparison.Ordinal);
        return AckLink().Match(mime).Groups[1].Value;
    }

    [GeneratedRegex("https://dnscert\\.test/incidents/ack/([A-Za-z0-9_-]{20,})")]
    private static partial Regex AckLink();

    private Viewer ConstituentOf(Guid organisation) => Viewer.Person(Guid.NewGuid(), organisation, Roles.Constituent);

    [Fact]
    public async Task A_failing_tld_opens_one_incident_asks_its_registry_in_its_language_and_resolves_on_confirmation()
    {
        await ZoneChangeAsync("ml.", "up", "down", "RRSIG expired on ml. SOA");
        var first = await FeedAsync();
        (first.Read, first.Opened).ShouldBe((1, 1));

        // The fault goes on: more changes for the same zone update the incident, never open another.
        await ZoneChangeAsync("ml.", "down", "inconclusive", "half the vantage points time out");
        await ZoneChangeAsync("ml.", "inconclusive", "down", "RRSIG expired on ml. SOA");
        var second = await FeedAsync();
        (second.Read, second.Opened, second.Updated).ShouldBe((2, 0, 2));
        (await CountAsync("SELECT count(*) FROM incidents")).ShouldBe(1);

        var queue = await _store.QueueAsync(_staff, QueueView.Unassigned, DateTimeOffset.UtcNow, 10, default);
        var incident = await _store.GetAsync(_staff, queue.ShouldHaveSingleItem().Id, default);
        incident!.Summary.Triage.Classification.ToString().ShouldBe("availability:misconfiguration");
        incident.Summary.Triage.Severity.ShouldBe(Severity.Critical);
        incident.Affected.ShouldHaveSingleItem().OrganisationId.ShouldBe(_registry);
        var request = incident.Requests.ShouldHaveSingleItem();
        (request.Recipient, request.Language, request.Status).ShouldBe(("noc@agence.test", "fr", RequestStatus.Notified));
        (await CountAsync("SELECT count(*) FROM notification_messages WHERE kind = 'coordination-request' AND language = 'fr' AND recipient = 'noc@agence.test'")).ShouldBe(1);
        incident.Summary.FirstResponseAt.ShouldNotBeNull();
        incident.Summary.AcknowledgedAt.ShouldBeNull("the platform's own request is not a person acknowledging");

        // The registry follows its link: acknowledged on the request and in the timeline; a second click changes nothing.
        var token = await AckTokenAsync(incident.Summary.Id);
        (await _service.AcknowledgeAsync(token, default))!.Status.ShouldBe(RequestStatus.Acknowledged);
        (await _service.AcknowledgeAsync(token, default))!.Status.ShouldBe(RequestStatus.Acknowledged);
        (await _service.AcknowledgeAsync(token + "x", default)).ShouldBeNull();

        await ZoneChangeAsync("ml.", "down", "up", "all checks pass");
        (await FeedAsync()).ResolutionProposed.ShouldBe(1);
        (await _store.GetAsync(_staff, incident.Summary.Id, default))!.Summary.State.ShouldBe(IncidentState.ResolutionProposed);

        await _service.ChangeStateAsync(_staff, incident.Summary.Id, IncidentState.Closed, "confirmed: signatures renewed", new IncidentActor(_staff.UserId, "duty"), default);
        var closed = (await _store.GetAsync(_staff, incident.Summary.Id, default))!;
        closed.Summary.State.ShouldBe(IncidentState.Closed);
        closed.Summary.ResolvedAt.ShouldNotBeNull();
        closed.Summary.AcknowledgedAt.ShouldNotBeNull();
        (await CountAsync("SELECT count(*) FROM notification_directives WHERE kind = 'incident-update' AND organisation_id = $1 AND item->>'status' = 'closed'",
            _registry)).ShouldBe(1, "the registry hears of the closing through the notification pipeline");
        var kinds = closed.Timeline.Select(e => e.Kind).ToList();
        kinds.Count(k => k == TimelineKind.Finding).ShouldBe(4);
        kinds.ShouldContain(TimelineKind.MailOut);
        closed.Timeline.Count(e => e.Kind == TimelineKind.Request && e.Text.Contains("acknowledged", StringComparison.Ordinal)).ShouldBe(1);
        closed.Timeline.Where(e => e.Kind == TimelineKind.StateChange).Select(e => e.Text[..e.Text.IndexOf(':', StringComparison.Ordinal)]).ShouldBe(
            ["Opened (monitoring)", "new → resolution-proposed", "resolution-proposed → closed"]);

        // A new fault after closing opens a new incident: the key is unique among active incidents only.
        await ZoneChangeAsync("ml.", "up", "down", "all name servers time out");
        (await FeedAsync()).Opened.ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM incidents")).ShouldBe(2);
    }

    [Fact]
    public async Task A_constituent_sees_only_incidents_of_their_organisation_never_internal_entries_tasks_or_red_items_not_addressed_to_them()
    {
        var staffActor = new IncidentActor(_staff.UserId, "duty");
        var amber = await _service.OpenAsync(_staff, new NewIncident("ml. hijack", "", Triage.FromMatrix(Rsit.Parse("intrusions:system-compromise", null),
            DnsAbuseTechnique.DomainNameCompromise, ImpactScope.Tld, null, Tlp.Amber, Pap.Red), ["ml"],
            [new AffectedOrganisation(_registry, "Agence des Noms", "registry", IcannRegion.Africa)], [], [], "api", null, null, _staff.UserId), staffActor, default);
        await _service.CommentAsync(_staff, amber, "suspect the registrar account", isInternal: true, staffActor, default);
        await _service.CommentAsync(_staff, amber, "we are looking into it", isInternal: false, staffActor, default);
        await _service.AddTaskAsync(_staff, amber, "check the DS history", _staff.UserId, null, staffActor, default);
        var named = ConstituentOf(_registry);
        var red = await _service.OpenAsync(_staff, new NewIncident("ml. red", "", Triage.FromMatrix(Rsit.Undetermined, DnsAbuseTechnique.None, ImpactScope.Tld, null,
            Tlp.Red, Pap.Red), [], [new AffectedOrganisation(_registry, "Agence des Noms", "registry", IcannRegion.Africa)], [named.UserId!.Value], [], "api", null, null,
            _staff.UserId), staffActor, default);

        var mine = ConstituentOf(_registry);
        var seen = await _store.GetAsync(mine, amber, default);
        seen.ShouldNotBeNull();
        seen.Timeline.ShouldNotContain(e => e.Internal);
        seen.Timeline.ShouldContain(e => e.Text == "we are looking into it");
        seen.Tasks.ShouldBeEmpty();
        (await _store.GetAsync(_staff, amber, default))!.Tasks.ShouldHaveSingleItem();
        (await _store.QueueAsync(mine, QueueView.Active, DateTimeOffset.UtcNow, 50, default)).Select(i => i.Id).ShouldBe([amber]);
        (await _store.GetAsync(mine, red, default)).ShouldBeNull("TLP:RED reaches named people only");
        (await _store.GetAsync(named, red, default)).ShouldNotBeNull();

        var stranger = ConstituentOf(_other);
        (await _store.GetAsync(stranger, amber, default)).ShouldBeNull();
        (await _store.QueueAsync(stranger, QueueView.Active, DateTimeOffset.UtcNow, 50, default)).ShouldBeEmpty();
        (await _service.AfterActionAsync(mine, amber, default)).ShouldNotContain("suspect the registrar account");
        (await _service.AfterActionAsync(_staff, amber, default)).ShouldContain("suspect the registrar account");
        await Should.ThrowAsync<IncidentNotFoundException>(() => _service.AfterActionAsync(stranger, amber, default));

        // The core team sees TLP:AMBER whatever the recipients, but TLP:RED only when named (or its creator).
        var otherStaff = Viewer.Person(Guid.NewGuid(), null, Roles.IncidentHandler);
        (await _store.GetAsync(otherStaff, amber, default)).ShouldNotBeNull();
        (await _store.GetAsync(otherStaff, red, default)).ShouldBeNull();
        await Should.ThrowAsync<UnauthorizedAccessException>(() => _service.CommentAsync(mine, amber, "may I?", false, new IncidentActor(mine.UserId, "c"), default));
    }

    [Fact]
    public async Task A_refused_command_writes_nothing_and_the_timeline_is_append_only()
    {
        var actor = new IncidentActor(_staff.UserId, "duty");
        var orphan = await _directory.CreateOrganisationAsync(_staff, new OrganisationInput("No Contact Ltd", OrganisationKind.Registrar, IcannRegion.Europe, null, ["en"],
            "UTC", false), s_actor, default);
        var id = await _service.OpenAsync(_staff, new NewIncident("t", "", Triage.FromMatrix(Rsit.Undetermined, DnsAbuseTechnique.None, ImpactScope.Domain, null,
            Tlp.Amber, Pap.Amber), [], [], [], [], "api", null, null, _staff.UserId), actor, default);
        var events = await CountAsync("SELECT count(*) FROM incident_events WHERE incident_id = $1", id);

        (await Should.ThrowAsync<ValidationException>(() => _service.AddRequestAsync(_staff, id, orphan, "please act", null, s_site, actor, default))).Field
            .ShouldBe("organisation");
        (await Should.ThrowAsync<ValidationException>(() => _service.ChangeStateAsync(_staff, id, IncidentState.Merged, null, actor, default))).Field.ShouldBe("state");
        (await Should.ThrowAsync<ValidationException>(() => _service.CommentAsync(_staff, id, "  ", false, actor, default))).Field.ShouldBe("comment");

        (await CountAsync("SELECT count(*) FROM coordination_requests")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM notification_messages")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM incident_events WHERE incident_id = $1", id)).ShouldBe(events);
        await Should.ThrowAsync<PostgresException>(() => ExecuteAsync("UPDATE incident_events SET text = 'rewritten' WHERE incident_id = $1", id));
        await Should.ThrowAsync<PostgresException>(() => ExecuteAsync("DELETE FROM incident_events WHERE incident_id = $1", id));
    }

    [Fact]
    public async Task Merge_and_split_move_reports_and_write_on_both_timelines()
    {
        var actor = new IncidentActor(_staff.UserId, "duty");
        var reports = new List<long>();
        foreach (var subject in new[] { "ml. answers bogus", "ml. bogus again", "zz. slow" })
        {
            reports.Add(await _service.SubmitReportAsync(_staff, ReportSources.Api, "reporter@example.org", subject, "details", "ml", "en", null, default));
        }

        Incident(out var triage);
        var a = await _service.OpenAsync(_staff, new NewIncident("ml. bogus", "", triage, [], [new AffectedOrganisation(_registry, "Agence", "registry", IcannRegion.Africa)],
            [], [reports[0], reports[2]], "api", null, null, _staff.UserId), actor, default);
        var b = await _service.OpenAsync(_staff, new NewIncident("ml. bogus (dup)", "", triage with { Tlp = Tlp.AmberStrict }, [],
            [new AffectedOrganisation(_other, "Other", "registry", IcannRegion.Africa)], [], [reports[1]], "api", null, null, _staff.UserId), actor, default);

        await _service.MergeAsync(_staff, a, b, actor, default);
        var merged = (await _store.GetAsync(_staff, a, default))!;
        merged.Reports.Select(r => r.Id).Order().ShouldBe([reports[0], reports[1], reports[2]]);
        merged.Summary.Triage.Tlp.ShouldBe(Tlp.AmberStrict);
        merged.Affected.Select(x => x.OrganisationId).ShouldBe([_registry, _other], ignoreOrder: true);
        merged.Timeline.ShouldContain(e => e.Kind == TimelineKind.Merge);
        var gone = (await _store.GetAsync(_staff, b, default))!;
        (gone.Summary.State, gone.MergedInto).ShouldBe((IncidentState.Merged, a));
        gone.Timeline.ShouldContain(e => e.Kind == TimelineKind.Merge && e.Text.Contains(IncidentReferences.Format(a), StringComparison.Ordinal));
        (await _store.GetAsync(ConstituentOf(_other), a, default)).ShouldNotBeNull("the merged incident concerns both organisations");

        var split = await _service.SplitAsync(_staff, a, [reports[2]], "zz. slow", actor, default);
        var fresh = (await _store.GetAsync(_staff, split, default))!;
        fresh.Reports.ShouldHaveSingleItem().Id.ShouldBe(reports[2]);
        fresh.Summary.Triage.Tlp.ShouldBe(Tlp.AmberStrict);
        fresh.Timeline.ShouldContain(e => e.Kind == TimelineKind.Split);
        (await _store.GetAsync(_staff, a, default))!.Timeline.Count(e => e.Kind == TimelineKind.Split).ShouldBe(1);
        (await Should.ThrowAsync<ValidationException>(() => _service.SplitAsync(_staff, a, [reports[0], reports[1]], "all", actor, default))).Field.ShouldBe("reports");
    }

    private static void Incident(out Triage triage) =>
        triage = Triage.FromMatrix(Rsit.Parse("availability:misconfiguration", null), DnsAbuseTechnique.None, ImpactScope.Tld, ImpactEffect.Outage, Tlp.Amber, Pap.Amber);

    [Fact]
    public async Task A_public_report_is_queued_with_its_confirmation_mail_and_confirmed_by_the_link_only()
    {
        var id = await _service.SubmitReportAsync(Viewer.Public, ReportSources.PublicForm, "someone@example.org", "Bogus answers for ml.", "dig shows SERVFAIL",
            "ml", "pt", s_site, default);

        await using var command = _db.CreateCommand("SELECT language, content FROM notification_messages WHERE kind = 'report-confirmation' AND recipient = 'someone@example.org'");
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetString(0).ShouldBe("pt");
        var mime = Encoding.UTF8.GetString((byte[])reader[1]).Replace("=\r\n", "", StringComparison.Ordinal);
        var token = ConfirmLink().Match(mime).Groups[1].Value;
        token.ShouldNotBeEmpty();

        (await _store.ReportsAsync(Viewer.Public, false, 10, default)).ShouldBeEmpty("a report is TLP:AMBER for the core team");
        (await _service.ConfirmReportAsync("not-the-token", default)).ShouldBeNull();
        (await _service.ConfirmReportAsync(token, default))!.Id.ShouldBe(id);
        (await _store.ReportsAsync(_staff, true, 10, default)).ShouldHaveSingleItem().ConfirmedAt.ShouldNotBeNull();
        (await Should.ThrowAsync<ValidationException>(() => _service.SubmitReportAsync(Viewer.Public, ReportSources.PublicForm, "not an address", "s", "b", null, "en",
            s_site, default))).Field.ShouldBe("sender");
        (await CountAsync("SELECT count(*) FROM reports")).ShouldBe(1);
    }

    [GeneratedRegex("https://dnscert\\.test/report/confirm/([A-Za-z0-9_-]{20,})")]
    private static partial Regex ConfirmLink();

    private sealed class FixedDuty(DutyOfficer officer) : IDutyOfficerLookup
    {
        public Task<DutyOfficer?> OnDutyAsync(IcannRegion region, DateTimeOffset at, CancellationToken cancellationToken) =>
            Task.FromResult<DutyOfficer?>(region == IcannRegion.Africa ? officer : null);
    }

    [Fact]
    public async Task Late_clocks_escalate_once_to_the_duty_officer_and_overdue_ones_to_the_head_of_operations()
    {
        await ExecuteAsync("UPDATE users SET email = 'duty@dnscert.test' WHERE id = $1", _staff.UserId!.Value);
        var opened = DateTimeOffset.UtcNow.AddHours(-2);
        Incident(out var triage); // TLD outage: critical, acknowledge 15 min, first response 1 h, resolution 24 h.
        var id = await _store.OpenAsync(new NewIncident("ml. down", "", triage, ["ml"], [new AffectedOrganisation(_registry, "Agence", "registry", IcannRegion.Africa)],
            [], [], "api", null, null, null), IncidentActor.System, opened, default);
        var duty = new FixedDuty(new DutyOfficer(_staff.UserId!.Value, "Duty Officer"));

        var first = await _store.EscalateAsync(duty, "head@dnscert.test", DateTimeOffset.UtcNow, default);

        // Acknowledge and first response are both past twice their target; resolution is not late.
        first.ShouldBe(new EscalationResult(2, 2));
        (await CountAsync("SELECT count(*) FROM notification_messages WHERE kind = 'incident-update' AND recipient = 'duty@dnscert.test'")).ShouldBe(2);
        (await CountAsync("SELECT count(*) FROM notification_messages WHERE kind = 'incident-update' AND recipient = 'head@dnscert.test'")).ShouldBe(2);
        var timeline = (await _store.GetAsync(_staff, id, default))!.Timeline.Where(e => e.Kind == TimelineKind.Escalation).ToList();
        timeline.Count.ShouldBe(4);
        timeline.ShouldAllBe(e => e.Internal);
        (await _store.EscalateAsync(duty, "head@dnscert.test", DateTimeOffset.UtcNow, default)).ShouldBe(new EscalationResult(0, 0));
        (await _store.GetAsync(ConstituentOf(_registry), id, default))!.Timeline.ShouldNotContain(e => e.Kind == TimelineKind.Escalation);
    }

    [Fact]
    public async Task Overdue_clocks_escalate_to_the_users_holding_the_head_of_operations_role_and_the_setting_is_only_the_fallback()
    {
        await ExecuteAsync("""
            INSERT INTO users (id, user_name, display_name, email, language, roles, password_hash, must_change_password, created_at, disabled) VALUES
              (gen_random_uuid(), 'hoops', 'Head One', 'hoops@dnscert.test', 'fr', '{head-of-operations}', 'x', false, now(), false),
              (gen_random_uuid(), 'former', 'Former Head', 'former@dnscert.test', 'en', '{head-of-operations}', 'x', false, now(), true),
              (gen_random_uuid(), 'noaddress', 'Head Without Mail', NULL, 'en', '{head-of-operations,duty-officer}', 'x', false, now(), false)
            """);
        Incident(out var triage);
        var id = await _store.OpenAsync(new NewIncident("ml. down", "", triage, ["ml"], [new AffectedOrganisation(_registry, "Agence", "registry", IcannRegion.Africa)],
            [], [], "api", null, null, null), IncidentActor.System, DateTimeOffset.UtcNow.AddHours(-2), default);

        (await _store.EscalateAsync(new NoDutyRoster(), "fallback@dnscert.test", DateTimeOffset.UtcNow, default)).HeadOfOperations.ShouldBe(2);

        // The role holder with an address, in their language; never the disabled former head, nor the fallback.
        (await CountAsync("SELECT count(*) FROM notification_messages WHERE kind = 'incident-update' AND recipient = 'hoops@dnscert.test' AND language = 'fr'")).ShouldBe(2);
        (await CountAsync("SELECT count(*) FROM notification_messages WHERE recipient IN ('former@dnscert.test', 'fallback@dnscert.test')")).ShouldBe(0);
        (await _store.GetAsync(_staff, id, default))!.Timeline.ShouldContain(e => e.Kind == TimelineKind.Escalation
            && e.Text.Contains("head of operations <hoops@dnscert.test>", StringComparison.Ordinal));

        // Nobody holds the role any more: the configured address takes the next escalation.
        await ExecuteAsync("UPDATE users SET roles = '{duty-officer}' WHERE user_name = 'hoops'");
        await _store.OpenAsync(new NewIncident("zz. down", "", triage, ["zz"], [], [], [], "api", null, null, null), IncidentActor.System,
            DateTimeOffset.UtcNow.AddHours(-2), default);
        (await _store.EscalateAsync(new NoDutyRoster(), "fallback@dnscert.test", DateTimeOffset.UtcNow, default)).HeadOfOperations.ShouldBe(2);
        (await CountAsync("SELECT count(*) FROM notification_messages WHERE recipient = 'fallback@dnscert.test'")).ShouldBe(2);
    }

    [Fact]
    public async Task A_reply_to_a_coordination_request_appears_once_in_the_incident_timeline()
    {
        var actor = new IncidentActor(_staff.UserId, "duty");
        Incident(out var triage);
        var id = await _service.OpenAsync(_staff, new NewIncident("ml. bogus", "", triage, [], [], [], [], "api", null, null, _staff.UserId), actor, default);
        await _service.AddRequestAsync(_staff, id, _registry, "Re-sign the zone", null, s_site, actor, default);
        await ExecuteAsync("""
            INSERT INTO mail_intake (id, received_at, sender, subject, disposition, message, signature, raw)
            SELECT gen_random_uuid(), now(), 'noc@agence.test', 'Re: ' || m.subject, 'reply', m.id, 'none', '\x00'
            FROM notification_messages m JOIN coordination_requests r ON r.message = m.id WHERE r.incident_id = $1
            """, id);

        (await _store.RecordRepliesAsync(default)).ShouldBe(1);
        (await _store.RecordRepliesAsync(default)).ShouldBe(0);
        var reply = (await _store.GetAsync(_staff, id, default))!.Timeline.Single(e => e.Kind == TimelineKind.MailIn);
        reply.Actor.ShouldBe("noc@agence.test");
        reply.Text.ShouldContain("Re: [TLP:AMBER]");
    }
}
