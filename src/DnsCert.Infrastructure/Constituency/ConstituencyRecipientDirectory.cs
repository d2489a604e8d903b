using DnsCert.Core.Constituency;
using DnsCert.Core.Notifications;
using Npgsql;

namespace DnsCert.Infrastructure.Constituency;

/// <summary>
/// The notification pipeline's <see cref="IRecipientDirectory"/> over the constituency directory: a directive's role
/// word becomes a <see cref="ContactRole"/> (<see cref="NotificationContactRoles"/>), its contacts become recipients
/// whose language preferences are the contact's own language, then the organisation's preferences in order. Like
/// <see cref="ContactDirectory"/> it reads for the platform, not for a person: no visibility filter applies.
/// </summary>
public sealed class ConstituencyRecipientDirectory(IContactDirectory contacts, NpgsqlDataSource dataSource) : IRecipientDirectory
{
    public async Task<IReadOnlyList<Recipient>> FindRecipientsAsync(Guid organisationId, string contactRole, CancellationToken cancellationToken)
    {
        var role = NotificationContactRoles.Parse(contactRole);
        IReadOnlyList<ContactAddress> found;
        IReadOnlyList<string> organisationLanguages;
        try
        {
            found = await contacts.FindContactsAsync(organisationId, role, cancellationToken);
            organisationLanguages = found.Count == 0 ? [] : await OrganisationLanguagesAsync(organisationId, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            // The database is away: the planner keeps the directives pending rather than marking them unroutable.
            throw new RecipientDirectoryUnavailableException("the constituency directory cannot be read", e);
        }

        // A stored key the pipeline cannot encrypt to (Ed25519/Cv25519 with BouncyCastle 1.8.10) is not handed on: the
        // mail goes out signed, not encrypted, as the directory tells staff, instead of failing.
        return [.. found.Select(c => new Recipient(c.Email, c.Name, Languages(c.Language, organisationLanguages), OpenPgpKeyReader.EncryptableOrNull(c.OpenPgpKey)))];
    }

    public async Task<string?> FindOpenPgpKeyByAddressAsync(string address, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }

        // Case-blind: mail gateways and people rewrite the case of addresses; the most recently updated key wins when
        // two contacts share an address (a role mailbox listed under two organisations).
        await using var command = dataSource.CreateCommand("""
            SELECT openpgp_key FROM contacts
            WHERE lower(email) = lower($1) AND openpgp_key IS NOT NULL
            ORDER BY updated_at DESC, id
            LIMIT 1
            """);
        command.Parameters.Add(new() { Value = address.Trim() });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The contact's language first, then the organisation's preferences in their order, each once.</summary>
    public static IReadOnlyList<string> Languages(string? contactLanguage, IEnumerable<string> organisationLanguages)
    {
        ArgumentNullException.ThrowIfNull(organisationLanguages);
        var list = new List<string>();
        foreach (var language in new[] { contactLanguage }.Concat(organisationLanguages))
        {
            if (!string.IsNullOrWhiteSpace(language) && !list.Contains(language, StringComparer.OrdinalIgnoreCase))
            {
                list.Add(language);
            }
        }

        return list;
    }

    private async Task<IReadOnlyList<string>> OrganisationLanguagesAsync(Guid organisationId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT languages FROM organisations WHERE id = $1");
        command.Parameters.Add(new() { Value = organisationId });
        return await command.ExecuteScalarAsync(cancellationToken) as string[] ?? [];
    }
}
