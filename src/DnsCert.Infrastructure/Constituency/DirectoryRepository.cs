using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DnsCert.Core;
using DnsCert.Core.Audit;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Audit;
using DnsCert.Infrastructure.Visibility;
using Npgsql;

namespace DnsCert.Infrastructure.Constituency;

/// <summary>
/// The directory in PostgreSQL (migration *_constituency). Every write is one transaction together with its audit
/// entry (target type <c>organisation</c>, so an organisation's history is one query); every read of what a person
/// may see goes through <see cref="VisibilitySql"/>.
/// </summary>
public sealed class DirectoryRepository(NpgsqlDataSource dataSource, TimeProvider time) : IDirectoryRepository
{
    public async Task<IReadOnlyList<OrganisationSummary>> SearchAsync(Viewer viewer, DirectorySearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var filter = VisibilityPolicy.For(viewer);
        var where = SearchConditions(filter, search, command);
        // Counts see only the assets and contacts this viewer may see: a count of hidden records would tell that they exist.
        var assetVisible = VisibilitySql.Condition(filter, command, alias: "a");
        var contactVisible = VisibilitySql.Condition(filter, command, alias: "c");
        command.Parameters.Add(new NpgsqlParameter("limit", Math.Clamp(search.Limit, 1, 5000)));
        command.Parameters.Add(new NpgsqlParameter("offset", Math.Max(0, search.Offset)));
        command.CommandText = $"""
            SELECT o.id, o.name, o.kind, o.region, o.country, o.languages, o.vetting,
                   (SELECT count(DISTINCT (a.kind, a.value)) FROM assets a WHERE a.organisation_id = o.id AND {assetVisible})::int,
                   (SELECT count(*) FROM contacts c WHERE c.organisation_id = o.id AND {contactVisible})::int
            FROM organisations o
            WHERE {string.Join(" AND ", where)}
            ORDER BY lower(o.name), o.id
            LIMIT @limit OFFSET @offset
            """;
        var result = new List<OrganisationSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new OrganisationSummary(reader.GetGuid(0), reader.GetString(1), Codes.Parse<OrganisationKind>(reader.GetString(2), "kind"),
                Codes.Parse<IcannRegion>(reader.GetString(3), "region"), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetFieldValue<string[]>(5), Codes.Parse<VettingLevel>(reader.GetString(6), "vetting"), reader.GetInt32(7), reader.GetInt32(8)));
        }

        return result;
    }

    public async Task<int> CountAsync(Viewer viewer, DirectorySearch search, int cap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var where = SearchConditions(VisibilityPolicy.For(viewer), search, command);
        command.Parameters.Add(new NpgsqlParameter("cap", Math.Max(1, cap)));
        // Counting stops at the cap: a search for a common word must not count a million rows.
        command.CommandText = $"SELECT count(*)::int FROM (SELECT 1 FROM organisations o WHERE {string.Join(" AND ", where)} LIMIT @cap) m";
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The WHERE conditions of a directory search, shared by the listing and the count.</summary>
    private static List<string> SearchConditions(VisibilityFilter filter, DirectorySearch search, NpgsqlCommand command)
    {
        var where = new List<string> { VisibilitySql.Condition(filter, command, DirectoryRows.OrganisationVisibility) };
        // Text matches see only the assets this viewer may see: a match on a hidden asset would tell that it exists.
        var assetVisible = VisibilitySql.Condition(filter, command, alias: "a");
        var spellings = new List<string>();
        if (!string.IsNullOrWhiteSpace(search.Text))
        {
            spellings.Add(search.Text);
        }

        spellings.AddRange((search.Spellings ?? []).Where(t => !string.IsNullOrWhiteSpace(t)));
        if (spellings.Count > 0)
        {
            var patterns = spellings.Select(t => "%" + LikeEscape(t.Trim().ToLowerInvariant()) + "%").Distinct(StringComparer.Ordinal).ToArray();
            command.Parameters.Add(new NpgsqlParameter("text", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = patterns });
            where.Add($"(lower(o.name) LIKE ANY(@text) OR EXISTS (SELECT 1 FROM assets a WHERE a.organisation_id = o.id AND a.value LIKE ANY(@text) AND {assetVisible}))");
        }

        if (search.Kind is { } kind)
        {
            command.Parameters.Add(new NpgsqlParameter("kind", kind.ToCode()));
            where.Add("o.kind = @kind");
        }

        if (search.Region is { } region)
        {
            command.Parameters.Add(new NpgsqlParameter("region", region.ToCode()));
            where.Add("o.region = @region");
        }

        if (!string.IsNullOrWhiteSpace(search.Language))
        {
            command.Parameters.Add(new NpgsqlParameter("language", search.Language.Trim().ToLowerInvariant()));
            where.Add("@language = ANY(o.languages)");
        }

        if (search.Vetting is { } vetting)
        {
            command.Parameters.Add(new NpgsqlParameter("vetting", vetting.ToCode()));
            where.Add("o.vetting = @vetting");
        }

        return where;
    }

    /// <summary>Typed text is matched literally inside a LIKE pattern: %, _ and the escape character itself are escaped.</summary>
    internal static string LikeEscape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    public async Task<OrganisationDetails?> GetAsync(Viewer viewer, Guid organisationId, CancellationToken cancellationToken)
    {
        var filter = VisibilityPolicy.For(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        Organisation organisation;
        await using (var command = new NpgsqlCommand { Connection = connection })
        {
            var visible = VisibilitySql.Condition(filter, command, DirectoryRows.OrganisationVisibility);
            command.CommandText = $"SELECT {DirectoryRows.OrganisationColumns} FROM organisations o WHERE o.id = @id AND {visible}";
            command.Parameters.Add(new NpgsqlParameter("id", organisationId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            organisation = DirectoryRows.ReadOrganisation(reader);
        }

        var contacts = new List<Contact>();
        await using (var command = new NpgsqlCommand { Connection = connection })
        {
            var visible = VisibilitySql.Condition(filter, command, DirectoryRows.ContactVisibility);
            command.CommandText = $"SELECT {DirectoryRows.ContactColumns} FROM contacts c WHERE c.organisation_id = @id AND {visible} ORDER BY c.name, c.id";
            command.Parameters.Add(new NpgsqlParameter("id", organisationId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                contacts.Add(DirectoryRows.ReadContact(reader));
            }
        }

        var assets = new List<Asset>();
        await using (var command = new NpgsqlCommand { Connection = connection })
        {
            var visible = VisibilitySql.Condition(filter, command, DirectoryRows.AssetVisibility);
            command.CommandText = $"SELECT {DirectoryRows.AssetColumns} FROM assets a WHERE a.organisation_id = @id AND {visible} ORDER BY a.kind, a.value, a.source";
            command.Parameters.Add(new NpgsqlParameter("id", organisationId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                assets.Add(DirectoryRows.ReadAsset(reader));
            }
        }

        // Claims and pending changes are the organisation's own business: its members and staff see them.
        var own = viewer.IsCoreTeam || viewer.OrganisationId == organisationId;
        var claims = new List<AssetClaim>();
        var pending = new List<PendingContactChange>();
        if (own)
        {
            await using (var command = new NpgsqlCommand(
                "SELECT id, organisation_id, kind, value, status, claimed_by, claimed_at, decided_by, decided_at FROM asset_claims WHERE organisation_id = $1 ORDER BY claimed_at DESC",
                connection))
            {
                command.Add(organisationId);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    claims.Add(new AssetClaim(reader.GetGuid(0), reader.GetGuid(1), Codes.Parse<AssetKind>(reader.GetString(2), "kind"), reader.GetString(3),
                        Codes.Parse<ClaimStatus>(reader.GetString(4), "status"), reader.IsDBNull(5) ? null : reader.GetGuid(5),
                        reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetGuid(7),
                        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8)));
                }
            }

            await using (var command = new NpgsqlCommand(
                "SELECT id, organisation_id, contact_id, change, requested_by, requested_at FROM pending_contact_changes WHERE organisation_id = $1 AND decided_at IS NULL ORDER BY requested_at",
                connection))
            {
                command.Add(organisationId);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    pending.Add(ReadPending(reader));
                }
            }
        }

        string? backEnd = null;
        var registrars = new List<RelatedOrganisation>();
        var backEndFor = new List<RelatedOrganisation>();
        var accreditedBy = new List<RelatedOrganisation>();
        await using (var command = new NpgsqlCommand { Connection = connection })
        {
            // Related organisations are read through the predicate too: a relationship must not name a hidden one.
            var visible = VisibilitySql.Condition(filter, command, alias: "o");
            command.CommandText = $"""
                SELECT 'b', o.id, o.name FROM organisations o WHERE o.id = @backend AND {visible}
                UNION ALL
                SELECT 'r', o.id, o.name FROM registry_accreditations r JOIN organisations o ON o.id = r.registrar_id WHERE r.registry_id = @id AND {visible}
                UNION ALL
                SELECT 'f', o.id, o.name FROM organisations o WHERE o.back_end_operator_id = @id AND {visible}
                UNION ALL
                SELECT 'a', o.id, o.name FROM registry_accreditations r JOIN organisations o ON o.id = r.registry_id WHERE r.registrar_id = @id AND {visible}
                ORDER BY 1, 3, 2
                """;
            command.Parameters.Add(new NpgsqlParameter("id", organisationId));
            command.Parameters.Add(new NpgsqlParameter("backend", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)organisation.BackEndOperatorId ?? DBNull.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var related = new RelatedOrganisation(reader.GetGuid(1), reader.GetString(2));
                switch (reader.GetString(0))
                {
                    case "b":
                        backEnd = related.Name;
                        break;
                    case "r":
                        registrars.Add(related);
                        break;
                    case "f":
                        backEndFor.Add(related);
                        break;
                    default:
                        accreditedBy.Add(related);
                        break;
                }
            }
        }

        return new OrganisationDetails(organisation, contacts, assets, claims, pending, backEnd, registrars)
        {
            BackEndFor = backEndFor,
            AccreditedBy = accreditedBy,
        };
    }

    public async Task<Contact?> GetContactAsync(Viewer viewer, Guid contactId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, DirectoryRows.ContactVisibility);
        command.CommandText = $"SELECT {DirectoryRows.ContactColumns} FROM contacts c WHERE c.id = @id AND {visible}";
        command.Parameters.Add(new NpgsqlParameter("id", contactId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? DirectoryRows.ReadContact(reader) : null;
    }

    /// <summary>Organisations per export batch: bounded memory, few round trips.</summary>
    internal const int ExportBatch = 1000;

    public async IAsyncEnumerable<OrganisationDetails> ExportAsync(Viewer viewer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = VisibilityPolicy.For(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        (string Name, Guid Id)? after = null;
        while (true)
        {
            var batch = new List<Organisation>(ExportBatch);
            string? lastKey = null;
            await using (var command = new NpgsqlCommand { Connection = connection })
            {
                var visible = VisibilitySql.Condition(filter, command, DirectoryRows.OrganisationVisibility);
                // Keyset pagination on the export order: each batch starts after the last one, whatever was written meanwhile.
                command.CommandText = $"""
                    SELECT {DirectoryRows.OrganisationColumns}, lower(o.name) FROM organisations o
                    WHERE {visible} AND (@after_name::text IS NULL OR (lower(o.name), o.id) > (@after_name, @after_id))
                    ORDER BY lower(o.name), o.id LIMIT @batch
                    """;
                command.Parameters.Add(new NpgsqlParameter("after_name", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)after?.Name ?? DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter("after_id", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)after?.Id ?? DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter("batch", ExportBatch));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    batch.Add(DirectoryRows.ReadOrganisation(reader));
                    lastKey = reader.GetString(16);
                }
            }

            if (batch.Count == 0)
            {
                yield break;
            }

            var ids = batch.Select(o => o.Id).ToArray();
            var contacts = new Dictionary<Guid, List<Contact>>();
            await using (var command = new NpgsqlCommand { Connection = connection })
            {
                var visible = VisibilitySql.Condition(filter, command, DirectoryRows.ContactVisibility);
                command.CommandText = $"SELECT {DirectoryRows.ContactColumns} FROM contacts c WHERE c.organisation_id = ANY(@ids) AND {visible} ORDER BY c.name, c.id";
                command.Parameters.Add(new NpgsqlParameter("ids", ids));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var contact = DirectoryRows.ReadContact(reader);
                    (contacts.TryGetValue(contact.OrganisationId, out var list) ? list : contacts[contact.OrganisationId] = []).Add(contact);
                }
            }

            var assets = new Dictionary<Guid, List<Asset>>();
            await using (var command = new NpgsqlCommand { Connection = connection })
            {
                var visible = VisibilitySql.Condition(filter, command, DirectoryRows.AssetVisibility);
                command.CommandText = $"SELECT {DirectoryRows.AssetColumns} FROM assets a WHERE a.organisation_id = ANY(@ids) AND {visible} ORDER BY a.kind, a.value, a.source";
                command.Parameters.Add(new NpgsqlParameter("ids", ids));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var asset = DirectoryRows.ReadAsset(reader);
                    (assets.TryGetValue(asset.OrganisationId, out var list) ? list : assets[asset.OrganisationId] = []).Add(asset);
                }
            }

            foreach (var organisation in batch)
            {
                yield return new OrganisationDetails(organisation, contacts.GetValueOrDefault(organisation.Id) ?? [], assets.GetValueOrDefault(organisation.Id) ?? [],
                    [], [], null, []);
            }

            after = (lastKey!, batch[^1].Id);
            if (batch.Count < ExportBatch)
            {
                yield break;
            }
        }
    }

    public async IAsyncEnumerable<Guid> OrganisationIdsAsync(Viewer viewer, OrganisationKind? kind, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, DirectoryRows.OrganisationVisibility);
        command.CommandText = $"SELECT o.id FROM organisations o WHERE {visible} AND (@kind::text IS NULL OR o.kind = @kind) ORDER BY lower(o.name), o.id";
        command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)kind?.ToCode() ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return reader.GetGuid(0);
        }
    }

    public async Task<IReadOnlyList<DirectoryHistoryEntry>> HistoryAsync(Viewer viewer, Guid organisationId, CancellationToken cancellationToken)
    {
        var filter = VisibilityPolicy.For(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        // Contact entries carry the contact's name, address and phone: they are shown only to whom may see that contact
        // (the predicate on the contact row). An entry that names no existing contact (a change request for a new one,
        // a decision) is judged as a contact of this organisation would be: TLP:AMBER with the organisation as recipient.
        var organisationVisible = VisibilitySql.Condition(filter, command, DirectoryRows.OrganisationVisibility);
        var contactVisible = VisibilitySql.Condition(filter, command, alias: "c");
        var newContactVisible = VisibilitySql.Condition(filter, command, alias: "p");
        command.CommandText = $"""
            SELECT l.at, l.actor, l.action, l.details
            FROM audit_log l
            JOIN organisations o ON o.id = @id
            LEFT JOIN contacts c ON l.action LIKE 'contact.%' AND c.id::text = l.details->>'contact_id'
            CROSS JOIN (SELECT @amber::smallint AS tlp, ARRAY[@id]::uuid[] AS recipient_organisations, ARRAY[]::uuid[] AS recipient_users,
                               NULL::uuid AS created_by) p
            WHERE l.target_type = 'organisation' AND l.target_id = @target AND {organisationVisible}
              AND (l.action NOT LIKE 'contact.%' OR (c.id IS NOT NULL AND {contactVisible}) OR (c.id IS NULL AND {newContactVisible}))
            ORDER BY l.id DESC LIMIT 200
            """;
        command.Parameters.Add(new NpgsqlParameter("id", organisationId));
        command.Parameters.Add(new NpgsqlParameter("target", organisationId.ToString()));
        command.Parameters.Add(new NpgsqlParameter("amber", (short)Tlp.Amber));
        var result = new List<DirectoryHistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new DirectoryHistoryEntry(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2),
                JsonSerializer.Deserialize<Dictionary<string, string?>>(reader.GetString(3)) ?? []));
        }

        return result;
    }

    public async Task<Guid> CreateOrganisationAsync(OrganisationInput input, DirectoryActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var id = Guid.NewGuid();
        await InTransactionAsync(async (connection, transaction) =>
        {
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO organisations (id, name, kind, region, country, languages, time_zone, resource_constrained, source, created_at, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'manual', $9, $10)
                """, connection, transaction);
            insert.Add(id);
            insert.Add(input.Name);
            insert.Add(input.Kind.ToCode());
            insert.Add(input.Region.ToCode());
            insert.AddText(input.Country);
            insert.Add(input.Languages.ToArray());
            insert.Add(input.TimeZone);
            insert.Add(input.ResourceConstrained);
            insert.AddTime(time.GetUtcNow());
            insert.Add(actor.UserId);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            await AuditAsync(connection, transaction, actor, "organisation.created", id, OrganisationDetails(input));
        }, cancellationToken);
        return id;
    }

    public async Task UpdateOrganisationAsync(Guid organisationId, OrganisationInput input, DirectoryActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await InTransactionAsync((connection, transaction) =>
            UpdateOrganisationCoreAsync(connection, transaction, organisationId, input, actor, cancellationToken), cancellationToken);
    }

    public async Task SaveOrganisationAsync(Guid organisationId, OrganisationInput input, VettingChange? vetting, DirectoryActor actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Facts and vetting in one transaction: a failure in either leaves the record as it was, never half-written.
        await InTransactionAsync(async (connection, transaction) =>
        {
            await UpdateOrganisationCoreAsync(connection, transaction, organisationId, input, actor, cancellationToken);
            if (vetting is not null)
            {
                await SetVettingCoreAsync(connection, transaction, organisationId, vetting.Level, vetting.VouchedBy, actor, cancellationToken);
            }
        }, cancellationToken);
    }

    private async Task UpdateOrganisationCoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid organisationId,
        OrganisationInput input, DirectoryActor actor, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            """
            UPDATE organisations SET name = $2, kind = $3, region = $4, country = $5, languages = $6, time_zone = $7,
                   resource_constrained = $8,
                   manual_fields = ARRAY(SELECT DISTINCT unnest(manual_fields || $9::text[]) ORDER BY 1)
            WHERE id = $1
            """, connection, transaction);
        update.Add(organisationId);
        update.Add(input.Name);
        update.Add(input.Kind.ToCode());
        update.Add(input.Region.ToCode());
        update.AddText(input.Country);
        update.Add(input.Languages.ToArray());
        update.Add(input.TimeZone);
        update.Add(input.ResourceConstrained);
        update.Add(OrganisationFields);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ValidationException("organisation", "no such organisation");
        }

        await AuditAsync(connection, transaction, actor, "organisation.updated", organisationId, OrganisationDetails(input));
    }

    /// <summary>The organisation fields an import may set and a person may override.</summary>
    internal static readonly string[] OrganisationFields = ["name", "kind", "region", "country", "languages", "time_zone", "resource_constrained"];

    internal static readonly string[] ContactFields = ["name", "is_role_mailbox", "roles", "email", "phone", "language", "openpgp_key", "working_hours", "last_verified"];

    public async Task SetVettingAsync(Guid organisationId, VettingLevel level, string? vouchedBy, DirectoryActor actor, CancellationToken cancellationToken) =>
        await InTransactionAsync((connection, transaction) =>
            SetVettingCoreAsync(connection, transaction, organisationId, level, vouchedBy, actor, cancellationToken), cancellationToken);

    private async Task SetVettingCoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid organisationId, VettingLevel level,
        string? vouchedBy, DirectoryActor actor, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            "UPDATE organisations SET vetting = $2, vouched_by = $3, vetted_at = $4 WHERE id = $1", connection, transaction);
        update.Add(organisationId);
        update.Add(level.ToCode());
        update.AddText(vouchedBy);
        update.AddTime(time.GetUtcNow());
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ValidationException("organisation", "no such organisation");
        }

        await AuditAsync(connection, transaction, actor, "organisation.vetted", organisationId,
            new() { ["vetting"] = level.ToCode(), ["vouched_by"] = vouchedBy });
    }

    public async Task SetBackEndOperatorAsync(Guid organisationId, Guid? backEndOperatorId, DirectoryActor actor, CancellationToken cancellationToken)
    {
        if (backEndOperatorId == organisationId)
        {
            throw new ValidationException("backEndOperator", "an organisation is not its own back-end operator");
        }

        await InTransactionAsync(async (connection, transaction) =>
        {
            await using var update = new NpgsqlCommand(
                "UPDATE organisations SET back_end_operator_id = $2 WHERE id = $1", connection, transaction);
            update.Add(organisationId);
            update.Add(backEndOperatorId);
            await ExecuteAsync(update, "backEndOperator", cancellationToken);
            await AuditAsync(connection, transaction, actor, "organisation.back-end-operator", organisationId,
                new() { ["back_end_operator_id"] = backEndOperatorId?.ToString() });
        }, cancellationToken);
    }

    public async Task AddAccreditationAsync(Guid registryId, Guid registrarId, DirectoryActor actor, CancellationToken cancellationToken)
    {
        await InTransactionAsync(async (connection, transaction) =>
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO registry_accreditations (registry_id, registrar_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                connection, transaction);
            insert.Add(registryId);
            insert.Add(registrarId);
            insert.AddTime(time.GetUtcNow());
            try
            {
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    return; // already accredited: nothing changed, nothing to audit
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw new ValidationException("registrar", "no such organisation");
            }

            await AuditAsync(connection, transaction, actor, "organisation.registrar-accredited", registryId,
                new() { ["registrar_id"] = registrarId.ToString() });
        }, cancellationToken);
    }

    public async Task RemoveAccreditationAsync(Guid registryId, Guid registrarId, DirectoryActor actor, CancellationToken cancellationToken)
    {
        await InTransactionAsync(async (connection, transaction) =>
        {
            await using var delete = new NpgsqlCommand(
                "DELETE FROM registry_accreditations WHERE registry_id = $1 AND registrar_id = $2", connection, transaction);
            delete.Add(registryId);
            delete.Add(registrarId);
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new ValidationException("registrar", "this registry does not accredit that registrar");
            }

            await AuditAsync(connection, transaction, actor, "organisation.registrar-unaccredited", registryId,
                new() { ["registrar_id"] = registrarId.ToString() });
        }, cancellationToken);
    }

    public async Task<Guid> AddContactAsync(Guid organisationId, ContactInput contact, OpenPgpKeyInfo? key, DirectoryActor actor, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        await InTransactionAsync(async (connection, transaction) =>
        {
            await InsertContactAsync(connection, transaction, id, organisationId, contact, key, RecordSources.Manual, null, null, actor.UserId, cancellationToken);
            await AuditAsync(connection, transaction, actor, "contact.created", organisationId, ContactDetails(id, contact, key));
        }, cancellationToken);
        return id;
    }

    internal async Task InsertContactAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, Guid organisationId,
        ContactInput contact, OpenPgpKeyInfo? key, string source, string? importKey, DateTimeOffset? importedAt, Guid? createdBy,
        CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO contacts (id, organisation_id, name, is_role_mailbox, roles, email, phone, language, openpgp_key,
                                  openpgp_fingerprint, openpgp_expires_at, working_hours, last_verified, source, import_key,
                                  imported_at, imported_values, recipient_organisations, created_by, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, ARRAY[$2], $18, $19, $19)
            """, connection, transaction);
        insert.Add(id);
        insert.Add(organisationId);
        insert.AddContactFields(contact, key);
        insert.Add(source);
        insert.AddText(importKey);
        insert.AddTime(importedAt);
        if (importKey is null)
        {
            insert.Add(null);
        }
        else
        {
            insert.AddJson(ContactValues(contact));
        }

        insert.Add(createdBy);
        insert.AddTime(time.GetUtcNow());
        try
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ValidationException("organisation", "no such organisation");
        }
    }

    internal static Dictionary<string, string?> ContactValues(ContactInput c) => new()
    {
        ["name"] = c.Name,
        ["is_role_mailbox"] = c.IsRoleMailbox ? "true" : "false",
        ["roles"] = string.Join(";", DirectoryRows.RoleCodes(c.Roles)),
        ["email"] = c.Email,
        ["phone"] = c.Phone,
        ["language"] = c.Language,
        ["working_hours"] = c.WorkingHours,
    };

    public async Task UpdateContactAsync(Guid contactId, ContactInput contact, OpenPgpKeyInfo? key, DirectoryActor actor, CancellationToken cancellationToken)
    {
        await InTransactionAsync(async (connection, transaction) =>
            await UpdateContactCoreAsync(connection, transaction, contactId, contact, key, actor, cancellationToken), cancellationToken);
    }

    private async Task UpdateContactCoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid contactId, ContactInput contact,
        OpenPgpKeyInfo? key, DirectoryActor actor, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            """
            UPDATE contacts SET name = $2, is_role_mailbox = $3, roles = $4, email = $5, phone = $6, language = $7, openpgp_key = $8,
                   openpgp_fingerprint = $9, openpgp_expires_at = $10, working_hours = $11, last_verified = $12, updated_at = $13,
                   manual_fields = CASE WHEN import_key IS NULL THEN manual_fields
                                        ELSE ARRAY(SELECT DISTINCT unnest(manual_fields || $14::text[]) ORDER BY 1) END
            WHERE id = $1
            RETURNING organisation_id
            """, connection, transaction);
        update.Add(contactId);
        update.AddContactFields(contact, key);
        update.AddTime(time.GetUtcNow());
        update.Add(ContactFields);
        if (await update.ExecuteScalarAsync(cancellationToken) is not Guid organisationId)
        {
            throw new ValidationException("contact", "no such contact");
        }

        await AuditAsync(connection, transaction, actor, "contact.updated", organisationId, ContactDetails(contactId, contact, key));
    }

    public async Task<Guid> RequestContactChangeAsync(Guid organisationId, Guid? contactId, ContactInput contact, DirectoryActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var id = Guid.NewGuid();
        await InTransactionAsync(async (connection, transaction) =>
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO pending_contact_changes (id, organisation_id, contact_id, change, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6)",
                connection, transaction);
            insert.Add(id);
            insert.Add(organisationId);
            insert.Add(contactId);
            insert.AddJson(contact);
            insert.Add(actor.UserId ?? Guid.Empty);
            insert.AddTime(time.GetUtcNow());
            await ExecuteAsync(insert, "organisation", cancellationToken);
            var details = ContactDetails(contactId, contact, null);
            details["change_id"] = id.ToString();
            await AuditAsync(connection, transaction, actor, "contact.change-requested", organisationId, details);
        }, cancellationToken);
        return id;
    }

    public async Task<PendingContactChange?> GetPendingChangeAsync(Guid changeId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT id, organisation_id, contact_id, change, requested_by, requested_at FROM pending_contact_changes WHERE id = $1 AND decided_at IS NULL",
            connection);
        command.Add(changeId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPending(reader) : null;
    }

    public async Task DecideContactChangeAsync(Guid changeId, bool approve, OpenPgpKeyInfo? key, DirectoryActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await InTransactionAsync(async (connection, transaction) =>
        {
            PendingContactChange change;
            await using (var select = new NpgsqlCommand(
                "SELECT id, organisation_id, contact_id, change, requested_by, requested_at FROM pending_contact_changes WHERE id = $1 AND decided_at IS NULL FOR UPDATE",
                connection, transaction))
            {
                select.Add(changeId);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    throw new ValidationException("change", "no such pending change");
                }

                change = ReadPending(reader);
            }

            await using (var decide = new NpgsqlCommand(
                "UPDATE pending_contact_changes SET decided_by = $2, decided_at = $3, approved = $4 WHERE id = $1", connection, transaction))
            {
                decide.Add(changeId);
                decide.Add(actor.UserId);
                decide.AddTime(time.GetUtcNow());
                decide.Add(approve);
                await decide.ExecuteNonQueryAsync(cancellationToken);
            }

            if (approve && change.ContactId is { } contactId)
            {
                await UpdateContactCoreAsync(connection, transaction, contactId, change.Change, key, actor, cancellationToken);
            }
            else if (approve)
            {
                var id = Guid.NewGuid();
                await InsertContactAsync(connection, transaction, id, change.OrganisationId, change.Change, key, RecordSources.Manual, null, null, change.RequestedBy, cancellationToken);
                await AuditAsync(connection, transaction, actor, "contact.created", change.OrganisationId, ContactDetails(id, change.Change, key));
            }

            await AuditAsync(connection, transaction, actor, approve ? "contact.change-approved" : "contact.change-rejected", change.OrganisationId,
                new() { ["change_id"] = changeId.ToString() });
        }, cancellationToken);
    }

    public async Task<Guid> AddAssetAsync(Guid organisationId, AssetKind kind, string value, DirectoryActor actor, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        await InTransactionAsync(async (connection, transaction) =>
        {
            await InsertManualAssetAsync(connection, transaction, id, organisationId, kind, value, actor, cancellationToken);
            await AuditAsync(connection, transaction, actor, "asset.added", organisationId, new() { ["kind"] = kind.ToCode(), ["value"] = value });
        }, cancellationToken);
        return id;
    }

    private async Task InsertManualAssetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, Guid organisationId, AssetKind kind,
        string value, DirectoryActor actor, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO assets (id, organisation_id, kind, value, source, created_at, created_by) VALUES ($1, $2, $3, $4, 'manual', $5, $6)
            """, connection, transaction);
        insert.Add(id);
        insert.Add(organisationId);
        insert.Add(kind.ToCode());
        insert.Add(value);
        insert.AddTime(time.GetUtcNow());
        insert.Add(actor.UserId);
        try
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ValidationException("value", $"the organisation already holds {kind.ToCode()} {value}");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ValidationException("organisation", "no such organisation");
        }
    }

    public async Task<Guid> ClaimAssetAsync(Guid organisationId, AssetKind kind, string value, DirectoryActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var id = Guid.NewGuid();
        await InTransactionAsync(async (connection, transaction) =>
        {
            await using (var held = new NpgsqlCommand(
                "SELECT 1 FROM assets WHERE organisation_id = $1 AND kind = $2 AND value = $3 AND source = 'manual'", connection, transaction))
            {
                held.Add(organisationId);
                held.Add(kind.ToCode());
                held.Add(value);
                if (await held.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    throw new ValidationException("value", $"the organisation already holds {kind.ToCode()} {value}");
                }
            }

            await using var insert = new NpgsqlCommand(
                "INSERT INTO asset_claims (id, organisation_id, kind, value, claimed_by, claimed_at) VALUES ($1, $2, $3, $4, $5, $6)",
                connection, transaction);
            insert.Add(id);
            insert.Add(organisationId);
            insert.Add(kind.ToCode());
            insert.Add(value);
            insert.Add(actor.UserId);
            insert.AddTime(time.GetUtcNow());
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ValidationException("value", $"{kind.ToCode()} {value} is already claimed by this organisation");
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw new ValidationException("organisation", "no such organisation");
            }

            await AuditAsync(connection, transaction, actor, "asset.claimed", organisationId,
                new() { ["claim_id"] = id.ToString(), ["kind"] = kind.ToCode(), ["value"] = value });
        }, cancellationToken);
        return id;
    }

    public async Task DecideClaimAsync(Guid claimId, bool approve, DirectoryActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await InTransactionAsync(async (connection, transaction) =>
        {
            await using var update = new NpgsqlCommand(
                """
                UPDATE asset_claims SET status = $2, decided_by = $3, decided_at = $4
                WHERE id = $1 AND status = 'pending' RETURNING organisation_id, kind, value
                """, connection, transaction);
            update.Add(claimId);
            update.Add(approve ? "approved" : "rejected");
            update.Add(actor.UserId);
            update.AddTime(time.GetUtcNow());
            Guid organisationId;
            AssetKind kind;
            string value;
            await using (var reader = await update.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    throw new ValidationException("claim", "no such pending claim");
                }

                organisationId = reader.GetGuid(0);
                kind = Codes.Parse<AssetKind>(reader.GetString(1), "kind");
                value = reader.GetString(2);
            }

            if (approve)
            {
                await InsertManualAssetAsync(connection, transaction, Guid.NewGuid(), organisationId, kind, value, actor, cancellationToken);
            }

            await AuditAsync(connection, transaction, actor, approve ? "asset.claim-approved" : "asset.claim-rejected", organisationId,
                new() { ["claim_id"] = claimId.ToString(), ["kind"] = kind.ToCode(), ["value"] = value });
        }, cancellationToken);
    }

    public async Task<RoutingSnapshot> LoadRoutingSnapshotAsync(Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var organisations = new Dictionary<Guid, (string Name, OrganisationKind Kind, string Language, List<RoutingContact> Contacts, Guid? BackEnd)>();
        await using (var command = new NpgsqlCommand("SELECT id, name, kind, languages, back_end_operator_id FROM organisations", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var languages = reader.GetFieldValue<string[]>(3);
                organisations[reader.GetGuid(0)] = (reader.GetString(1), Codes.Parse<OrganisationKind>(reader.GetString(2), "kind"),
                    languages.Length > 0 ? languages[0] : "en", [], reader.IsDBNull(4) ? null : reader.GetGuid(4));
            }
        }

        // Contacts are constituent-visible records (TLP:AMBER by default): only those the viewer may see are routed to.
        await using (var command = new NpgsqlCommand { Connection = connection })
        {
            var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, DirectoryRows.ContactVisibility);
            command.CommandText = $"SELECT c.organisation_id, c.name, c.email, c.language, c.roles FROM contacts c WHERE {visible} ORDER BY c.name, c.id";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (organisations.TryGetValue(reader.GetGuid(0), out var organisation))
                {
                    organisation.Contacts.Add(new RoutingContact(reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                        [.. reader.GetFieldValue<string[]>(4).Select(r => Codes.Parse<ContactRole>(r, "roles"))]));
                }
            }
        }

        // Effective owner per asset: the most trusted source; among equals, the organisation first by name.
        var best = new Dictionary<(string Kind, string Value), (int Precedence, string Name, Guid Id)>();
        await using (var command = new NpgsqlCommand(
            "SELECT a.kind, a.value, a.source, a.organisation_id, o.name FROM assets a JOIN organisations o ON o.id = a.organisation_id WHERE a.kind IN ('zone', 'name-server', 'ip-prefix')",
            connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetString(0), reader.GetString(1));
                var candidate = (RecordSources.Precedence(reader.GetString(2)), reader.GetString(4), reader.GetGuid(3));
                if (!best.TryGetValue(key, out var current) || candidate.Item1 < current.Precedence
                    || (candidate.Item1 == current.Precedence && string.CompareOrdinal(candidate.Item2, current.Name) < 0))
                {
                    best[key] = candidate;
                }
            }
        }

        var zones = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var nameServers = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var prefixes = new List<(IPNetwork, Guid)>();
        foreach (var ((kind, value), owner) in best)
        {
            switch (kind)
            {
                case "zone":
                    zones[value] = owner.Id;
                    break;
                case "name-server":
                    nameServers[value] = owner.Id;
                    break;
                default:
                    if (IPNetwork.TryParse(value, out var network))
                    {
                        prefixes.Add((network, owner.Id));
                    }

                    break;
            }
        }

        return new RoutingSnapshot(zones, nameServers, prefixes,
            organisations.ToDictionary(o => o.Key, o => new RoutingOrganisation(o.Key, o.Value.Name, o.Value.Kind, o.Value.Language, o.Value.Contacts, o.Value.BackEnd)));
    }

    private async Task InTransactionAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlCommand command, string field, CancellationToken cancellationToken)
    {
        try
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new ValidationException("organisation", "no such organisation");
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ValidationException(field, "no such organisation");
        }
    }

    internal async Task AuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DirectoryActor actor, string action,
        Guid organisationId, Dictionary<string, string?> details) =>
        await AuditLog.AppendAsync(connection, transaction,
            AuditEntry.Create(time.GetUtcNow(), actor.UserId, actor.Name, action, "organisation", organisationId.ToString(), details, actor.IpAddress),
            default);

    private static Dictionary<string, string?> OrganisationDetails(OrganisationInput input) => new()
    {
        ["name"] = input.Name,
        ["kind"] = input.Kind.ToCode(),
        ["region"] = input.Region.ToCode(),
        ["country"] = input.Country,
        ["languages"] = string.Join(",", input.Languages),
        ["time_zone"] = input.TimeZone,
        ["resource_constrained"] = input.ResourceConstrained ? "true" : "false",
    };

    private static Dictionary<string, string?> ContactDetails(Guid? contactId, ContactInput contact, OpenPgpKeyInfo? key)
    {
        var details = ContactValues(contact);
        details["contact_id"] = contactId?.ToString();
        details["openpgp_fingerprint"] = key?.Fingerprint;
        return details;
    }

    private static PendingContactChange ReadPending(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetGuid(2),
        JsonSerializer.Deserialize<ContactInput>(reader.GetString(3))!, reader.GetGuid(4), reader.GetFieldValue<DateTimeOffset>(5));
}
