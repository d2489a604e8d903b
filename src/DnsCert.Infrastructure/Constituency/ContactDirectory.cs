using DnsCert.Core.Constituency;
using Npgsql;

namespace DnsCert.Infrastructure.Constituency;

/// <summary>
/// <see cref="IContactDirectory"/> for the notification pipeline. It reads for the platform itself (not for a
/// person), so no visibility filter applies: what it returns goes into mail, not onto a page.
/// </summary>
public sealed class ContactDirectory(NpgsqlDataSource dataSource) : IContactDirectory
{
    public async Task<IReadOnlyList<ContactAddress>> FindContactsAsync(Guid organisationId, ContactRole role, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT c.id, c.organisation_id, o.name, c.name, c.email, coalesce(c.language, o.languages[1], 'en'),
                   c.openpgp_key, c.openpgp_fingerprint, c.openpgp_expires_at
            FROM contacts c JOIN organisations o ON o.id = c.organisation_id
            WHERE c.organisation_id = $1 AND $2 = ANY(c.roles)
            ORDER BY c.is_role_mailbox DESC, c.name, c.id
            """, connection);
        command.Add(organisationId);
        command.Add(role.ToCode());
        var result = new List<ContactAddress>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ContactAddress(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return result;
    }
}
