using System.Text.Json;
using DnsCert.Core;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Changes;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Monitoring;

/// <summary>A watched zone with its approved baseline and a pending proposal, if any.</summary>
public sealed record WatchedZone(
    string Zone, int IntervalSeconds, DelegationSnapshot? Baseline, Guid? BaselineApprovedBy, DelegationSnapshot? Proposed, Guid? ProposedBy);

/// <summary>
/// Watched zones, their delegation baselines (proposed, then approved by someone else) and change records. Every
/// write is one statement or one transaction; a refused approval changes nothing.
/// </summary>
public sealed class WatchedZoneStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds a zone to watch (no baseline yet); false when it is watched already.</summary>
    public async Task<bool> AddAsync(string zone, int intervalSeconds, CancellationToken cancellationToken)
    {
        if (intervalSeconds is < 10 or > 86400)
        {
            throw new ValidationException(nameof(intervalSeconds), "must be between 10 and 86400 seconds");
        }

        await using var command = dataSource.CreateCommand(
            "INSERT INTO watched_zones (zone, interval_seconds, added_at) VALUES ($1, $2, $3) ON CONFLICT (zone) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        command.Parameters.Add(new NpgsqlParameter { Value = intervalSeconds });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<WatchedZone?> GetAsync(string zone, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT zone, interval_seconds, baseline, baseline_approved_by, proposed_baseline, proposed_by FROM watched_zones WHERE zone = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new WatchedZone(reader.GetString(0), reader.GetInt32(1), Snapshot(reader, 2), NullableGuid(reader, 3), Snapshot(reader, 4),
            NullableGuid(reader, 5));
    }

    /// <summary>Proposes a new baseline (replacing an earlier unapproved proposal).</summary>
    public async Task ProposeBaselineAsync(DelegationSnapshot baseline, Guid proposer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        await using var command = dataSource.CreateCommand(
            "UPDATE watched_zones SET proposed_baseline = $2, proposed_at = $3, proposed_by = $4 WHERE zone = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Key(baseline.Zone) });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(baseline, s_json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = proposer });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ValidationException("zone", "is not watched");
        }
    }

    /// <summary>Approves the pending proposal; the approver must not be its proposer (four eyes).</summary>
    public async Task ApproveBaselineAsync(string zone, Guid approver, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE watched_zones SET baseline = proposed_baseline, baseline_approved_at = $3, baseline_approved_by = $2,
                proposed_baseline = NULL, proposed_at = NULL, proposed_by = NULL
            WHERE zone = $1 AND proposed_baseline IS NOT NULL AND proposed_by <> $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        command.Parameters.Add(new NpgsqlParameter { Value = approver });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ValidationException("baseline", "no pending proposal by someone else to approve");
        }
    }

    /// <summary>Stops watching a zone (its change records and latest check go with it; measurements age out); false when it was not watched.</summary>
    public async Task<bool> RemoveAsync(string zone, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM watched_zones WHERE zone = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Changes the probe interval of a watched zone.</summary>
    public async Task SetIntervalAsync(string zone, int intervalSeconds, CancellationToken cancellationToken)
    {
        if (intervalSeconds is < 10 or > 86400)
        {
            throw new ValidationException(nameof(intervalSeconds), "must be between 10 and 86400 seconds");
        }

        await using var command = dataSource.CreateCommand("UPDATE watched_zones SET interval_seconds = $2 WHERE zone = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        command.Parameters.Add(new NpgsqlParameter { Value = intervalSeconds });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ValidationException("zone", "is not watched");
        }
    }

    /// <summary>
    /// Publishes (or withdraws) a zone's monitoring on the public status page: published, it is TLP:CLEAR
    /// (<see cref="Core.Monitoring.WatchedZoneVisibility.PublishedLabel"/>) for everyone; withdrawn, TLP:AMBER again.
    /// </summary>
    public async Task SetPublicStatusAsync(string zone, bool published, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE watched_zones SET public_status = $2 WHERE zone = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        command.Parameters.Add(new NpgsqlParameter { Value = published });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ValidationException("zone", "is not watched");
        }
    }

    /// <summary>
    /// Rejects (or, by its proposer, withdraws) the pending proposal; the approved baseline stays in force. Refusing
    /// needs no second person: it changes nothing that is trusted.
    /// </summary>
    public async Task RejectBaselineAsync(string zone, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE watched_zones SET proposed_baseline = NULL, proposed_at = NULL, proposed_by = NULL WHERE zone = $1 AND proposed_baseline IS NOT NULL
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ValidationException("baseline", "no pending proposal to reject");
        }
    }

    /// <summary>Records an announced change (unapproved until someone else approves it).</summary>
    public async Task<Guid> AddChangeRecordAsync(
        string reference, DelegationSnapshot expected, DateTimeOffset validFrom, DateTimeOffset validUntil, Guid author, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (string.IsNullOrWhiteSpace(reference) || reference.Length > 200)
        {
            throw new ValidationException(nameof(reference), "must be 1 to 200 characters");
        }

        if (validUntil <= validFrom)
        {
            throw new ValidationException(nameof(validUntil), "must be after the start of the window");
        }

        var id = Guid.CreateVersion7();
        await using var command = dataSource.CreateCommand("""
            INSERT INTO zone_change_records (id, zone, reference, expected, valid_from, valid_until, created_by, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = Key(expected.Zone) });
        command.Parameters.Add(new NpgsqlParameter { Value = reference });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(expected, s_json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = validFrom });
        command.Parameters.Add(new NpgsqlParameter { Value = validUntil });
        command.Parameters.Add(new NpgsqlParameter { Value = author });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });

        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ValidationException("zone", "is not watched");
        }

        return id;
    }

    /// <summary>Approves a change record; its author cannot (four eyes).</summary>
    public async Task ApproveChangeRecordAsync(Guid id, Guid approver, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE zone_change_records SET approved_by = $2, approved_at = $3 WHERE id = $1 AND approved_by IS NULL AND created_by <> $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = approver });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ValidationException("changeRecord", "not found, approved already, or approver is its author");
        }
    }

    /// <summary>The zone's change records whose window contains <paramref name="at"/> (approved or not; see <see cref="ChangeRecord.Covers"/>).</summary>
    public async Task<IReadOnlyList<ChangeRecord>> ChangeRecordsAsync(string zone, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, zone, reference, expected, valid_from, valid_until, approved_by IS NOT NULL FROM zone_change_records
            WHERE zone = $1 AND valid_from <= $2 AND valid_until > $2 ORDER BY valid_from
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Key(zone) });
        command.Parameters.Add(new NpgsqlParameter { Value = at });
        var records = new List<ChangeRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new ChangeRecord(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), Snapshot(reader, 3)!,
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetBoolean(6)));
        }

        return records;
    }

    private static string Key(string zone)
    {
        if (string.IsNullOrWhiteSpace(zone) || zone.Length > 254 || !DnsName.TryNormalize(zone, out var normal))
        {
            throw new ValidationException(nameof(zone), "must be a domain name");
        }

        return normal;
    }

    private static DelegationSnapshot? Snapshot(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<DelegationSnapshot>(reader.GetString(ordinal), s_json);

    private static Guid? NullableGuid(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetGuid(ordinal);
}
