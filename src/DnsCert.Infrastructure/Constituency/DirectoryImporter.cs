using System.Text.Json;
using DnsCert.Core.Constituency;
using Npgsql;

namespace DnsCert.Infrastructure.Constituency;

/// <summary>
/// Idempotent imports (see <see cref="IDirectoryImporter"/>). Organisations and contacts are matched by import key;
/// assets by (organisation, kind, value, source). Fields listed in manual_fields are never written by an import; the
/// imported value is still kept in imported_values, apart from the manual one.
/// </summary>
public sealed class DirectoryImporter(NpgsqlDataSource dataSource, TimeProvider time) : IDirectoryImporter
{
    public async Task<ImportResult> ImportAsync(string source, IReadOnlyList<ImportOrganisation> organisations, bool complete,
        DirectoryActor actor, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organisations);
        ArgumentNullException.ThrowIfNull(actor);
        var repository = new DirectoryRepository(dataSource, time);
        var now = time.GetUtcNow();
        int created = 0, updated = 0, unchanged = 0, contactsWritten = 0, assetsWritten = 0, assetsRemoved = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var existing = new Dictionary<string, (Guid Id, Dictionary<string, string?> Current, HashSet<string> Manual, string? Imported)>(StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand(
            """
            SELECT import_key, id, name, kind, region, country, array_to_string(languages, ','), time_zone, manual_fields, imported_values::text
            FROM organisations WHERE import_key = ANY($1)
            """, connection, transaction))
        {
            select.Add(organisations.Select(o => o.Key).ToArray());
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                existing[reader.GetString(0)] = (reader.GetGuid(1), new Dictionary<string, string?>
                {
                    ["name"] = reader.GetString(2),
                    ["kind"] = reader.GetString(3),
                    ["region"] = reader.GetString(4),
                    ["country"] = reader.IsDBNull(5) ? null : reader.GetString(5),
                    ["languages"] = reader.GetString(6),
                    ["time_zone"] = reader.GetString(7),
                }, [.. reader.GetFieldValue<string[]>(8)], reader.IsDBNull(9) ? null : reader.GetString(9));
            }
        }

        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var done = 0;
        foreach (var organisation in organisations)
        {
            var values = ImportedValues(organisation);
            if (!existing.TryGetValue(organisation.Key, out var row))
            {
                var id = Guid.NewGuid();
                ids[organisation.Key] = id;
                await using var insert = new NpgsqlCommand(
                    """
                    INSERT INTO organisations (id, name, kind, region, country, languages, time_zone, source, import_key, imported_at, imported_values, created_at)
                    VALUES ($1, $2, $3, $4, $5, string_to_array($6, ','), $7, $8, $9, $10, $11, $10)
                    """, connection, transaction);
                insert.Add(id);
                insert.Add(values["name"]);
                insert.Add(values["kind"]);
                insert.Add(values.GetValueOrDefault("region") ?? IcannRegion.Unknown.ToCode());
                insert.AddText(values.GetValueOrDefault("country"));
                insert.Add(values.GetValueOrDefault("languages") ?? "");
                insert.Add(values.GetValueOrDefault("time_zone") ?? "UTC");
                insert.Add(source);
                insert.Add(organisation.Key);
                insert.AddTime(now);
                insert.AddJson(values);
                await insert.ExecuteNonQueryAsync(cancellationToken);
                await repository.AuditAsync(connection, transaction, actor, "organisation.imported", id,
                    new(values) { ["source"] = source, ["key"] = organisation.Key });
                created++;
            }
            else
            {
                ids[organisation.Key] = row.Id;
                var changes = values.Where(v => !row.Manual.Contains(v.Key) && row.Current.GetValueOrDefault(v.Key) != v.Value)
                    .ToDictionary(v => v.Key, v => v.Value);
                var importedJson = JsonSerializer.Serialize(values);
                var importedChanged = row.Imported is null || !JsonEquals(row.Imported, importedJson);
                if (changes.Count == 0 && !importedChanged)
                {
                    unchanged++;
                }
                else
                {
                    await using var update = new NpgsqlCommand(
                        """
                        UPDATE organisations SET
                            name = CASE WHEN $2 THEN $3 ELSE name END,
                            kind = CASE WHEN $4 THEN $5 ELSE kind END,
                            region = CASE WHEN $6 THEN $7 ELSE region END,
                            country = CASE WHEN $8 THEN $9 ELSE country END,
                            languages = CASE WHEN $10 THEN string_to_array($11, ',') ELSE languages END,
                            time_zone = CASE WHEN $12 THEN $13 ELSE time_zone END,
                            imported_at = $14, imported_values = $15
                        WHERE id = $1
                        """, connection, transaction);
                    update.Add(row.Id);
                    foreach (var field in new[] { "name", "kind", "region", "country", "languages", "time_zone" })
                    {
                        update.Add(changes.ContainsKey(field));
                        update.AddText(changes.GetValueOrDefault(field));
                    }

                    update.AddTime(now);
                    update.AddJson(values);
                    await update.ExecuteNonQueryAsync(cancellationToken);
                    await repository.AuditAsync(connection, transaction, actor, "organisation.reimported", row.Id,
                        new(changes) { ["source"] = source, ["key"] = organisation.Key });
                    updated++;
                }
            }

            contactsWritten += await ImportContactsAsync(repository, connection, transaction, ids[organisation.Key], organisation, source, now, actor, cancellationToken);
            progress?.Report(++done);
        }

        (assetsWritten, assetsRemoved) = await ImportAssetsAsync(connection, transaction, source, organisations, ids, complete, now, cancellationToken);
        if (created + updated + contactsWritten + assetsWritten + assetsRemoved > 0)
        {
            await Audit.AuditLog.AppendAsync(connection, transaction, Core.Audit.AuditEntry.Create(now, actor.UserId, actor.Name, "directory.imported",
                "directory", source, new Dictionary<string, string?>
                {
                    ["created"] = $"{created}",
                    ["updated"] = $"{updated}",
                    ["contacts"] = $"{contactsWritten}",
                    ["assets_written"] = $"{assetsWritten}",
                    ["assets_removed"] = $"{assetsRemoved}",
                }, actor.IpAddress), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ImportResult(created, updated, unchanged, contactsWritten, assetsWritten, assetsRemoved, []);
    }

    private static Dictionary<string, string?> ImportedValues(ImportOrganisation organisation)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["name"] = organisation.Name,
            ["kind"] = organisation.Kind.ToCode(),
        };
        if (organisation.Region != IcannRegion.Unknown)
        {
            values["region"] = organisation.Region.ToCode();
        }

        if (organisation.Country is not null)
        {
            values["country"] = organisation.Country;
        }

        if (organisation.Languages.Count > 0)
        {
            values["languages"] = string.Join(',', organisation.Languages);
        }

        if (organisation.TimeZone is not null)
        {
            values["time_zone"] = organisation.TimeZone;
        }

        return values;
    }

    private static bool JsonEquals(string a, string b)
    {
        var left = JsonSerializer.Deserialize<Dictionary<string, string?>>(a) ?? [];
        var right = JsonSerializer.Deserialize<Dictionary<string, string?>>(b) ?? [];
        return left.Count == right.Count && left.All(p => right.TryGetValue(p.Key, out var v) && v == p.Value);
    }

    private static async Task<int> ImportContactsAsync(DirectoryRepository repository, NpgsqlConnection connection, NpgsqlTransaction transaction,
        Guid organisationId, ImportOrganisation organisation, string source, DateTimeOffset now, DirectoryActor actor, CancellationToken cancellationToken)
    {
        if (organisation.Contacts.Count == 0)
        {
            return 0;
        }

        var existing = new Dictionary<string, (Guid Id, HashSet<string> Manual, string? Imported)>(StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand(
            "SELECT import_key, id, manual_fields, imported_values::text FROM contacts WHERE import_key = ANY($1)", connection, transaction))
        {
            select.Add(organisation.Contacts.Select(c => c.Key).ToArray());
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                existing[reader.GetString(0)] = (reader.GetGuid(1), [.. reader.GetFieldValue<string[]>(2)], reader.IsDBNull(3) ? null : reader.GetString(3));
            }
        }

        var written = 0;
        foreach (var contact in organisation.Contacts)
        {
            var values = DirectoryRepository.ContactValues(contact.Contact);
            if (!existing.TryGetValue(contact.Key, out var row))
            {
                var id = Guid.NewGuid();
                await repository.InsertContactAsync(connection, transaction, id, organisationId, contact.Contact, null, source, contact.Key, now, null, cancellationToken);
                await repository.AuditAsync(connection, transaction, actor, "contact.imported", organisationId,
                    new(values) { ["contact_id"] = id.ToString(), ["source"] = source });
                written++;
                continue;
            }

            if (row.Imported is not null && JsonEquals(row.Imported, JsonSerializer.Serialize(values)))
            {
                continue;
            }

            // Only fields nobody changed by hand take the new imported value.
            await using var update = new NpgsqlCommand(
                """
                UPDATE contacts SET
                    name = CASE WHEN 'name' = ANY(manual_fields) THEN name ELSE $2 END,
                    roles = CASE WHEN 'roles' = ANY(manual_fields) THEN roles ELSE $3 END,
                    email = CASE WHEN 'email' = ANY(manual_fields) THEN email ELSE $4 END,
                    phone = CASE WHEN 'phone' = ANY(manual_fields) THEN phone ELSE $5 END,
                    language = CASE WHEN 'language' = ANY(manual_fields) THEN language ELSE $6 END,
                    imported_at = $7, imported_values = $8, updated_at = $7
                WHERE id = $1
                """, connection, transaction);
            update.Add(row.Id);
            update.Add(contact.Contact.Name);
            update.Add(DirectoryRows.RoleCodes(contact.Contact.Roles));
            update.Add(contact.Contact.Email);
            update.AddText(contact.Contact.Phone);
            update.AddText(contact.Contact.Language);
            update.AddTime(now);
            update.AddJson(values);
            await update.ExecuteNonQueryAsync(cancellationToken);
            await repository.AuditAsync(connection, transaction, actor, "contact.reimported", organisationId,
                new(values) { ["contact_id"] = row.Id.ToString(), ["source"] = source });
            written++;
        }

        return written;
    }

    private static async Task<(int Written, int Removed)> ImportAssetsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string source,
        IReadOnlyList<ImportOrganisation> organisations, Dictionary<string, Guid> ids, bool complete, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<(Guid, string, string), (Guid Id, string[] Addresses)>();
        await using (var select = new NpgsqlCommand(
            "SELECT organisation_id, kind, value, id, addresses FROM assets WHERE source = $1", connection, transaction))
        {
            select.Add(source);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                existing[(reader.GetGuid(0), reader.GetString(1), reader.GetString(2))] = (reader.GetGuid(3), reader.GetFieldValue<string[]>(4));
            }
        }

        var wanted = new HashSet<(Guid, string, string)>();
        var batch = new NpgsqlBatch(connection, transaction);
        var written = 0;
        foreach (var organisation in organisations)
        {
            var organisationId = ids[organisation.Key];
            foreach (var asset in organisation.Assets)
            {
                var key = (organisationId, asset.Kind.ToCode(), asset.Value);
                if (!wanted.Add(key))
                {
                    continue;
                }

                var addresses = asset.Addresses.ToArray();
                if (existing.TryGetValue(key, out var row))
                {
                    if (row.Addresses.SequenceEqual(addresses))
                    {
                        continue;
                    }

                    var update = new NpgsqlBatchCommand("UPDATE assets SET addresses = $2, imported_at = $3 WHERE id = $1");
                    update.Parameters.Add(new NpgsqlParameter { Value = row.Id });
                    update.Parameters.Add(new NpgsqlParameter { Value = addresses });
                    update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = now.UtcDateTime });
                    batch.BatchCommands.Add(update);
                }
                else
                {
                    var insert = new NpgsqlBatchCommand(
                        "INSERT INTO assets (id, organisation_id, kind, value, addresses, source, imported_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)");
                    insert.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
                    insert.Parameters.Add(new NpgsqlParameter { Value = organisationId });
                    insert.Parameters.Add(new NpgsqlParameter { Value = key.Item2 });
                    insert.Parameters.Add(new NpgsqlParameter { Value = asset.Value });
                    insert.Parameters.Add(new NpgsqlParameter { Value = addresses });
                    insert.Parameters.Add(new NpgsqlParameter { Value = source });
                    insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = now.UtcDateTime });
                    batch.BatchCommands.Add(insert);
                }

                written++;
            }
        }

        var removed = 0;
        if (complete)
        {
            foreach (var (key, row) in existing)
            {
                if (!wanted.Contains(key))
                {
                    var delete = new NpgsqlBatchCommand("DELETE FROM assets WHERE id = $1");
                    delete.Parameters.Add(new NpgsqlParameter { Value = row.Id });
                    batch.BatchCommands.Add(delete);
                    removed++;
                }
            }
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await batch.DisposeAsync();
        return (written, removed);
    }
}
