namespace DnsCert.Core.Notifications;

/// <summary>
/// One person or mailbox a notification goes to, as the constituency directory (issue 7) knows it.
/// </summary>
/// <param name="Address">The email address (RFC 5321 mailbox).</param>
/// <param name="DisplayName">The name shown in the To header; may be empty.</param>
/// <param name="Languages">BCP 47 language preferences, most preferred first.</param>
/// <param name="OpenPgpPublicKey">The recipient's ASCII-armoured OpenPGP public key, or null: without one, mail is
/// signed but not encrypted.</param>
/// <param name="WebhookUrl">For machine recipients: an HTTPS endpoint that receives a signed JSON document instead of
/// mail. Null for people.</param>
public sealed record Recipient(
    string Address, string DisplayName, IReadOnlyList<string> Languages, string? OpenPgpPublicKey, Uri? WebhookUrl = null);

/// <summary>
/// The port the notification pipeline resolves "whom to tell" through. The constituency directory implements it; the
/// pipeline never reads contact tables itself.
/// </summary>
public interface IRecipientDirectory
{
    /// <summary>
    /// The recipients for a contact role of an organisation (e.g. "technical", "abuse", "security", "on-call"). An empty
    /// list means nobody holds the role: the directive is recorded as unroutable.
    /// </summary>
    Task<IReadOnlyList<Recipient>> FindRecipientsAsync(Guid organisationId, string contactRole, CancellationToken cancellationToken);

    /// <summary>
    /// The stored OpenPGP public key (armoured) of the contact with this email address, or null. The mail gateway checks
    /// signatures of incoming mail against it.
    /// </summary>
    Task<string?> FindOpenPgpKeyByAddressAsync(string address, CancellationToken cancellationToken);
}

/// <summary>Thrown by a directory that cannot answer now; directives stay pending and are tried again later.</summary>
public sealed class RecipientDirectoryUnavailableException(string message) : Exception(message)
{
    public RecipientDirectoryUnavailableException()
        : this("the recipient directory is unavailable")
    {
    }

    public RecipientDirectoryUnavailableException(string message, Exception innerException)
        : this(message + ": " + innerException?.Message)
    {
    }
}
