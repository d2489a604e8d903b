namespace DnsCert.Core.Constituency;

/// <summary>A constituent or partner organisation as the directory knows it (effective values: manual over imported).</summary>
public sealed record Organisation(
    Guid Id,
    string Name,
    OrganisationKind Kind,
    IcannRegion Region,
    string? Country,
    IReadOnlyList<string> Languages,
    string TimeZone,
    bool ResourceConstrained,
    VettingLevel Vetting,
    string? VouchedBy,
    DateTimeOffset? VettedAt,
    Guid? BackEndOperatorId,
    string Source,
    DateTimeOffset? ImportedAt,
    IReadOnlyList<string> ManualFields,
    DateTimeOffset CreatedAt)
{
    /// <summary>The language to write to this organisation in: its first preference, English when it has none.</summary>
    public string WritingLanguage => Languages.Count > 0 ? Languages[0] : "en";
}

/// <summary>What a person may change about an organisation; validated by <see cref="DirectoryValidation"/>.</summary>
public sealed record OrganisationInput(
    string Name,
    OrganisationKind Kind,
    IcannRegion Region,
    string? Country,
    IReadOnlyList<string> Languages,
    string TimeZone,
    bool ResourceConstrained);

/// <summary>A person or role mailbox at an organisation.</summary>
public sealed record Contact(
    Guid Id,
    Guid OrganisationId,
    string Name,
    bool IsRoleMailbox,
    IReadOnlyList<ContactRole> Roles,
    string Email,
    string? Phone,
    string? Language,
    string? OpenPgpKey,
    string? OpenPgpFingerprint,
    DateTimeOffset? OpenPgpExpiresAt,
    string? WorkingHours,
    DateOnly? LastVerified,
    string Source,
    DateTimeOffset? ImportedAt)
{
    public bool HasRole(ContactRole role) => Roles.Contains(role);
}

/// <summary>The editable fields of a contact, as typed (strings), before validation.</summary>
public sealed record ContactInput(
    string Name,
    bool IsRoleMailbox,
    IReadOnlyList<ContactRole> Roles,
    string Email,
    string? Phone,
    string? Language,
    string? OpenPgpKey,
    string? WorkingHours,
    DateOnly? LastVerified);

/// <summary>A zone, name server, prefix, AS number or software product, as one source knows it.</summary>
public sealed record Asset(
    Guid Id,
    Guid OrganisationId,
    AssetKind Kind,
    string Value,
    IReadOnlyList<string> Addresses,
    string Source,
    DateTimeOffset? ImportedAt);

public enum ClaimStatus
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>A constituent says "this asset is ours"; staff approve or reject.</summary>
public sealed record AssetClaim(
    Guid Id, Guid OrganisationId, AssetKind Kind, string Value, ClaimStatus Status, Guid? ClaimedBy,
    DateTimeOffset ClaimedAt, Guid? DecidedBy, DateTimeOffset? DecidedAt);

/// <summary>A constituent's change to a 24x7 contact, held until staff approve it.</summary>
public sealed record PendingContactChange(
    Guid Id, Guid OrganisationId, Guid? ContactId, ContactInput Change, Guid RequestedBy, DateTimeOffset RequestedAt);

/// <summary>The parsed facts of an OpenPGP public key (RFC 9580): what the directory shows and tracks.</summary>
public sealed record OpenPgpKeyInfo(string Fingerprint, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, IReadOnlyList<string> UserIds);

/// <summary>Reads an ASCII-armoured OpenPGP public key (implemented in Infrastructure with BouncyCastle).</summary>
public interface IOpenPgpKeyReader
{
    /// <exception cref="ValidationException">Not a readable public key (field <c>openPgpKey</c>).</exception>
    OpenPgpKeyInfo Read(string armoured);

    /// <summary>Whether mail to this key can be encrypted (else it is stored and mail is signed, not encrypted).</summary>
    bool CanEncryptTo(string? armoured);
}
