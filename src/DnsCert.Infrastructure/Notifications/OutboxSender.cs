using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using DnsCert.Infrastructure.Notifications.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>
/// Drains the outbox, one database connection per message: claim the row (FOR UPDATE SKIP LOCKED, so any number of
/// senders and server instances share the table), speak SMTP, write the hand-off record in the claim transaction and put
/// its COMMIT on the wire immediately before the final "." (SmtpHandOff), and record the outcome on the same connection.
/// Before the hand-off a dying sender's claim rolls back and the message is sent again (the server discards DATA without
/// its "."); after it, the hand-off row keeps other senders off, and once the session that wrote it is gone the sweep
/// marks the message unconfirmed for the duty officer instead of sending it twice (docs/notifications.md, "The outbox").
/// </summary>
public sealed partial class OutboxSender(
    NpgsqlDataSource dataSource, IOptions<NotificationOptions> options, TimeProvider clock, IHttpClientFactory? httpClients,
    ILogger<OutboxSender> logger) : IAsyncDisposable
{
    private static readonly Meter s_meter = new("DnsCert.Notifications");
    private static readonly Counter<long> s_sent = s_meter.CreateCounter<long>("dnscert_notifications_sent_total");
    private static readonly Counter<long> s_failed = s_meter.CreateCounter<long>("dnscert_notifications_failed_total");

    private SmtpClient? _smtp;

    private sealed record Claimed(Guid Id, long Ticket, string MessageId, string IdempotencyKey, string Channel, string Recipient, byte[] Content, int Attempts);

    /// <summary>Sends until nothing is due; returns how many messages were handled.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        while (await SendNextAsync(cancellationToken) == SendOutcome.Handled)
        {
            handled++;
        }

        return handled;
    }

    public async Task<SendOutcome> SendNextAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            return await ClaimAndSendAsync(connection, transaction, t => transaction = t, cancellationToken);
        }
        finally
        {
            await transaction.DisposeAsync();
        }
    }

    // The claim transaction is replaced by a fresh one once the hand-off is committed; `replace` tells the caller,
    // which disposes whichever is current at the end.
    private async Task<SendOutcome> ClaimAndSendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Action<NpgsqlTransaction> replace, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        Claimed? message = null;
        await using (var claim = new NpgsqlCommand("""
            SELECT m.id, m.ticket, m.message_id, m.idempotency_key, m.channel, m.recipient, m.content, m.attempts
            FROM notification_messages m
            WHERE m.status = 'queued' AND m.next_attempt_at <= $1
              AND NOT EXISTS (SELECT 1 FROM notification_handoffs h WHERE h.message = m.id)
            ORDER BY m.next_attempt_at
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            claim.Parameters.Add(new() { Value = clock.GetUtcNow() });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                message = new Claimed(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetFieldValue<byte[]>(6), reader.GetInt32(7));
            }
        }

        if (message is null)
        {
            await transaction.CommitAsync(cancellationToken);
            return SendOutcome.Idle;
        }

        if (message.Channel == MessageFactory.WebhookChannel)
        {
            await PostWebhookAsync(connection, transaction, message, cancellationToken);
            return SendOutcome.Handled;
        }

        if (_smtp is null)
        {
            try
            {
                _smtp = await SmtpClient.ConnectAsync(settings.Smtp.ToEndpoint(), cancellationToken);
            }
            catch (Exception e) when (e is SmtpTransportException or SmtpCommandException)
            {
                // An outage is nobody's message's fault: release the claim without counting an attempt.
                LogOutage(logger, e.Message);
                await transaction.RollbackAsync(cancellationToken);
                return SendOutcome.Outage;
            }
        }

        var handedOver = false;
        // The hand-off record: rows written in the claim transaction, then committed right before the final "." with
        // no wait in between (SmtpHandOff). 'sending', not only the hand-off row: a concurrent claim that read the row
        // before this commit re-checks the row's own columns when it gets the lock, never the hand-off table (migration
        // 0009). The row names this database session, so the sweep leaves it alone while this sender lives.
        var handOff = new SmtpHandOff(
            async () =>
            {
                var handedAt = clock.GetUtcNow();
                await using var batch = new NpgsqlBatch(connection, transaction)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand("""
                            INSERT INTO notification_handoffs (message, handed_at, backend_pid, backend_start)
                            SELECT $1, $2, pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()
                            ON CONFLICT DO NOTHING
                            """) { Parameters = { new() { Value = message.Id }, new() { Value = handedAt } } },
                        new NpgsqlBatchCommand("UPDATE notification_messages SET status = 'sending', status_changed_at = $2 WHERE id = $1")
                        {
                            Parameters = { new() { Value = message.Id }, new() { Value = handedAt } },
                        },
                    },
                };
                await batch.ExecuteNonQueryAsync(cancellationToken);
            },
            () =>
            {
                handedOver = true;
                return CommitAndRenewAsync();
            });

        // Called synchronously by SmtpClient: CommitAsync writes the COMMIT before its first wait (for the answer).
        async Task CommitAndRenewAsync()
        {
            await transaction.CommitAsync(cancellationToken);
            await transaction.DisposeAsync();
            transaction = await connection.BeginTransactionAsync(cancellationToken);
            replace(transaction);
        }

        try
        {
            await _smtp.SendAsync(settings.FromAddress, [message.Recipient], message.Content, handOff, cancellationToken,
                envelopeId: message.IdempotencyKey);
            await FinishAsync(connection, transaction, message, "sent", "accepted by " + settings.Smtp.Host, cancellationToken);
            s_sent.Add(1);
        }
        catch (SmtpHandOffNotRecordedException e)
        {
            // The "." went out but the commit of its record failed (the database connection broke under it): the server
            // may have the message while the table may still say 'queued'. Settle it from a fresh connection now, before
            // another sender could claim it again.
            await DropConnectionAsync();
            NpgsqlConnection.ClearPool(connection);
            await SettleUnrecordedAsync(message, e, cancellationToken);
        }
        catch (SmtpEndOfDataNotSentException e)
        {
            // The connection broke before the "." could be written: the server discards the unfinished message, so
            // it is retried as soon as the server is back (the hand-off record is cleared with the retry).
            LogTransportFailure(logger, message.MessageId, false, e.Message);
            await DropConnectionAsync();
            await FailAsync(connection, transaction, message, e.Message, permanent: false, countAttempt: true, cancellationToken, retryNow: true);
        }
        catch (SmtpCommandException e)
        {
            // The server refused this message (a 4yz or 5yz reply): it was not taken, so it may be tried again.
            await FailAsync(connection, transaction, message, e.Message, e.Reply.IsPermanent, countAttempt: true, cancellationToken);
            await ResetAsync(cancellationToken);
        }
        catch (SmtpTransportException e)
        {
            LogTransportFailure(logger, message.MessageId, handedOver, e.Message);
            await DropConnectionAsync();
            if (handedOver)
            {
                // The "." may have reached the server and only its reply was lost: it may already have the message
                // (RFC 5321 §6.1 — resending would risk a duplicate). Unconfirmed, duty officer alerted, not resent.
                await UnconfirmAsync(connection, transaction, message, e.Message, cancellationToken);
            }
            else
            {
                // The connection broke before the end of data: without the "." the server discards the message
                // (RFC 5321 §4.1.1.4), so it is retried as soon as the server is back.
                await FailAsync(connection, transaction, message, e.Message, permanent: false, countAttempt: true, cancellationToken, retryNow: true);
            }
        }

        catch
        {
            // Anything else (the database failed while recording the hand-off, cancellation) leaves the SMTP session
            // mid-DATA with the final "." never written: drop it so the server discards the message, and let the claim
            // roll back; a retry cannot duplicate.
            await DropConnectionAsync();
            if (handedOver)
            {
                // Past the hand-off (the outcome could not be recorded): the "." may have gone. The hand-off row names
                // this database session, and the sweep acts only once that session has ended, so the pool must not
                // keep it alive: this physical connection is closed when it is returned.
                NpgsqlConnection.ClearPool(connection);
            }

            throw;
        }

        return SendOutcome.Handled;
    }

    /// <summary>
    /// Records the outcome of a message whose "." was written while the commit of its hand-off record failed, from a
    /// fresh connection, retried for as long as the database is unreachable (this worker sends nothing else meanwhile,
    /// and nothing can be claimed anyway): accepted → sent; refused → retried like any refusal; no answer → unconfirmed.
    /// Only a second fault — the process stopping before the database is back, when the record had been rolled back —
    /// sends it again later (docs/notifications.md, "The outbox").
    /// </summary>
    private async Task SettleUnrecordedAsync(Claimed message, SmtpHandOffNotRecordedException failure, CancellationToken cancellationToken)
    {
        LogHandOffNotRecorded(logger, message.MessageId, failure.Reply?.ToString() ?? "no answer", failure.InnerException?.Message ?? "");
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                switch (failure.Reply)
                {
                    case null when !failure.EndOfDataSent:
                        await FailAsync(connection, transaction, message, failure.Message, permanent: false, countAttempt: true, cancellationToken, retryNow: true);
                        break;
                    case { Code: 250 }:
                        await FinishAsync(connection, transaction, message, "sent", "accepted by " + options.Value.Smtp.Host, cancellationToken);
                        s_sent.Add(1);
                        break;
                    case { } refused:
                        await FailAsync(connection, transaction, message, "DATA: " + refused, refused.IsPermanent, countAttempt: true, cancellationToken);
                        break;
                    default:
                        await UnconfirmAsync(connection, transaction, message, "no answer after the final \".\"", cancellationToken);
                        break;
                }

                return;
            }
            catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
            {
                LogSettleRetry(logger, message.MessageId, attempt, e.Message);
                await Task.Delay(delay, clock, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>
    /// Marks messages a dead sender had handed over as unconfirmed and alerts the duty officer. Hand-offs whose database
    /// session still exists belong to live senders (waiting for the server's reply) and are skipped.
    /// </summary>
    public async Task<int> SweepUnconfirmedAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var command = dataSource.CreateCommand(UnconfirmSql("""
            SELECT m.id FROM notification_messages m JOIN notification_handoffs h ON h.message = m.id
            WHERE m.status IN ('sending', 'queued')
              AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = h.backend_pid AND a.backend_start = h.backend_start)
            FOR UPDATE OF m SKIP LOCKED
            """));
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = "the sender stopped after handing the message over; delivery is not confirmed and it is not resent" });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Marks the messages <paramref name="lost"/> selects (a query returning <c>id</c>) unconfirmed with detail $2 at $1,
    /// alerts the duty officer for each, and deletes their hand-off rows: shared by the sweep and the sender.
    /// </summary>
    private static string UnconfirmSql(string lost) => $"""
        WITH lost AS (
            {lost}
        ), marked AS (
            UPDATE notification_messages m SET status = 'unconfirmed', status_changed_at = $1, status_detail = $2
            FROM lost WHERE m.id = lost.id
            RETURNING m.id
        ), alerts AS (
            INSERT INTO notification_alerts (id, message, kind, detail, created_at)
            SELECT gen_random_uuid(), id, 'unconfirmed', 'delivery not confirmed: check with the recipient', $1 FROM marked
        )
        DELETE FROM notification_handoffs h USING marked WHERE h.message = marked.id
        """;

    private async Task UnconfirmAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Claimed message, string error, CancellationToken cancellationToken)
    {
        // The row is already locked by this transaction.
        await using var command = new NpgsqlCommand(UnconfirmSql("SELECT $3::uuid AS id"), connection, transaction);
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        command.Parameters.Add(new() { Value = Truncate("connection lost after the final \".\" without a reply; delivery is not confirmed and it is not resent: " + error) });
        command.Parameters.Add(new() { Value = message.Id });
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        s_failed.Add(1);
        LogUnconfirmed(logger, message.MessageId, message.Recipient, error);
    }

    private async Task PostWebhookAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Claimed message, CancellationToken cancellationToken)
    {
        var secret = options.Value.WebhookSecret;
        if (httpClients is null || string.IsNullOrEmpty(secret))
        {
            await FailAsync(connection, transaction, message, "webhooks are not configured (Notifications:WebhookSecret)", permanent: true, countAttempt: true, cancellationToken);
            return;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, message.Recipient) { Content = new ByteArrayContent(message.Content) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Sign(message.Content, secret, clock.GetUtcNow()));
            // The receiver drops a repeat it has seen: retries after a lost answer do not duplicate.
            request.Headers.Add("Idempotency-Key", message.IdempotencyKey);
            using var client = httpClients.CreateClient(nameof(OutboxSender));
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await FinishAsync(connection, transaction, message, "sent", $"HTTP {(int)response.StatusCode}", cancellationToken);
                s_sent.Add(1);
            }
            else
            {
                var permanent = (int)response.StatusCode is >= 400 and < 500 and not 408 and not 429;
                await FailAsync(connection, transaction, message, $"HTTP {(int)response.StatusCode}", permanent, countAttempt: true, cancellationToken);
            }
        }
        catch (HttpRequestException e)
        {
            await FailAsync(connection, transaction, message, e.Message, permanent: false, countAttempt: true, cancellationToken);
        }
    }

    private async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Claimed message, string status, string detail, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    "UPDATE notification_messages SET status = $2, status_detail = $3, attempts = attempts + 1, sent_at = $4, status_changed_at = $4 WHERE id = $1")
                {
                    Parameters = { new() { Value = message.Id }, new() { Value = status }, new() { Value = detail }, new() { Value = now } },
                },
                new NpgsqlBatchCommand("DELETE FROM notification_handoffs WHERE message = $1") { Parameters = { new() { Value = message.Id } } },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task FailAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Claimed message, string error, bool permanent, bool countAttempt,
        CancellationToken cancellationToken, bool retryNow = false)
    {
        var settings = options.Value.Outbox;
        var now = clock.GetUtcNow();
        var attempts = message.Attempts + (countAttempt ? 1 : 0);
        var dead = permanent || attempts >= settings.MaxAttempts;
        var next = retryNow ? now : now + Backoff(attempts, settings);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            UPDATE notification_messages SET status = $2, status_detail = $3, attempts = $4, next_attempt_at = $5, status_changed_at = $6
            WHERE id = $1
            """)
        {
            Parameters =
            {
                new() { Value = message.Id }, new() { Value = dead ? "failed" : "queued" }, new() { Value = Truncate(error) },
                new() { Value = attempts }, new() { Value = next }, new() { Value = now },
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM notification_handoffs WHERE message = $1") { Parameters = { new() { Value = message.Id } } });
        if (dead)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO notification_alerts (id, message, kind, detail, created_at) VALUES ($1, $2, 'dead-letter', $3, $4)")
            {
                Parameters =
                {
                    new() { Value = Guid.CreateVersion7(now) }, new() { Value = message.Id },
                    new() { Value = Truncate($"message {message.MessageId} to {message.Recipient} given up after {attempts} attempts: {error}") },
                    new() { Value = now },
                },
            });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        s_failed.Add(1);
        if (dead)
        {
            LogDeadLetter(logger, message.MessageId, message.Recipient, attempts, error);
        }
        else
        {
            LogRetry(logger, message.MessageId, attempts, next, error);
        }
    }

    /// <summary>Exponential: base × 2^(attempt−1), ±20 % jitter so many failures do not return at once, capped.</summary>
    public static TimeSpan Backoff(int attempts, OutboxOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var seconds = Math.Min(settings.RetryMaxSeconds, settings.RetryBaseSeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..1000];

    private async Task ResetAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _smtp!.ResetAsync(cancellationToken);
        }
        catch (Exception e) when (e is SmtpTransportException or SmtpCommandException)
        {
            await DropConnectionAsync();
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
            _smtp = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_smtp is not null)
        {
            await _smtp.QuitAsync(CancellationToken.None);
            await DropConnectionAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP server unreachable, sending paused: {Reason}")]
    private static partial void LogOutage(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection lost while sending {MessageId} (handed over: {HandedOver}): {Reason}")]
    private static partial void LogTransportFailure(ILogger logger, string messageId, bool handedOver, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "UNCONFIRMED: message {MessageId} to {Recipient} was handed over but the server never replied; not resent, duty officer alerted: {Reason}")]
    private static partial void LogUnconfirmed(ILogger logger, string messageId, string recipient, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} was handed over (server answered: {Reply}) but the record of the hand-off failed; settling it now: {Reason}")]
    private static partial void LogHandOffNotRecorded(ILogger logger, string messageId, string reply, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: recording its outcome failed (attempt {Attempt}), retrying: {Reason}")]
    private static partial void LogSettleRetry(ILogger logger, string messageId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} attempt {Attempts} failed; next try at {Next}: {Reason}")]
    private static partial void LogRetry(ILogger logger, string messageId, int attempts, DateTimeOffset next, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "DEAD LETTER: message {MessageId} to {Recipient} given up after {Attempts} attempts; duty officer alerted: {Reason}")]
    private static partial void LogDeadLetter(ILogger logger, string messageId, string recipient, int attempts, string reason);
}

/// <summary>The outcome of one <see cref="OutboxSender.SendNextAsync"/>.</summary>
public enum SendOutcome
{
    /// <summary>Nothing is due.</summary>
    Idle,

    /// <summary>One message was handled (sent, retried later or dead-lettered).</summary>
    Handled,

    /// <summary>The SMTP server cannot be reached; nothing was claimed. Wait before trying again.</summary>
    Outage,
}
