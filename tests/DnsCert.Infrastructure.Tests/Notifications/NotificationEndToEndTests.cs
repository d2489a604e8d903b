using System.Text;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Notifications;

/// <summary>Directive → outbox → real SMTP server (aiosmtpd, Maildir) → checked with gpg.</summary>
public sealed class NotificationEndToEndTests : IAsyncLifetime
{
    private const string Passphrase = "team key passphrase";
    private readonly GnuPgHome _gpg = new();
    private SmtpSink _sink = null!;
    private NpgsqlDataSource _db = null!;
    private string _teamKeyPath = null!;
    private string _recipientPublicKey = null!;

    public async Task InitializeAsync()
    {
        _sink = await SmtpSink.StartAsync();
        _db = await MigratedDatabase.CreateAsync();
        var team = await _gpg.CreateKeyAsync("DNS-CERT Team <team@dnscert.test>", Passphrase, encryptionSubkey: false);
        _teamKeyPath = Path.Combine(_gpg.Path, "team-secret.asc");
        await File.WriteAllTextAsync(_teamKeyPath, await _gpg.ExportSecretAsync(team, Passphrase));
        var recipient = await _gpg.CreateKeyAsync("Operator <noc@registry.test>", "", encryptionSubkey: true);
        _recipientPublicKey = await _gpg.ExportPublicAsync(recipient);
    }

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        await _db.DisposeAsync();
        _gpg.Dispose();
    }

    private IOptions<NotificationOptions> Options(int maxPerRecipient = 20) => Microsoft.Extensions.Options.Options.Create(new NotificationOptions
    {
        Enabled = true,
        FromAddress = "team@dnscert.test",
        TeamKeyPath = _teamKeyPath,
        TeamKeyPassphrase = Passphrase,
        Smtp = new SmtpOptions { Host = _sink.Host, Port = _sink.Port, StartTls = StartTlsPolicy.Never, ConnectTimeoutSeconds = 5, CommandTimeoutSeconds = 10 },
        Rules = new NotificationRulesOptions { FindingWindow = TimeSpan.Zero, MaxMessagesPerRecipient = maxPerRecipient },
    });

    private Task<(int Queued, int Sent)> RunPipelineAsync(TestRecipientDirectory directory, params NotificationEvent[] events) =>
        RunPipelineAsync(directory, 20, events);

    private async Task<(int Queued, int Sent)> RunPipelineAsync(TestRecipientDirectory directory, int maxPerRecipient, params NotificationEvent[] events)
    {
        var options = Options(maxPerRecipient);
        var raise = new RaiseNotification(new NotificationRules(options.Value.Rules), new DirectiveStore(_db, TimeProvider.System));
        foreach (var e in events)
        {
            await raise.HandleAsync(e, default);
        }

        var planner = new DirectivePlanner(_db, directory, new MessageFactory(options, new TeamKey(options)), options, TimeProvider.System,
            NullLogger<DirectivePlanner>.Instance);
        var queued = await planner.PlanDueAsync(default);
        await using var sender = new OutboxSender(_db, options, TimeProvider.System, null, NullLogger<OutboxSender>.Instance);
        var sent = await sender.DrainAsync(default);
        await using var failures = _db.CreateCommand("SELECT string_agg(status || ': ' || coalesce(status_detail, ''), '; ') FROM notification_messages WHERE status NOT IN ('sent', 'queued')");
        (await failures.ExecuteScalarAsync() as string).ShouldBeNull();
        return (queued, sent);
    }

    [Fact]
    public async Task Three_findings_become_one_signed_french_message_that_gpg_verifies()
    {
        var organisation = Guid.NewGuid();
        var directory = new TestRecipientDirectory().Add(organisation, "technical",
            new Recipient("noc@registry.test", "Équipe NOC", ["fr-CA", "en"], null));
        var at = DateTimeOffset.UtcNow;
        var (queued, sent) = await RunPipelineAsync(directory,
            new FindingEvent(organisation, Tlp.Amber, at, "example.test.", "dnssec-signature-expiry", "critical", "RRSIG expires in 3 h"),
            new FindingEvent(organisation, Tlp.Amber, at, "other.test.", "lame-delegation", "warning", "ns2 answers REFUSED"),
            new FindingEvent(organisation, Tlp.Amber, at, "third.test.", "soa-serial-mismatch", "warning", "serials differ"));

        queued.ShouldBe(1);
        sent.ShouldBe(1);
        var raw = _sink.Messages().ShouldHaveSingleItem();
        var mail = MailEntity.Parse(raw);
        var subject = mail.DecodedHeader("Subject")!;
        subject.ShouldStartWith("[TLP:AMBER] Problèmes DNS détectés");
        subject.ShouldContain("(3)");
        subject.ShouldMatch(@"\[DnsCert #\d+\]$");
        mail.Header("To").ShouldBe("=?utf-8?B?w4lxdWlwZSBOT0M=?= <noc@registry.test>");
        mail.Header("Message-ID").ShouldEndWith("@dnscert.test>");
        mail.Header("Content-Language").ShouldBe("fr");
        mail.Header("Auto-Submitted").ShouldBe("auto-generated");
        mail.MediaType.ShouldBe("multipart/signed");
        mail.Parameter("Content-Type", "protocol").ShouldBe("application/pgp-signature");
        mail.Parameter("Content-Type", "micalg").ShouldBe("pgp-sha256");

        var parts = mail.Parts();
        parts.Count.ShouldBe(2);
        var text = parts[0].PlainText()!;
        text.ShouldStartWith("TLP:AMBER\r\n\r\nBonjour,");
        text.ShouldContain("example.test.");
        text.ShouldContain("other.test.");
        parts[0].Parts()[1].MediaType.ShouldBe("text/html");

        // The reference implementation checks our signature over the first part's exact bytes.
        var data = Path.Combine(_gpg.Path, "signed.eml");
        var signature = Path.Combine(_gpg.Path, "signed.asc");
        await File.WriteAllBytesAsync(data, parts[0].Raw);
        await File.WriteAllBytesAsync(signature, parts[1].Body.ToArray());
        var verify = await _gpg.RunAsync("--status-fd", "1", "--verify", signature, data);
        verify.ExitCode.ShouldBe(0, verify.StandardError);
        verify.StandardOutput.ShouldContain("[GNUPG:] GOODSIG");

        // One altered byte and gpg refuses it.
        var altered = (byte[])parts[0].Raw.Clone();
        altered[^5] ^= 1;
        await File.WriteAllBytesAsync(data, altered);
        (await _gpg.RunAsync("--verify", signature, data)).ExitCode.ShouldNotBe(0);
    }

    [Fact]
    public async Task A_recipient_with_a_key_gets_an_encrypted_message_gpg_decrypts_in_arabic()
    {
        var organisation = Guid.NewGuid();
        var directory = new TestRecipientDirectory().Add(organisation, "security",
            new Recipient("noc@registry.test", "NOC", ["ar", "en"], _recipientPublicKey));
        var (queued, sent) = await RunPipelineAsync(directory,
            new IncidentUpdateEvent(organisation, Tlp.Red, DateTimeOffset.UtcNow, "INC-42", "Hijacked delegation", "contained", "The NS set is restored."));
        (queued, sent).ShouldBe((1, 1));

        var mail = MailEntity.Parse(_sink.Messages().ShouldHaveSingleItem());
        mail.DecodedHeader("Subject")!.ShouldStartWith("[TLP:RED] الحادث INC-42");
        mail.MediaType.ShouldBe("multipart/encrypted");
        var parts = mail.Parts();
        Encoding.ASCII.GetString(parts[0].Body).ShouldContain("Version: 1");
        Encoding.ASCII.GetString(parts[1].Body).ShouldNotContain("INC-42");

        var encrypted = Path.Combine(_gpg.Path, "encrypted.asc");
        await File.WriteAllBytesAsync(encrypted, parts[1].Body.ToArray());
        var decrypt = await _gpg.RunAsync("--passphrase", "", "--decrypt", encrypted);
        decrypt.ExitCode.ShouldBe(0, decrypt.StandardError);
        var inner = MailEntity.Parse(Encoding.UTF8.GetBytes(decrypt.StandardOutput));
        inner.MediaType.ShouldBe("multipart/signed");
        var text = inner.PlainText()!;
        text.ShouldStartWith("TLP:RED");
        text.ShouldContain("The NS set is restored.");
        text.ShouldContain("مرحباً");
    }

    [Fact]
    public async Task Planning_twice_queues_nothing_more_and_an_unknown_role_is_unroutable()
    {
        var organisation = Guid.NewGuid();
        var directory = new TestRecipientDirectory().Add(organisation, "abuse", new Recipient("abuse@registrar.test", "", ["es"], null));
        var (queued, _) = await RunPipelineAsync(directory,
            new CampaignSliceEvent(organisation, Tlp.Green, DateTimeOffset.UtcNow.AddMinutes(-10), "CONF-2020-01-01", "Conficker A", ["a.test", "b.test", "a.test"], DateTimeOffset.UtcNow.AddDays(1)),
            new ShiftReminderEvent(organisation, Tlp.Clear, DateTimeOffset.UtcNow, "S-1", DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow.AddHours(9), "America/Lima"));
        queued.ShouldBe(1); // the campaign slice; nobody holds "on-call"
        var (again, _) = await RunPipelineAsync(directory);
        again.ShouldBe(0);
        var mail = MailEntity.Parse(_sink.Messages().ShouldHaveSingleItem());
        mail.DecodedHeader("Subject")!.ShouldStartWith("[TLP:GREEN] Conficker A: 2 dominios");
        await using var states = _db.CreateCommand("SELECT state, count(*) FROM notification_directives GROUP BY state ORDER BY state");
        await using var reader = await states.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        counts.ShouldBe(new Dictionary<string, long> { ["planned"] = 2, ["unroutable"] = 1 });
    }

    [Fact]
    public async Task Over_the_per_recipient_limit_a_message_waits_for_the_throttle_window()
    {
        var organisation = Guid.NewGuid();
        var directory = new TestRecipientDirectory()
            .Add(organisation, "technical", new Recipient("Ops@Registry.test", "", ["pt-BR"], null));
        var now = DateTimeOffset.UtcNow;
        var (queued, sent) = await RunPipelineAsync(directory, 1,
            new ReachTestEvent(organisation, Tlp.Green, now, "RT-1", "technical", now.AddDays(1)),
            new ReachTestEvent(organisation, Tlp.Green, now, "RT-2", "technical", now.AddDays(1)));
        queued.ShouldBe(2);
        sent.ShouldBe(1);
        await using var waiting = _db.CreateCommand(
            "SELECT recipient, next_attempt_at > now() + interval '50 minutes' FROM notification_messages WHERE status = 'queued'");
        await using var reader = await waiting.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue("one message waits");
        reader.GetString(0).ShouldBe("Ops@Registry.test", "the address is kept as given");
        reader.GetBoolean(1).ShouldBeTrue("held back for about the throttle window (1 h)");
        MailEntity.Parse(_sink.Messages().ShouldHaveSingleItem()).DecodedHeader("Subject")!.ShouldStartWith("[TLP:GREEN] Teste de contacto RT-");
    }

    [Fact]
    public void A_wrong_team_key_passphrase_stops_the_start()
    {
        var validator = new NotificationOptionsValidator();
        var settings = Options().Value;
        validator.Validate(null, settings).Succeeded.ShouldBeTrue();
        settings.TeamKeyPassphrase = "wrong";
        var result = validator.Validate(null, settings);
        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Notifications:TeamKeyPassphrase");
    }
}
