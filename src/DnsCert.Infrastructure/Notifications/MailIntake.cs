using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DnsCert.Core;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>What the gateway did with one mail.</summary>
public sealed record IntakeResult(Guid IntakeId, string Disposition, long? Ticket, long? ReportId, string Signature, string? Problem);

/// <summary>
/// The mail gateway (RTIR's model): a reply carrying <c>[DnsCert #123]</c> is attached to message 123 (which becomes
/// "answered"), a delivery status notification (RFC 3464) marks its message "bounced", anything else becomes a new
/// report, and mail that cannot be parsed is kept in quarantine with the reason. Signed mail (RFC 3156) is checked
/// against the sender's stored key; a signature that does not verify is flagged "invalid". A reply to a campaign request
/// that carries a CSV (name,outcome[,detail]) records those outcomes for the request, all or none; what was refused is
/// logged and kept as the intake's problem.
/// </summary>
public sealed partial class MailIntake(
    NpgsqlDataSource dataSource, IRecipientDirectory directory, TimeProvider clock, ILogger<MailIntake> logger, ICampaignRequestStore? campaigns = null)
{
    [GeneratedRegex(@"\[DnsCert #(\d{1,18})\]", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TicketTag();

    [GeneratedRegex(@"<([^<>\s]+@[^<>\s]+)>", RegexOptions.CultureInvariant)]
    private static partial Regex AngleAddress();

    [GeneratedRegex(@"[^\s<>""]+@[^\s<>""]+", RegexOptions.CultureInvariant)]
    private static partial Regex BareAddress();

    public async Task<IntakeResult> AcceptAsync(byte[] raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        MailEntity mail;
        string sender;
        try
        {
            mail = MailEntity.Parse(raw);
            sender = Sender(mail) ?? throw new MalformedMailException("no From address (RFC 5322 §3.6.2 requires one)");
            _ = mail.Parts(); // a broken multipart is malformed too
        }
        catch (MalformedMailException e)
        {
            LogQuarantined(logger, id, e.Message);
            await InsertAsync(new(id, now, null, null, null, "quarantined", null, null, "none", e.Message, raw), cancellationToken);
            return new IntakeResult(id, "quarantined", null, null, "none", e.Message);
        }

        var subject = mail.DecodedHeader("Subject") ?? "";
        var messageId = mail.Header("Message-ID")?.Trim().Trim('<', '>');
        var signature = await CheckSignatureAsync(mail, sender, cancellationToken);
        if (signature == SignatureCheck.Invalid)
        {
            LogForged(logger, id, sender);
        }

        var signatureText = SignatureName(signature);
        if (mail.MediaType == "multipart/report" && string.Equals(mail.Parameter("Content-Type", "report-type"), "delivery-status", StringComparison.OrdinalIgnoreCase))
        {
            var bounced = await BounceAsync(mail, now, cancellationToken);
            await InsertAsync(new(id, now, sender, subject, messageId, "bounce", bounced, null, signatureText, null, raw), cancellationToken);
            return new IntakeResult(id, "bounce", null, null, signatureText, bounced is null ? "no message of ours matched" : null);
        }

        if (TicketTag().Match(subject) is { Success: true } tag
            && long.TryParse(tag.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticket))
        {
            // A reply to a reach-test message is that recipient's answer to the reach test as well (issue 7: "by
            // link or by reply"); OutboxReachMailer keys those messages 'reach-<recipient id>'.
            // Only the message's own recipient can answer it, and only a message that went out: a stranger who
            // copies or guesses a tag must not mark someone else's (or a bounced/failed) message answered. The
            // update and its intake row are one transaction.
            await using var replyConnection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var replyTransaction = await replyConnection.BeginTransactionAsync(cancellationToken);
            await using var answer = new NpgsqlCommand("""
                WITH message AS (
                    UPDATE notification_messages SET status = 'answered', status_changed_at = $2,
                        status_detail = 'reply from ' || $3
                    WHERE ticket = $1 AND lower(recipient) = lower($3) AND status IN ('sent', 'unconfirmed', 'answered')
                    RETURNING id, idempotency_key, kind, organisation_id),
                reach AS (
                    UPDATE reach_recipients SET answered_at = coalesce(answered_at, $2)
                    WHERE 'reach-' || replace(id::text, '-', '') IN (SELECT idempotency_key FROM message))
                SELECT id, kind, organisation_id FROM message
                """, replyConnection, replyTransaction);
            answer.Parameters.Add(new() { Value = ticket });
            answer.Parameters.Add(new() { Value = now });
            answer.Parameters.Add(new() { Value = sender });
            (Guid Id, string Kind, Guid? Organisation)? answered = null;
            await using (var reader = await answer.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    answered = (reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2));
                }
            }

            if (answered is { } message)
            {
                string? problem = null;
                if (message.Kind == NotificationKind.CampaignRequest.Name() && message.Organisation is { } organisation && campaigns is not null
                    && CsvAttachment(mail) is { } csv)
                {
                    problem = await RecordCampaignOutcomesAsync(id, organisation, sender, csv, cancellationToken);
                }

                await InsertAsync(new(id, now, sender, subject, messageId, "reply", message.Id, null, signatureText, problem, raw), cancellationToken,
                    replyConnection, replyTransaction);
                await replyTransaction.CommitAsync(cancellationToken);
                LogReply(logger, id, ticket, sender);
                return new IntakeResult(id, "reply", ticket, null, signatureText, problem);
            }

            await replyTransaction.RollbackAsync(cancellationToken);
        }

        // Not a reply we know: a new report. The report and its intake row are one transaction.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var report = new NpgsqlCommand(
            "INSERT INTO reports (created_at, sender, subject, body) VALUES ($1, $2, $3, $4) RETURNING id", connection, transaction);
        report.Parameters.Add(new() { Value = now });
        report.Parameters.Add(new() { Value = sender });
        report.Parameters.Add(new() { Value = subject });
        report.Parameters.Add(new() { Value = (mail.PlainText() ?? "").Replace("\0", "", StringComparison.Ordinal) });
        var reportId = (long)(await report.ExecuteScalarAsync(cancellationToken))!;
        await InsertAsync(new(id, now, sender, subject, messageId, "report", null, reportId, signatureText, null, raw), cancellationToken, connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        LogReport(logger, id, reportId, sender);
        return new IntakeResult(id, "report", null, reportId, signatureText, null);
    }

    /// <summary>
    /// A registry's outcomes from the CSV of its reply: the request is the one of the replying registry that holds the
    /// first name reported (the reply's ticket proved the registry); the report is all or nothing. Returns why nothing
    /// was recorded, or null.
    /// </summary>
    private async Task<string?> RecordCampaignOutcomesAsync(Guid intakeId, Guid organisation, string sender, string csv, CancellationToken cancellationToken)
    {
        try
        {
            var outcomes = await CampaignOutcomeCsv.ReadAsync(new StringReader(csv), cancellationToken);
            if (outcomes.Count == 0)
            {
                throw new ValidationException("file", "no row of the CSV has an outcome");
            }

            var first = CampaignNames.Normalise(outcomes[0].Name);
            if (first.Name is null)
            {
                throw new ValidationException("file", $"'{outcomes[0].Name}' {first.Error}");
            }

            await using var find = dataSource.CreateCommand("""
                SELECT r.id FROM campaign_requests r JOIN campaign_names n ON n.request_id = r.id
                WHERE r.organisation_id = $1 AND n.name = $2 ORDER BY r.created_at DESC LIMIT 1
                """);
            find.Parameters.Add(new() { Value = organisation });
            find.Parameters.Add(new() { Value = first.Name });
            if (await find.ExecuteScalarAsync(cancellationToken) is not Guid request)
            {
                throw new ValidationException("file", $"{first.Name} is in no request to this registry");
            }

            var recorded = await campaigns!.ReportAsync(request, outcomes, "mail:" + sender, cancellationToken);
            LogCampaignOutcomes(logger, intakeId, recorded, request, sender);
            return null;
        }
        catch (ValidationException e)
        {
            var problem = $"campaign outcomes refused, nothing was recorded: {e.Message}";
            LogCampaignOutcomesRefused(logger, intakeId, sender, e.Message);
            return problem;
        }
    }

    /// <summary>The first CSV file of the mail (text/csv, or a file named *.csv), decoded, at any depth; null when none.</summary>
    internal static string? CsvAttachment(MailEntity mail)
    {
        var name = mail.Parameter("Content-Disposition", "filename") ?? mail.Parameter("Content-Type", "name");
        if (mail.MediaType == "text/csv" || (name is not null && name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)))
        {
            var charset = mail.Parameter("Content-Type", "charset");
            Encoding encoding;
            try
            {
                encoding = string.IsNullOrEmpty(charset) ? Encoding.UTF8 : Encoding.GetEncoding(charset);
            }
            catch (ArgumentException)
            {
                encoding = Encoding.UTF8;
            }

            return encoding.GetString(mail.DecodedBody());
        }

        foreach (var part in mail.Parts())
        {
            if (CsvAttachment(part) is { } csv)
            {
                return csv;
            }
        }

        return null;
    }

    private static string? Sender(MailEntity mail)
    {
        var from = mail.Header("From");
        if (from is null)
        {
            return null;
        }

        // RFC 5322 §3.4: the address is the angle-addr, after any display name; a display name may itself look like an
        // address ("x@victim" <real@y>), so the last <...> wins and a bare address is taken only without one.
        var angle = AngleAddress().Matches(from);
        if (angle.Count > 0)
        {
            return angle[^1].Groups[1].Value.ToLowerInvariant();
        }

        var bare = BareAddress().Match(from);
        return bare.Success ? bare.Value.ToLowerInvariant() : null;
    }

    private async Task<SignatureCheck> CheckSignatureAsync(MailEntity mail, string sender, CancellationToken cancellationToken)
    {
        if (mail.MediaType != "multipart/signed")
        {
            return SignatureCheck.None;
        }

        var parts = mail.Parts();
        if (parts.Count != 2 || parts[1].MediaType != "application/pgp-signature")
        {
            return SignatureCheck.Invalid;
        }

        var key = await directory.FindOpenPgpKeyByAddressAsync(sender, cancellationToken);
        return OpenPgpKeys.Verify(Canonical(parts[0].Raw), parts[1].DecodedBody(), key);
    }

    /// <summary>RFC 3156 §5: the signed data is the part with CRLF line ends, whatever the MTA delivered.</summary>
    private static byte[] Canonical(byte[] part)
    {
        var text = Encoding.Latin1.GetString(part).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text);
    }

    /// <summary>RFC 3464: find our message from the DSN's envelope id or the returned headers, and mark it bounced.</summary>
    private async Task<Guid?> BounceAsync(MailEntity mail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? envelopeId = null, messageId = null, diagnostic = null, action = null;
        foreach (var part in mail.Parts())
        {
            if (part.MediaType == "message/delivery-status")
            {
                // Per-message and per-recipient fields are header blocks separated by empty lines.
                foreach (var line in Encoding.UTF8.GetString(part.DecodedBody()).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        continue;
                    }

                    var field = line[..colon].Trim();
                    var value = line[(colon + 1)..].Trim();
                    if (field.Equals("Original-Envelope-Id", StringComparison.OrdinalIgnoreCase))
                    {
                        envelopeId = value;
                    }
                    else if (field.Equals("Action", StringComparison.OrdinalIgnoreCase))
                    {
                        action ??= value.ToLowerInvariant();
                    }
                    else if (field.Equals("Diagnostic-Code", StringComparison.OrdinalIgnoreCase) || (field.Equals("Status", StringComparison.OrdinalIgnoreCase) && diagnostic is null))
                    {
                        diagnostic = value;
                    }
                }
            }
            else if (part.MediaType is "text/rfc822-headers" or "message/rfc822")
            {
                messageId ??= MailEntity.Parse(part.DecodedBody()).Header("Message-ID")?.Trim().Trim('<', '>');
            }
        }

        if (action is not null && action != "failed")
        {
            // "delayed", "delivered", "relayed", "expanded": not a bounce (RFC 3464 §2.3.3).
            return null;
        }

        await using var command = dataSource.CreateCommand("""
            UPDATE notification_messages SET status = 'bounced', status_changed_at = $3, status_detail = $4
            WHERE (idempotency_key = $1 OR message_id = $2) AND status IN ('sent', 'unconfirmed')
            RETURNING id
            """);
        command.Parameters.Add(new() { Value = (object?)envelopeId ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)messageId ?? DBNull.Value });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = "bounced: " + (diagnostic ?? "no diagnostic") });
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    private sealed record IntakeRow(
        Guid Id, DateTimeOffset ReceivedAt, string? Sender, string? Subject, string? MessageId, string Disposition, Guid? Message, long? Report,
        string Signature, string? Problem, byte[] Raw);

    private async Task InsertAsync(IntakeRow row, CancellationToken cancellationToken, NpgsqlConnection? connection = null, NpgsqlTransaction? transaction = null)
    {
        const string Sql = """
            INSERT INTO mail_intake (id, received_at, sender, subject, message_id, disposition, message, report, signature, problem, raw)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """;
        await using var command = connection is null ? dataSource.CreateCommand(Sql) : new NpgsqlCommand(Sql, connection, transaction);
        foreach (var value in new object?[]
                 {
                     row.Id, row.ReceivedAt, row.Sender, Clean(row.Subject), Clean(row.MessageId), row.Disposition, row.Message, row.Report,
                     row.Signature, row.Problem, row.Raw,
                 })
        {
            command.Parameters.Add(new() { Value = value ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string? Clean(string? text) => text?.Replace("\0", "", StringComparison.Ordinal);

    private static string SignatureName(SignatureCheck check) => check switch
    {
        SignatureCheck.Valid => "valid",
        SignatureCheck.Invalid => "invalid",
        SignatureCheck.UnknownKey => "unknown-key",
        _ => "none",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail intake {IntakeId}: malformed mail rejected and kept in quarantine: {Reason}")]
    private static partial void LogQuarantined(ILogger logger, Guid intakeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail intake {IntakeId}: FORGED OR ALTERED signature on mail from {Sender}; flagged")]
    private static partial void LogForged(ILogger logger, Guid intakeId, string sender);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail intake {IntakeId}: reply to ticket {Ticket} from {Sender}")]
    private static partial void LogReply(ILogger logger, Guid intakeId, long ticket, string sender);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail intake {IntakeId}: {Names} campaign outcomes recorded for request {Request} from {Sender}")]
    private static partial void LogCampaignOutcomes(ILogger logger, Guid intakeId, int names, Guid request, string sender);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail intake {IntakeId}: campaign outcomes from {Sender} refused, nothing was recorded: {Reason}")]
    private static partial void LogCampaignOutcomesRefused(ILogger logger, Guid intakeId, string sender, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail intake {IntakeId}: new report {ReportId} from {Sender}")]
    private static partial void LogReport(ILogger logger, Guid intakeId, long reportId, string sender);
}
