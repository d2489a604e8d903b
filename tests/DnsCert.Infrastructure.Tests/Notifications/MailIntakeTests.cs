using System.Text;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Notifications;

/// <summary>The mail gateway: tagged replies, new reports, bounces, quarantine, signatures checked with stored keys.</summary>
public sealed class MailIntakeTests : IAsyncLifetime
{
    private readonly GnuPgHome _gpg = new();
    private NpgsqlDataSource _db = null!;
    private string _senderKey = null!;
    private string _senderFingerprint = null!;
    private string _otherFingerprint = null!;

    public async Task InitializeAsync()
    {
        _db = await MigratedDatabase.CreateAsync();
        _senderFingerprint = await _gpg.CreateKeyAsync("Operator <noc@registry.test>", "", encryptionSubkey: false);
        _senderKey = await _gpg.ExportPublicAsync(_senderFingerprint);
        _otherFingerprint = await _gpg.CreateKeyAsync("Impostor <noc@registry.test>", "", encryptionSubkey: false);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _gpg.Dispose();
    }

    private MailIntake Intake() => new(_db, new TestRecipientDirectory().Add(Guid.NewGuid(), "security",
        new Recipient("noc@registry.test", "", ["en"], _senderKey)), TimeProvider.System, NullLogger<MailIntake>.Instance);

