using DnsCert.Core.Duty;
using DnsCert.Core.Notifications;
using DnsCert.Infrastructure.Duty;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DnsCert.Infrastructure.Tests.Duty;

/// <summary>
/// The escalation ladder on a hand-moved clock, real PostgreSQL and the real SMTP server (aiosmtpd): duty officer →
/// backup → head of operations, each rung once, then silence; acknowledgement stops it.
/// </summary>
public sealed class EscalationTests : IAsyncLifetime
{
    // Monday 2026-03-30 09:00Z: Paris 11:00 CEST, Pierre on duty in EMEA with Ben as backup.
    private static readonly DateTimeOffset s_start = DateTimeOffset.Parse("2026-03-30T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private SmtpSink _sink = null!;
    private DutyWorld _world = null!;
    private IOptions<NotificationOptions> _mail = null!;

    public async Task InitializeAsync()
    {
        _sink = await SmtpSink.StartAsync();
        _world = await DutyWorld.CreateAsync(s_start);
        _mail = Options.Create(new NotificationOptions
        {
            Enabled = true,
            FromAddress = "duty@dnscert.test",
            Smtp = new SmtpOptions { Host = _sink.Host, Port = _sink.Port, StartTls = StartTlsPolicy.Never, ConnectTimeoutSeconds = 5, CommandTimeoutSeconds = 10 },
        });
    }

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        await _world.Db.DisposeAsync();
    }

    private DutyPager Pager(Uri? webhook = null) => new(_world.Db, _world.Roster, _world.Repository, new MessageFactory(_mail, new TeamKey(_mail)),
        Options.Create(new DutyOptions { AcknowledgeWithinMinutes = 15, PageWebhookUrl = webhook }), PublicLinks.From("https://cert.test"),
        _world.Clock, NullLogger<DutyPager>.Instance);

    private async Task<List<MailEntity>> SendOutboxAsync()
    {
        await using var sender = new OutboxSender(_world.Db, _mail, TimeProvider.System, null, NullLogger<OutboxSender>.Instance);
        await sender.DrainAsync(default);
        return [.. _sink.Messages().Select(MailEntity.Parse)];
    }

    [Fact]
    public async Task An_unanswered_page_climbs_officer_backup_head_once_each_and_mail_reaches_each_in_their_language()
    {
        var pager = Pager();
        var page = await pager.PageAsync("EMEA", "Signatures of .test expire in 2 h", "RRSIGs of test. expire at 11:00Z.", "INC-1");
        page.Level.ShouldBe(EscalationLevel.DutyOfficer);
        page.Notices.ShouldHaveSingleItem().PersonId.ShouldBe(_world.People["pierre"]);
        // The same reference pages once.
        (await pager.PageAsync("EMEA", "again", "", "INC-1")).Id.ShouldBe(page.Id);

        _world.Clock.Now = s_start.AddMinutes(14);
        (await pager.EscalateDueAsync()).ShouldBe(0);
        _world.Clock.Now = s_start.AddMinutes(15);
        (await pager.EscalateDueAsync()).ShouldBe(1);
        (await pager.EscalateDueAsync()).ShouldBe(0, "a rung is climbed once");
        _world.Clock.Now = s_start.AddMinutes(30);
        // Two workers at once (two server instances): SKIP LOCKED lets only one climb.
        var both = await Task.WhenAll(pager.EscalateDueAsync(), Pager().EscalateDueAsync());
        both.Sum().ShouldBe(1);
        _world.Clock.Now = s_start.AddHours(3);
        (await pager.EscalateDueAsync()).ShouldBe(0, "the head of operations is the top rung");

        var climbed = (await pager.FindAsync(page.Id))!;
        climbed.Level.ShouldBe(EscalationLevel.HeadOfOperations);
        climbed.NextEscalationAt.ShouldBeNull();
        climbed.Notices.Select(n => (n.Level, n.PersonId)).ShouldBe(
        [
            (EscalationLevel.DutyOfficer, _world.People["pierre"]),
            (EscalationLevel.Backup, _world.People["ben"]),
            (EscalationLevel.HeadOfOperations, _world.People["hoops"]),
        ]);

        var mails = await SendOutboxAsync();
        mails.Count.ShouldBe(3);
        var byRecipient = mails.ToDictionary(m => m.Header("To")!.Split('<', '>')[1]);
        byRecipient["pierre@cert.test"].DecodedHeader("Subject")!.ShouldStartWith($"[TLP:AMBER] ALERTE P-{page.Number} (duty-officer)");
        byRecipient["ben@cert.test"].DecodedHeader("Subject")!.ShouldStartWith($"[TLP:AMBER] PAGE P-{page.Number} (backup)");
        var head = byRecipient["hoops@cert.test"];
        head.DecodedHeader("Subject")!.ShouldContain("(head-of-operations): Signatures of .test expire in 2 h");
        var text = (head.PlainText() ?? head.Parts()[0].PlainText())!;
        text.ShouldContain("https://cert.test/duty/pages?id=" + page.Id);
        text.ShouldContain("RRSIGs of test. expire at 11:00Z.");
    }

