using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Notifications;

/// <summary>The sender against a real SMTP server: STARTTLS, refusals, retries, dead letters; and signed webhooks.</summary>
public sealed class OutboxSenderTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync() => _db = await MigratedDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static NotificationOptions Settings(SmtpSink sink, int maxAttempts = 8) => new()
    {
        Enabled = true,
        FromAddress = "team@dnscert.test",
        WebhookSecret = "a webhook secret of at least thirty-two characters",
        Smtp = new SmtpOptions { Host = sink.Host, Port = sink.Port, StartTls = StartTlsPolicy.Never, ConnectTimeoutSeconds = 5, CommandTimeoutSeconds = 10 },
        Outbox = new OutboxOptions { MaxAttempts = maxAttempts, RetryBaseSeconds = 60 },
    };

    private async Task<OutboxMessage> QueueAsync(NotificationOptions settings, Recipient recipient)
    {
        var options = Microsoft.Extensions.Options.Options.Create(settings);
        var message = new MessageFactory(options, new TeamKey((OpenPgpSigner?)null)).Create(new OutgoingNotification(
            Guid.NewGuid().ToString("N"), Guid.NewGuid(), NotificationKind.ShiftReminder, Tlp.Clear, recipient,
            [new Dictionary<string, string> { ["shift"] = "S-7", ["starts"] = "a", ["ends"] = "b", ["timezone"] = "UTC" }]),
            Random.Shared.NextInt64(1, long.MaxValue / 2), DateTimeOffset.UtcNow);
        await OutboxWriter.InsertManyAsync(_db, [message], DateTimeOffset.UtcNow.AddSeconds(-1), default);
        return message;
    }

    private OutboxSender Sender(NotificationOptions settings, IHttpClientFactory? http = null) =>
        new(_db, Microsoft.Extensions.Options.Options.Create(settings), TimeProvider.System, http, NullLogger<OutboxSender>.Instance);

    private async Task<(string Status, int Attempts, long Alerts)> StateAsync(Guid id)
    {
        await using var command = _db.CreateCommand(
            "SELECT status, attempts, (SELECT count(*) FROM notification_alerts a WHERE a.message = m.id AND a.kind = 'dead-letter') FROM notification_messages m WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2));
    }

    [Fact]
    public async Task Starttls_with_a_pinned_certificate_delivers_and_required_tls_without_an_offer_is_an_outage()
    {
        var directory = Directory.CreateTempSubdirectory("dnscert-tls-").FullName;
        var (certificate, key) = TestCertificate.Create(directory);
        await using (var tls = await SmtpSink.StartAsync(certificate, key))
        {
            var settings = Settings(tls);
            settings.Smtp.StartTls = StartTlsPolicy.Required;
            settings.Smtp.HeloName = "dnscert.test";
            using var pem = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificate));
            settings.Smtp.PinnedCertificateSha256 = pem.GetCertHashString(HashAlgorithmName.SHA256);
            var message = await QueueAsync(settings, new Recipient("duty@dnscert.test", "", ["en"], null));
            await using var sender = Sender(settings);
            (await sender.SendNextAsync(default)).ShouldBe(SendOutcome.Handled);
            (await StateAsync(message.Id)).Status.ShouldBe("sent");
            SmtpSink.MessageId(tls.Messages().ShouldHaveSingleItem()).ShouldBe(message.MessageId);
        }

        await using var plain = await SmtpSink.StartAsync();
        var required = Settings(plain);
        required.Smtp.StartTls = StartTlsPolicy.Required;
        await QueueAsync(required, new Recipient("duty@dnscert.test", "", ["en"], null));
        await using var refused = Sender(required);
        (await refused.SendNextAsync(default)).ShouldBe(SendOutcome.Outage);
        plain.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_non_ascii_address_goes_as_utf8_where_smtputf8_is_offered_and_is_a_clear_dead_letter_where_it_is_not()
    {
        const string Address = "ñandú@bücher.test";
        await using (var international = await SmtpSink.StartAsync())
        {
            var settings = Settings(international);
            var message = await QueueAsync(settings, new Recipient(Address, "", ["es"], null));
            await using var sender = Sender(settings);
            (await sender.DrainAsync(default)).ShouldBe(1);
            (await StateAsync(message.Id)).ShouldBe(("sent", 1, 0L));
            var stored = international.Messages().ShouldHaveSingleItem();
            SmtpSink.MessageId(stored).ShouldBe(message.MessageId);
            // RFC 6532 §3.2: the header carries the address in UTF-8, not mangled and not encoded-word.
            System.Text.Encoding.UTF8.GetString(stored).ShouldContain("To: <" + Address + ">");
        }

        await using var ascii = await SmtpSink.StartAsync(smtpUtf8: false);
        var plain = Settings(ascii);
        var refused = await QueueAsync(plain, new Recipient(Address, "", ["es"], null));
        var ordinary = await QueueAsync(plain, new Recipient("duty@dnscert.test", "", ["en"], null));
        await using (var sender = Sender(plain))
        {
            (await sender.DrainAsync(default)).ShouldBe(2);
        }

        // Permanent at once (no server will learn SMTPUTF8 by waiting), one alert, and the next message still goes.
        (await StateAsync(refused.Id)).ShouldBe(("failed", 1, 1L));
        await using (var detail = _db.CreateCommand("SELECT status_detail FROM notification_messages WHERE id = $1"))
        {
            detail.Parameters.Add(new() { Value = refused.Id });
            ((string)(await detail.ExecuteScalarAsync())!).ShouldContain("does not offer SMTPUTF8");
        }

        (await StateAsync(ordinary.Id)).Status.ShouldBe("sent");
        SmtpSink.MessageId(ascii.Messages().ShouldHaveSingleItem()).ShouldBe(ordinary.MessageId);
    }

    [Fact]
    public async Task A_550_is_a_dead_letter_at_once_and_a_451_is_retried_with_backoff_until_max_attempts()
    {
        await using var sink = await SmtpSink.StartAsync();
        var settings = Settings(sink, maxAttempts: 2);
        var rejected = await QueueAsync(settings, new Recipient("reject@operator.test", "", ["en"], null));
        var deferred = await QueueAsync(settings, new Recipient("defer@operator.test", "", ["en"], null));
        await using var sender = Sender(settings);
        (await sender.DrainAsync(default)).ShouldBe(2);

        (await StateAsync(rejected.Id)).ShouldBe(("failed", 1, 1L));
        (await StateAsync(deferred.Id)).ShouldBe(("queued", 1, 0L));
        await using (var due = _db.CreateCommand("SELECT next_attempt_at > now() + interval '40 seconds' FROM notification_messages WHERE id = $1"))
        {
            due.Parameters.Add(new() { Value = deferred.Id });
            ((bool)(await due.ExecuteScalarAsync())!).ShouldBeTrue("backed off about RetryBaseSeconds");
        }

        (await sender.DrainAsync(default)).ShouldBe(0, "not due yet");
        await using (var now = _db.CreateCommand("UPDATE notification_messages SET next_attempt_at = now() WHERE id = $1"))
        {
            now.Parameters.Add(new() { Value = deferred.Id });
            await now.ExecuteNonQueryAsync();
        }

        (await sender.DrainAsync(default)).ShouldBe(1);
        (await StateAsync(deferred.Id)).ShouldBe(("failed", 2, 1L));
        var alerts = await new DeliveryTracking(_db).OpenAlertsAsync(default);
        alerts.Count(a => a.Kind == "dead-letter").ShouldBe(2);
        sink.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_failing_hand_off_record_abandons_the_message_before_the_final_dot()
    {
        await using var sink = await SmtpSink.StartAsync();
        var endpoint = Settings(sink).Smtp.ToEndpoint();
        static byte[] Mail(string id) => System.Text.Encoding.ASCII.GetBytes(
            $"From: team@dnscert.test\r\nTo: ops@operator.test\r\nMessage-ID: <{id}>\r\nSubject: t\r\n\r\nbody\r\n");

        await using (var client = await SmtpClient.ConnectAsync(endpoint, default))
        {
            // The database fails while recording the hand-off (asynchronously, as a real insert does): the "." must
            // never reach the server.
            await Should.ThrowAsync<InvalidOperationException>(() => client.SendAsync(
                "team@dnscert.test", ["ops@operator.test"], Mail("abandoned@dnscert.test"),
                new SmtpHandOff(
                    async () =>
                    {
                        await Task.Yield();
                        throw new InvalidOperationException("database down");
                    },
                    () => throw new InvalidOperationException("never committed: the preparation failed")), default));
        }

        await using (var client = await SmtpClient.ConnectAsync(endpoint, default))
        {
            // The commit fails before it leaves (its connection was already broken): the "." must not be written either.
            await Should.ThrowAsync<InvalidOperationException>(() => client.SendAsync(
                "team@dnscert.test", ["ops@operator.test"], Mail("uncommitted@dnscert.test"),
                new SmtpHandOff(() => Task.CompletedTask, () => Task.FromException(new InvalidOperationException("connection broken"))), default));
        }

        // A later message on a new connection is stored once the server has answered it, so by then the abandoned one
        // would have been stored too had its "." been written.
        await using (var client = await SmtpClient.ConnectAsync(endpoint, default))
        {
            (await client.SendAsync("team@dnscert.test", ["ops@operator.test"], Mail("delivered@dnscert.test"), null, default)).Code.ShouldBe(250);
            await client.QuitAsync(default);
        }

        sink.CountByMessageId().ShouldBe(new Dictionary<string, int> { ["delivered@dnscert.test"] = 1 });
    }

    [Fact]
    public async Task A_hand_off_commit_that_fails_after_the_final_dot_is_settled_as_sent_and_never_resent()
    {
        // A deferred constraint trigger makes the COMMIT of this recipient's hand-off record fail inside PostgreSQL. The
        // COMMIT is on the wire before the "." and its answer is read after it, so the server already has the message
        // when the failure is known: the sender must record it as sent from a fresh connection, not leave it queued.
        await using (var trigger = _db.CreateCommand("""
            CREATE FUNCTION fail_handoff_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (SELECT recipient FROM notification_messages WHERE id = NEW.message) = 'commitfails@operator.test' THEN
                    -- Slow enough that the answer cannot arrive before the "." is written (on an idle machine the
                    -- answer to an instant failure can be read synchronously, and then the "." is rightly never sent).
                    PERFORM pg_sleep(0.3);
                    RAISE EXCEPTION 'commit refused for the test';
                END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER fail_handoff_commit AFTER INSERT ON notification_handoffs
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_handoff_commit();
            """))
        {
            await trigger.ExecuteNonQueryAsync();
        }

        await using var sink = await SmtpSink.StartAsync();
        var settings = Settings(sink);
        var message = await QueueAsync(settings, new Recipient("commitfails@operator.test", "", ["en"], null));
        await using var sender = Sender(settings);
        (await sender.SendNextAsync(default)).ShouldBe(SendOutcome.Handled);

        var state = await StateAsync(message.Id);
        state.Status.ShouldBe("sent");
        state.Attempts.ShouldBe(1);
        (await sender.DrainAsync(default)).ShouldBe(0, "nothing is left to send");
        await using (var handoffs = _db.CreateCommand("SELECT count(*) FROM notification_handoffs"))
        {
            ((long)(await handoffs.ExecuteScalarAsync())!).ShouldBe(0);
        }

        sink.CountByMessageId().ShouldBe(new Dictionary<string, int> { [message.MessageId] = 1 });
    }

    [Fact]
    public async Task A_connection_lost_after_the_final_dot_is_unconfirmed_with_one_alert_and_not_resent()
    {
        await using var sink = await SmtpSink.StartAsync();
        var settings = Settings(sink);
        var message = await QueueAsync(settings, new Recipient("hangup@operator.test", "", ["en"], null));
        await using var sender = Sender(settings);
        (await sender.DrainAsync(default)).ShouldBe(1);

        await using (var state = _db.CreateCommand("""
            SELECT status, (SELECT count(*) FROM notification_alerts a WHERE a.message = m.id AND a.kind = 'unconfirmed'),
                (SELECT count(*) FROM notification_handoffs h WHERE h.message = m.id)
            FROM notification_messages m WHERE id = $1
            """))
        {
            state.Parameters.Add(new() { Value = message.Id });
            await using var reader = await state.ExecuteReaderAsync();
            (await reader.ReadAsync()).ShouldBeTrue();
            (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)).ShouldBe(("unconfirmed", 1L, 0L));
        }

        (await sender.DrainAsync(default)).ShouldBe(0, "an unconfirmed message is never resent");
        sink.Count.ShouldBe(1);
    }

    [Fact]
    public void Backoff_doubles_within_jitter_and_is_capped()
    {
        var settings = new OutboxOptions { RetryBaseSeconds = 60, RetryMaxSeconds = 3600 };
        OutboxSender.Backoff(1, settings).TotalSeconds.ShouldBeInRange(48, 72);
        OutboxSender.Backoff(3, settings).TotalSeconds.ShouldBeInRange(192, 288);
        OutboxSender.Backoff(20, settings).TotalSeconds.ShouldBeInRange(2880, 4320);
    }

    [Fact]
    public async Task A_machine_recipient_gets_json_with_a_signature_its_secret_verifies()
    {
        await using var sink = await SmtpSink.StartAsync();
        var settings = Settings(sink);
        var port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var message = await QueueAsync(settings, new Recipient("", "", ["pt"], null, new Uri($"http://127.0.0.1:{port}/hook/")));
        var received = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var result = (body.ToArray(), context.Request.Headers[WebhookSignature.HeaderName], context.Request.Headers["Idempotency-Key"]);
            context.Response.StatusCode = 204;
            context.Response.Close();
            return result;
        });
        await using var sender = Sender(settings, new PlainClients());
        (await sender.SendNextAsync(default)).ShouldBe(SendOutcome.Handled);
        var (json, signature, idempotency) = await received;
        WebhookSignature.Verify(json, settings.WebhookSecret!, signature, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance).ShouldBeTrue();
        WebhookSignature.Verify(json, "another secret of at least thirty-two characters", signature, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance).ShouldBeFalse();
        WebhookSignature.Verify(json, settings.WebhookSecret!, signature, DateTimeOffset.UtcNow.AddMinutes(10), WebhookSignature.DefaultTolerance).ShouldBeFalse("replayed too late");
        idempotency.ShouldBe(message.IdempotencyKey);
        var document = System.Text.Json.JsonDocument.Parse(json).RootElement;
        document.GetProperty("Tlp").GetString().ShouldBe("TLP:CLEAR");
        document.GetProperty("Language").GetString().ShouldBe("pt");
        (await StateAsync(message.Id)).Status.ShouldBe("sent");
    }

    /// <summary>A plain client per call, as the host's factory gives one.</summary>
    private sealed class PlainClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