    private async Task<OutboxMessage> SentMessageAsync()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new NotificationOptions { FromAddress = "team@dnscert.test" });
        var message = new MessageFactory(options, new TeamKey((OpenPgpSigner?)null)).Create(new OutgoingNotification(
            "intake-" + Guid.NewGuid().ToString("N"), Guid.NewGuid(), NotificationKind.ReachTest, Tlp.Green,
            new Recipient("noc@registry.test", "", ["en"], null), [new Dictionary<string, string> { ["test"] = "RT-1", ["due"] = "soon" }]),
            Random.Shared.NextInt64(1_000, 1_000_000_000), DateTimeOffset.UtcNow);
        await OutboxWriter.InsertManyAsync(_db, [message], DateTimeOffset.UtcNow, default);
        await using var sent = _db.CreateCommand("UPDATE notification_messages SET status = 'sent' WHERE id = $1");
        sent.Parameters.Add(new() { Value = message.Id });
        await sent.ExecuteNonQueryAsync();
        return message;
    }

    private async Task<string> StatusAsync(Guid id)
    {
        await using var command = _db.CreateCommand("SELECT status FROM notification_messages WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static byte[] Mail(string headers, string body) => Encoding.UTF8.GetBytes(headers.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n\r\n" + body.Replace("\n", "\r\n", StringComparison.Ordinal));

    [Fact]
    public async Task A_reply_with_the_ticket_tag_is_attached_and_marks_the_message_answered()
    {
        var message = await SentMessageAsync();
        var result = await Intake().AcceptAsync(Mail(
            $"From: NOC <noc@registry.test>\nTo: team@dnscert.test\nSubject: Re: {NotificationRenderer.Tag(message.Ticket)} Reach test\nMessage-ID: <r1@registry.test>",
            "We read you."), default);
        result.Disposition.ShouldBe("reply");
        result.Ticket.ShouldBe(message.Ticket);
        (await StatusAsync(message.Id)).ShouldBe("answered");
    }

    [Fact]
    public async Task A_strangers_tagged_reply_does_not_answer_the_message_nor_a_failed_one()
    {
        var message = await SentMessageAsync();
        var stranger = await Intake().AcceptAsync(Mail(
            $"From: Mallory <mallory@elsewhere.test>\nTo: team@dnscert.test\nSubject: Re: {NotificationRenderer.Tag(message.Ticket)} Reach test\nMessage-ID: <s1@elsewhere.test>",
            "Answered, honest."), default);
        stranger.Disposition.ShouldBe("report");
        (await StatusAsync(message.Id)).ShouldBe("sent");

        await using (var failed = _db.CreateCommand("UPDATE notification_messages SET status = 'bounced' WHERE id = $1"))
        {
            failed.Parameters.Add(new() { Value = message.Id });
            await failed.ExecuteNonQueryAsync();
        }

        var late = await Intake().AcceptAsync(Mail(
            $"From: NOC <NOC@Registry.test>\nTo: team@dnscert.test\nSubject: Re: {NotificationRenderer.Tag(message.Ticket)} Reach test\nMessage-ID: <r2@registry.test>",
            "We read you."), default);
        late.Disposition.ShouldBe("report");
        (await StatusAsync(message.Id)).ShouldBe("bounced");
    }

    [Fact]
    public async Task The_sender_is_the_angle_address_not_one_in_the_display_name()
    {
        var message = await SentMessageAsync();
        var spoof = await Intake().AcceptAsync(Mail(
            $"From: \"noc@registry.test\" <mallory@elsewhere.test>\nTo: team@dnscert.test\nSubject: Re: {NotificationRenderer.Tag(message.Ticket)} Reach test\nMessage-ID: <s2@elsewhere.test>",
            "Answered, honest."), default);
        spoof.Disposition.ShouldBe("report");
        (await StatusAsync(message.Id)).ShouldBe("sent");
        await using var sender = _db.CreateCommand("SELECT sender FROM mail_intake WHERE id = $1");
        sender.Parameters.Add(new() { Value = spoof.IntakeId });
        ((string)(await sender.ExecuteScalarAsync())!).ShouldBe("mallory@elsewhere.test");
    }

    [Fact]
    public async Task Untagged_mail_becomes_a_report_with_its_text()
    {
        var result = await Intake().AcceptAsync(Mail(
            "From: reporter@isp.test\nSubject: =?utf-8?B?UGhpc2hpbmcgw6AgZXhhbXBsZS50ZXN0?=\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable",
            "Le domaine example.test h=C3=A9berge du phishing."), default);
        result.Disposition.ShouldBe("report");
        await using var command = _db.CreateCommand("SELECT subject, body FROM reports WHERE id = $1");
        command.Parameters.Add(new() { Value = result.ReportId!.Value });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetString(0).ShouldBe("Phishing à example.test");
        reader.GetString(1).ShouldBe("Le domaine example.test héberge du phishing.");
    }

    [Theory]
    [InlineData("no header separator and no colon here", "header line without a field name")]
    [InlineData("Subject: no sender\r\n\r\nbody", "no From address")]
    [InlineData("From: a@b.test\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nbody without end\r\n", "closing delimiter")]
    public async Task Malformed_mail_is_rejected_and_kept_in_quarantine(string raw, string reason)
    {
        var bytes = Encoding.UTF8.GetBytes(raw);
        var result = await Intake().AcceptAsync(bytes, default);
        result.Disposition.ShouldBe("quarantined");
        result.Problem!.ShouldContain(reason);
        await using var command = _db.CreateCommand("SELECT raw FROM mail_intake WHERE id = $1 AND disposition = 'quarantined'");
        command.Parameters.Add(new() { Value = result.IntakeId });
        ((byte[])(await command.ExecuteScalarAsync())!).ShouldBe(bytes);
    }

    [Fact]
    public async Task A_signature_by_the_stored_key_is_valid_and_one_by_another_key_is_flagged_forged()
    {
        (await SignedAsync(_senderFingerprint, "Genuine report")).Signature.ShouldBe("valid");
        (await SignedAsync(_otherFingerprint, "Forged report")).Signature.ShouldBe("invalid");
        (await SignedAsync(_senderFingerprint, "Altered report", alter: true)).Signature.ShouldBe("invalid");
    }

    private async Task<IntakeResult> SignedAsync(string fingerprint, string subject, bool alter = false)
    {
        var part = "Content-Type: text/plain; charset=utf-8\r\n\r\nThe NS records of example.test changed.\r\n";
        var data = Path.Combine(_gpg.Path, "part.txt");
        await File.WriteAllTextAsync(data, part);
        var signature = await GnuPgHome.Check(_gpg.RunAsync("--passphrase", "", "--local-user", fingerprint, "--armor", "--detach-sign", "--output", "-", data));
        if (alter)
        {
            part = part.Replace("changed", "stayed", StringComparison.Ordinal);
        }

        var mail = $"From: noc@registry.test\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n" +
                   "Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"b1\"\r\n\r\n" +
                   $"--b1\r\n{part}\r\n--b1\r\nContent-Type: application/pgp-signature\r\n\r\n{signature.StandardOutput.Replace("\n", "\r\n", StringComparison.Ordinal)}\r\n--b1--\r\n";
        return await Intake().AcceptAsync(Encoding.UTF8.GetBytes(mail), default);
    }

    [Fact]
    public async Task A_delivery_status_notification_marks_the_message_bounced()
    {
        var message = await SentMessageAsync();
        var dsn = Mail(
            "From: MAILER-DAEMON@relay.test\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"",
            $"--r\nContent-Type: text/plain\n\nSorry.\n--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; relay.test\n\nFinal-Recipient: rfc822; noc@registry.test\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n--r\nContent-Type: text/rfc822-headers\n\nMessage-ID: <{message.MessageId}>\nSubject: x\n--r--\n");
        var result = await Intake().AcceptAsync(dsn, default);
        result.Disposition.ShouldBe("bounce");
        (await StatusAsync(message.Id)).ShouldBe("bounced");
    }

    [Fact]
    public void Quoted_printable_and_encoded_words_round_trip()
    {
        var text = "Ligne très longue " + new string('é', 80) + " \r\nFrom here\r\n.dot";
        using var output = new MemoryStream();
        QuotedPrintable.Encode(Encoding.UTF8.GetBytes(text), output);
        var encoded = Encoding.ASCII.GetString(output.ToArray());
        encoded.Split("\r\n").ShouldAllBe(l => l.Length <= QuotedPrintable.MaxLine);
        encoded.ShouldContain("=46rom here");
        Encoding.UTF8.GetString(QuotedPrintable.Decode(output.ToArray())).ShouldBe(text);
        var subject = "[TLP:RED] الحادث INC-42: " + new string('ж', 60);
        var header = MimeHeaders.EncodeText(subject);
        header.Split(' ').ShouldAllBe(w => w.Length <= MimeHeaders.MaxEncodedWord);
        MailEntity.DecodeWords(header).ShouldBe(subject);
    }
}
