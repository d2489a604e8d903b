namespace DnsCert.Core.Constituency;

/// <summary>A contact as the notification pipeline needs it: where to write, in which language, with which key.</summary>
public sealed record ContactAddress(
    Guid ContactId,
    Guid OrganisationId,
    string OrganisationName,
    string Name,
    string Email,
    string Language,
    string? OpenPgpKey,
    string? OpenPgpFingerprint,
    DateTimeOffset? OpenPgpExpiresAt);

/// <summary>
/// The query the notification pipeline asks: the contacts of organisation X for role R. The language is the
/// contact's own, else the organisation's first preference, else English.
/// </summary>
public interface IContactDirectory
{
    Task<IReadOnlyList<ContactAddress>> FindContactsAsync(Guid organisationId, ContactRole role, CancellationToken cancellationToken);
}
