using System.Globalization;
using System.Text.Json;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using Microsoft.Extensions.Options;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>What to send to one recipient: the aggregated items of one directive group.</summary>
public sealed record OutgoingNotification(
    string IdempotencyKey, Guid? OrganisationId, NotificationKind Kind, Tlp Tlp, Recipient Recipient,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Items);

/// <summary>An outbox row: the message exactly as it will go on the wire.</summary>
public sealed record OutboxMessage(
    Guid Id, long Ticket, string IdempotencyKey, string MessageId, string Channel, Guid? OrganisationId, NotificationKind Kind, Tlp Tlp,
    string Language, string Recipient, string Subject, byte[] Content, bool Encrypted);

/// <summary>Renders, signs and encrypts a notification for the outbox (email), or writes its JSON (webhook).</summary>
public sealed class MessageFactory(IOptions<NotificationOptions> options, TeamKey teamKey)
{
    public const string EmailChannel = "email";
    public const string WebhookChannel = "webhook";

    public OutboxMessage Create(OutgoingNotification notification, long ticket, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var settings = options.Value;
        var recipient = notification.Recipient;
        var language = NotificationLanguages.Choose(recipient.Languages);
        var rendered = NotificationRenderer.Render(notification.Kind, notification.Tlp, language, ticket, notification.Items);
        // Stable across retries and re-plans: derived from the idempotency key, not from the time or a counter.
        var messageId = notification.IdempotencyKey + "@" + settings.EffectiveMessageIdDomain;
        var id = Guid.CreateVersion7(now);
        if (recipient.WebhookUrl is { } url)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(new WebhookDocument(
                ticket, messageId, notification.Kind.Name(), notification.Tlp.ToLabel(), language, rendered.Subject,
                notification.OrganisationId, notification.Items, now));
            return new OutboxMessage(id, ticket, notification.IdempotencyKey, messageId, WebhookChannel, notification.OrganisationId,
                notification.Kind, notification.Tlp, language, url.ToString(), rendered.Subject, json, false);
        }

        // The address as given: a local part may be case-sensitive (RFC 5321 §2.4); throttling compares it case-blind.
        var content = new MessageComposer(teamKey.Signer).Compose(
            new MailEnvelope(settings.FromAddress, settings.FromName, recipient, messageId, ticket, now), rendered, Attachments(notification.Items));
        return new OutboxMessage(id, ticket, notification.IdempotencyKey, messageId, EmailChannel, notification.OrganisationId,
            notification.Kind, notification.Tlp, language, recipient.Address, rendered.Subject, content,
            !string.IsNullOrEmpty(recipient.OpenPgpPublicKey));
    }

    /// <summary>The files the items carry (<see cref="NotificationAttachments"/>), CSV as text/csv in UTF-8.</summary>
    public static IReadOnlyList<MailAttachment> Attachments(IReadOnlyList<IReadOnlyDictionary<string, string>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return [.. items
            .Where(i => i.ContainsKey(NotificationAttachments.NameKey) && i.ContainsKey(NotificationAttachments.ContentKey))
            .Select(i => new MailAttachment(i[NotificationAttachments.NameKey],
                i[NotificationAttachments.NameKey].EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "text/csv; charset=utf-8" : "application/octet-stream",
                System.Text.Encoding.UTF8.GetBytes(i[NotificationAttachments.ContentKey])))];
    }

    public static string TicketText(long ticket) => ticket.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The JSON a machine recipient receives (signed with HMAC-SHA256, see <see cref="WebhookSignature"/>).</summary>
public sealed record WebhookDocument(
    long Ticket, string MessageId, string Kind, string Tlp, string Language, string Subject, Guid? OrganisationId,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Items, DateTimeOffset Created);

/// <summary>The team's signing key, loaded once (null when none is configured: mail goes out unsigned).</summary>
public sealed class TeamKey
{
    public TeamKey(IOptions<NotificationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        if (settings.Enabled && !string.IsNullOrWhiteSpace(settings.TeamKeyPath))
        {
            using var stream = File.OpenRead(settings.TeamKeyPath);
            Signer = OpenPgpSigner.Load(stream, settings.TeamKeyPassphrase ?? "");
        }
    }

    public TeamKey(OpenPgpSigner? signer) => Signer = signer;

    public OpenPgpSigner? Signer { get; }
}
