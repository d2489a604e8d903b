using System.Globalization;
using DnsCert.Core.Constituency;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using Npgsql;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>
/// Reach tests (issue 7) through the notification outbox (issue 8): each recipient gets one reach-test message of its
/// own — its answer link is a secret only that message carries, so it is never aggregated with anybody else's — in the
/// contact's language (then the organisation's preferences), signed, encrypted when we hold the contact's key, and
/// sent by the outbox like any other message (retries, dead letters, delivery tracking).
/// </summary>
public sealed class OutboxReachMailer(NpgsqlDataSource dataSource, MessageFactory messages, IRecipientDirectory directory, TimeProvider clock)
    : IReachMailer
{
    /// <summary>The answer date the message asks for; later answers are still recorded.</summary>
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromDays(7);

    /// <summary>A reach test is about the contact data itself, shareable within the recipient's organisation.</summary>
    public const Tlp Label = Tlp.Green;

    public async Task SendAsync(ReachMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        string[] organisationLanguages;
        await using (var languages = new NpgsqlCommand("SELECT languages FROM organisations WHERE id = $1", connection))
        {
            languages.Parameters.Add(new() { Value = message.OrganisationId });
            organisationLanguages = await languages.ExecuteScalarAsync(cancellationToken) as string[] ?? [];
        }

        var recipient = new Recipient(message.Email, message.ContactName,
            ConstituencyRecipientDirectory.Languages(message.Language, organisationLanguages),
            // Signed, not encrypted, when the contact's key is one the pipeline cannot encrypt to (Ed25519/Cv25519).
            OpenPgpKeyReader.EncryptableOrNull(await directory.FindOpenPgpKeyByAddressAsync(message.Email, cancellationToken)));
        var item = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["test"] = message.CampaignName,
            ["organisation"] = message.OrganisationName,
            ["due"] = (now + AnswerWithin).UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["link"] = message.AnswerLink.AbsoluteUri,
        };

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long ticket;
        await using (var next = new NpgsqlCommand("SELECT nextval('notification_ticket_seq')", connection, transaction))
        {
            ticket = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
        }

        var outgoing = messages.Create(
            new OutgoingNotification(IdempotencyKey(message.RecipientId), message.OrganisationId, NotificationKind.ReachTest, Label, recipient, [item]),
            ticket, now);
        await OutboxWriter.InsertAsync(connection, transaction, outgoing, now, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>One message per reach recipient, however often sending is tried again.</summary>
    public static string IdempotencyKey(Guid reachRecipientId) => "reach-" + reachRecipientId.ToString("N", CultureInfo.InvariantCulture);
}
