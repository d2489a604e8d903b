using System.Globalization;
using DnsCert.Core.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>The envelope and identity of one outgoing mail.</summary>
public sealed record MailEnvelope(string FromAddress, string FromName, Recipient To, string MessageId, long Ticket, DateTimeOffset Date);

/// <summary>A file sent beside the text (a campaign request's slice as CSV).</summary>
public sealed record MailAttachment(string FileName, string MediaType, byte[] Content)
{
    /// <summary>The file name reduced to characters that need no RFC 2231 encoding.</summary>
    public string SafeFileName => new([.. FileName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]);
}

/// <summary>
/// Builds the RFC 5322 message: multipart/alternative (plain text first, then HTML) — inside multipart/mixed with the
/// attachments after it when there are any (RFC 2046 §5.1.3) — signed with the team key as
/// RFC 3156 multipart/signed, and when we hold the recipient's key, that signed entity encrypted as
/// multipart/encrypted (§6.1: sign, then encrypt).
/// </summary>
public sealed class MessageComposer(OpenPgpSigner? signer)
{
    public byte[] Compose(MailEnvelope envelope, RenderedNotification content, IReadOnlyList<MailAttachment>? attachments = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(content);
        MimeEntity body = new Multipart("alternative",
        [
            MimePart.Text("plain", content.Text, content.Language),
            MimePart.Text("html", content.Html, content.Language),
        ]);
        if (attachments is { Count: > 0 })
        {
            // Base64 keeps the file's bytes (CRLF rows of a CSV included) exactly as they were signed.
            body = new Multipart("mixed", [body, .. attachments.Select(a =>
                new MimePart($"{a.MediaType}; name=\"{a.SafeFileName}\"", a.Content, TransferEncoding.Base64)
                    .Header("Content-Disposition", $"attachment; filename=\"{a.SafeFileName}\""))]);
        }

        var encrypted = false;
        if (signer is not null)
        {
            var signedBytes = body.ToBytes();
            var signature = Crlf(signer.SignDetached(signedBytes, envelope.Date));
            body = new Multipart("signed",
                [new RawEntity(signedBytes), new MimePart("application/pgp-signature; name=\"signature.asc\"", signature, TransferEncoding.SevenBit)
                    .Header("Content-Description", "OpenPGP digital signature")],
                "micalg=pgp-sha256; protocol=\"application/pgp-signature\"");
        }

        if (envelope.To.OpenPgpPublicKey is { Length: > 0 } recipientKey)
        {
            var key = OpenPgpKeys.EncryptionKey(recipientKey);
            var ciphertext = Crlf(OpenPgpKeys.Encrypt(body.ToBytes(), key, envelope.Date));
            body = new Multipart("encrypted",
                [
                    new MimePart("application/pgp-encrypted", "Version: 1\r\n"u8.ToArray(), TransferEncoding.SevenBit),
                    new MimePart("application/octet-stream; name=\"encrypted.asc\"", ciphertext, TransferEncoding.SevenBit),
                ],
                "protocol=\"application/pgp-encrypted\"");
            encrypted = true;
        }

        using var output = new MemoryStream();
        var headers = new List<(string, string)>
        {
            ("Date", envelope.Date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)),
            ("From", MimeHeaders.Address(envelope.FromName, envelope.FromAddress)),
            ("To", MimeHeaders.Address(envelope.To.DisplayName, envelope.To.Address)),
            ("Subject", MimeHeaders.EncodeText(content.Subject)),
            ("Message-ID", "<" + envelope.MessageId + ">"),
            ("MIME-Version", "1.0"),
            // RFC 3834: machine-made, so auto-responders do not answer (a reply from a person still comes).
            ("Auto-Submitted", "auto-generated"),
            ("X-DnsCert-Ticket", envelope.Ticket.ToString(CultureInfo.InvariantCulture)),
        };
        if (!encrypted)
        {
            headers.Add(("Content-Language", content.Language));
        }

        foreach (var (name, value) in headers)
        {
            MimeHeaders.CheckHeader(name, value, utf8Address: name is "From" or "To");
            MimeHeaders.WriteFolded(output, name, value);
        }

        body.WriteTo(output);
        return output.ToArray();
    }

    /// <summary>Armour comes with the platform's line ends; mail lines end in CRLF (RFC 5322 §2.3).</summary>
    private static byte[] Crlf(byte[] armour)
    {
        var text = System.Text.Encoding.ASCII.GetString(armour).Replace("\r\n", "\n", StringComparison.Ordinal);
        return System.Text.Encoding.ASCII.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal));
    }
}