    [Fact]
    public async Task An_acknowledged_page_stops_climbing_and_the_first_acknowledgement_counts()
    {
        var pager = Pager();
        var page = await pager.PageAsync(null, "Global page", "body", null);
        // Globally at 09:00Z it is EMEA's window: Pierre.
        page.Notices.ShouldHaveSingleItem().PersonId.ShouldBe(_world.People["pierre"]);
        _world.Clock.Now = s_start.AddMinutes(5);
        (await pager.AcknowledgeAsync(page.Id, _world.People["pierre"], "console")).ShouldBeTrue();
        (await pager.AcknowledgeAsync(page.Id, _world.People["ben"], "sms-gateway")).ShouldBeFalse();
        _world.Clock.Now = s_start.AddHours(1);
        (await pager.EscalateDueAsync()).ShouldBe(0);
        var done = (await pager.FindAsync(page.Id))!;
        done.AcknowledgedBy.ShouldBe(_world.People["pierre"]);
        done.AcknowledgedVia.ShouldBe("console");
        done.Notices.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_rung_with_nobody_is_skipped_and_the_sms_gateway_gets_a_webhook_per_notice()
    {
        await _world.Repository.SetPhoneAsync(_world.People["aiko"], "+81 312345678", Core.Audit.AuditEntry.Create(s_start, null, "test", "duty.profile"), default);
        // 02:00Z: Tokyo 11:00, Aiko on duty in APAC, which has no backup shift.
        _world.Clock.Now = s_start.AddHours(-7);
        var pager = Pager(new Uri("https://sms-gateway.test/hook"));
        var page = await pager.PageAsync("APAC", "Root server unreachable", "", null);
        page.Notices.Select(n => n.Channel).Order().ShouldBe(["email", "webhook"]);
        _world.Clock.Now += TimeSpan.FromMinutes(15);
        (await pager.EscalateDueAsync()).ShouldBe(1);
        var climbed = (await pager.FindAsync(page.Id))!;
        climbed.Level.ShouldBe(EscalationLevel.HeadOfOperations, "no backup: straight to the head of operations");

        await using var hooks = _world.Db.CreateCommand("SELECT recipient, convert_from(content, 'UTF8') FROM notification_messages WHERE channel = 'webhook' ORDER BY created_at");
        await using var reader = await hooks.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetString(0).ShouldBe("https://sms-gateway.test/hook");
        using var json = System.Text.Json.JsonDocument.Parse(reader.GetString(1));
        json.RootElement.GetProperty("Kind").GetString().ShouldBe("duty-page");
        var item = json.RootElement.GetProperty("Items")[0];
        item.GetProperty("phone").GetString().ShouldBe("+81312345678");
        item.GetProperty("pageId").GetString().ShouldBe(page.Id.ToString());
        item.GetProperty("level").GetString().ShouldBe("duty-officer");
    }
}
