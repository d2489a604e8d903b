using System.Text.Json;
using DnsCert.Core.Constituency;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Constituency;

/// <summary>Column lists and row readers shared by the directory's SQL.</summary>
internal static class DirectoryRows
{
    public const string OrganisationColumns =
        "o.id, o.name, o.kind, o.region, o.country, o.languages, o.time_zone, o.resource_constrained, o.vetting, " +
        "o.vouched_by, o.vetted_at, o.back_end_operator_id, o.source, o.imported_at, o.manual_fields, o.created_at";

    public const string ContactColumns =
        "c.id, c.organisation_id, c.name, c.is_role_mailbox, c.roles, c.email, c.phone, c.language, c.openpgp_key, " +
        "c.openpgp_fingerprint, c.openpgp_expires_at, c.working_hours, c.last_verified, c.source, c.imported_at";

    public const string AssetColumns = "a.id, a.organisation_id, a.kind, a.value, a.addresses, a.source, a.imported_at";

    public static readonly Visibility.VisibilityColumns OrganisationVisibility = new("o.tlp", "o.recipient_organisations", "o.recipient_users", "o.created_by");
    public static readonly Visibility.VisibilityColumns ContactVisibility = new("c.tlp", "c.recipient_organisations", "c.recipient_users", "c.created_by");
    public static readonly Visibility.VisibilityColumns AssetVisibility = new("a.tlp", "a.recipient_organisations", "a.recipient_users", "a.created_by");

    public static Organisation ReadOrganisation(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), Codes.Parse<OrganisationKind>(r.GetString(2), "kind"), Codes.Parse<IcannRegion>(r.GetString(3), "region"),
        r.IsDBNull(4) ? null : r.GetString(4), r.GetFieldValue<string[]>(5), r.GetString(6), r.GetBoolean(7),
        Codes.Parse<VettingLevel>(r.GetString(8), "vetting"), r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetGuid(11),
        r.GetString(12), r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13), r.GetFieldValue<string[]>(14),
        r.GetFieldValue<DateTimeOffset>(15));

    public static Contact ReadContact(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetBoolean(3),
        [.. r.GetFieldValue<string[]>(4).Select(x => Codes.Parse<ContactRole>(x, "roles"))],
        r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetString(11),
        r.IsDBNull(12) ? null : r.GetFieldValue<DateOnly>(12), r.GetString(13), r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14));

    public static Asset ReadAsset(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), Codes.Parse<AssetKind>(r.GetString(2), "kind"), r.GetString(3), r.GetFieldValue<string[]>(4),
        r.GetString(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6));

    public static void Add(this NpgsqlCommand command, object? value) =>
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });

    public static void AddText(this NpgsqlCommand command, string? value) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value });

    public static void AddJson(this NpgsqlCommand command, object value) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(value) });

    public static void AddTime(this NpgsqlCommand command, DateTimeOffset? value) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } v ? v.UtcDateTime : DBNull.Value });

    public static void AddDate(this NpgsqlCommand command, DateOnly? value) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)value ?? DBNull.Value });

    /// <summary>
    /// The eleven contact columns in their one order — name, is_role_mailbox, roles, email, phone, language,
    /// openpgp_key, openpgp_fingerprint, openpgp_expires_at, working_hours, last_verified — as the next positional
    /// parameters: inserts and updates of a contact bind them the same way.
    /// </summary>
    public static void AddContactFields(this NpgsqlCommand command, ContactInput contact, OpenPgpKeyInfo? key)
    {
        command.Add(contact.Name);
        command.Add(contact.IsRoleMailbox);
        command.Add(RoleCodes(contact.Roles));
        command.Add(contact.Email);
        command.AddText(contact.Phone);
        command.AddText(contact.Language);
        command.AddText(contact.OpenPgpKey);
        command.AddText(key?.Fingerprint);
        command.AddTime(key?.ExpiresAt);
        command.AddText(contact.WorkingHours);
        command.AddDate(contact.LastVerified);
    }

    public static string[] RoleCodes(IEnumerable<ContactRole> roles) => [.. roles.Select(r => r.ToCode())];
}
