using DnsCert.Core.Audit;
using DnsCert.Core.Duty;
using DnsCert.Infrastructure.Audit;
using Npgsql;

namespace DnsCert.Infrastructure.Duty;

/// <summary>The roster in PostgreSQL (migration duty). Each change and its audit entry commit together.</summary>
public sealed class DutyRepository(NpgsqlDataSource dataSource) : IDutyRepository
{
    private const string PersonColumns = "u.id, u.user_name, u.display_name, u.email, u.time_zone, u.language, p.phone";

    public async Task<DutySnapshot> LoadAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One REPEATABLE READ transaction: the pieces of the snapshot belong to the same moment.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var regions = await ReadAsync(connection, transaction,
            "SELECT code, name, time_zone, cover_from_utc, cover_until_utc, position, swaps_need_approval FROM duty_regions ORDER BY position, code",
            [], r => new DutyRegion(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<TimeOnly>(3), r.GetFieldValue<TimeOnly>(4),
                r.GetInt32(5), r.GetBoolean(6)), cancellationToken);
        var shifts = await ReadAsync(connection, transaction,
            """
            SELECT id, region, role, name, time_zone, days, start_local, end_local, valid_from, valid_until, members, rotation_weeks
            FROM duty_shifts WHERE valid_until IS NULL OR valid_until >= ($1::timestamptz - interval '2 days')::date ORDER BY created_at
            """, [from], ReadShift, cancellationToken);
        var overrides = await ReadAsync(connection, transaction,
            "SELECT id, region, role, person_id, from_at, until_at, reason, created_at FROM duty_overrides WHERE from_at < $2 AND until_at > $1",
            [from, until], r => new DutyOverride(r.GetGuid(0), r.GetString(1), DutyCodes.ParseRole(r.GetString(2)), r.GetGuid(3),
                r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5), r.GetString(6), r.GetFieldValue<DateTimeOffset>(7)), cancellationToken);
        var absences = await ReadAsync(connection, transaction,
            "SELECT id, person_id, from_at, until_at, reason, created_at FROM duty_absences WHERE from_at < $2 AND until_at > $1",
            [from, until], ReadAbsence, cancellationToken);
        var swaps = await ReadAsync(connection, transaction,
            $"""
            SELECT {SwapColumns} FROM duty_swaps
            WHERE status = 'effective' AND (occurrence_start BETWEEN $1 - interval '2 days' AND $2
                                         OR return_occurrence_start BETWEEN $1 - interval '2 days' AND $2)
            """, [from, until], ReadSwap, cancellationToken);
        var people = await ReadAsync(connection, transaction,
            $"SELECT {PersonColumns} FROM users u LEFT JOIN duty_profiles p ON p.user_id = u.id WHERE NOT u.disabled ORDER BY u.display_name",
            [], ReadPerson, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new DutySnapshot(regions, shifts, overrides, absences, swaps, people);
    }

    public async Task<DutyPerson?> FindPersonAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var list = await ReadAsync(connection, null,
            $"SELECT {PersonColumns} FROM users u LEFT JOIN duty_profiles p ON p.user_id = u.id WHERE u.id = $1 AND NOT u.disabled",
            [id], ReadPerson, cancellationToken);
        return list.Count == 0 ? null : list[0];
    }

    public async Task<IReadOnlyList<DutyPerson>> HeadsOfOperationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null,
            $"SELECT {PersonColumns} FROM users u LEFT JOIN duty_profiles p ON p.user_id = u.id WHERE 'head-of-operations' = ANY(u.roles) AND NOT u.disabled ORDER BY u.user_name",
            [], ReadPerson, cancellationToken);
    }

    public Task SaveRegionAsync(DutyRegion region, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(region);
        return WriteAsync(audit, ("""
            INSERT INTO duty_regions (code, name, time_zone, cover_from_utc, cover_until_utc, position, swaps_need_approval)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (code) DO UPDATE SET name = $2, time_zone = $3, cover_from_utc = $4, cover_until_utc = $5, position = $6,
                                             swaps_need_approval = $7
            """, [region.Code, region.Name, region.TimeZone, region.CoverFromUtc, region.CoverUntilUtc, region.Position, region.SwapsNeedApproval]), cancellationToken);
    }

    public Task AddShiftAsync(DutyShift shift, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shift);
        ArgumentNullException.ThrowIfNull(audit);
        var days = shift.Days.Select(d => (short)(d == DayOfWeek.Sunday ? 7 : (int)d)).Order().ToArray();
        return WriteAsync(audit, ("""
            INSERT INTO duty_shifts (id, region, role, name, time_zone, days, start_local, end_local, valid_from, valid_until, members,
                                     rotation_weeks, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """, [shift.Id, shift.Region, shift.Role.Name(), shift.Name, shift.TimeZone, days, shift.Start, shift.End, shift.ValidFrom,
            shift.ValidUntil, shift.Members.ToArray(), shift.RotationWeeks, audit.At]), cancellationToken);
    }

    public async Task<bool> EndShiftAsync(Guid id, DateOnly lastDate, AuditEntry audit, CancellationToken cancellationToken) =>
        await WriteAsync(audit, ("UPDATE duty_shifts SET valid_until = $2 WHERE id = $1", [id, lastDate]), cancellationToken) > 0;

    public Task AddOverrideAsync(DutyOverride entry, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(audit, ("""
            INSERT INTO duty_overrides (id, region, role, person_id, from_at, until_at, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [entry.Id, entry.Region, entry.Role.Name(), entry.PersonId, entry.From, entry.Until, entry.Reason, entry.CreatedAt]), cancellationToken);
    }

    public Task AddAbsenceAsync(DutyAbsence absence, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(absence);
        return WriteAsync(audit, ("""
            INSERT INTO duty_absences (id, person_id, from_at, until_at, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)
            """, [absence.Id, absence.PersonId, absence.From, absence.Until, absence.Reason, absence.CreatedAt]), cancellationToken);
    }

    public async Task<bool> DeleteAbsenceAsync(Guid id, AuditEntry audit, CancellationToken cancellationToken) =>
        await WriteAsync(audit, ("DELETE FROM duty_absences WHERE id = $1", [id]), cancellationToken) > 0;

    public async Task<IReadOnlyList<DutyAbsence>> ListAbsencesAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null,
            "SELECT id, person_id, from_at, until_at, reason, created_at FROM duty_absences WHERE until_at > $1 ORDER BY from_at LIMIT 200",
            [from], ReadAbsence, cancellationToken);
    }

    public async Task AddSwapAsync(DutySwap swap, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(swap);
        try
        {
            await WriteAsync(audit, ("""
                INSERT INTO duty_swaps (id, shift_id, occurrence_start, requester_id, counterpart_id, return_shift_id, return_occurrence_start,
                                        status, needs_approval, note, requested_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                """, [swap.Id, swap.ShiftId, swap.OccurrenceStart, swap.RequesterId, swap.CounterpartId, swap.ReturnShiftId,
                swap.ReturnOccurrenceStart, swap.Status.Name(), swap.NeedsApproval, swap.Note, swap.RequestedAt]), cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new Core.ValidationException("occurrence", "a swap for this shift is already requested or in force");
        }
    }

    public async Task<DutySwap?> FindSwapAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var list = await ReadAsync(connection, null, $"SELECT {SwapColumns} FROM duty_swaps WHERE id = $1", [id], ReadSwap, cancellationToken);
        return list.Count == 0 ? null : list[0];
    }

    public async Task<bool> UpdateSwapAsync(DutySwap swap, SwapStatus expected, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(swap);
        return await WriteAsync(audit, ("""
            UPDATE duty_swaps SET status = $3, accepted_at = $4, approved_by = $5, decided_at = $6 WHERE id = $1 AND status = $2
            """, [swap.Id, expected.Name(), swap.Status.Name(), swap.AcceptedAt, swap.ApprovedBy, swap.DecidedAt]), cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<DutySwap>> ListSwapsAsync(Guid? personId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null,
            $"""
            SELECT {SwapColumns} FROM duty_swaps
            WHERE $1::uuid IS NULL OR requester_id = $1 OR counterpart_id = $1
            ORDER BY (status IN ('requested', 'accepted')) DESC, requested_at DESC LIMIT $2
            """, [personId, Math.Clamp(limit, 1, 500)], ReadSwap, cancellationToken);
    }

    public Task AddHandoverAsync(HandoverNote note, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        return WriteAsync(audit, ("""
            INSERT INTO duty_handovers (id, region, written_by, written_at, body, open_items) VALUES ($1, $2, $3, $4, $5, $6)
            """, [note.Id, note.Region, note.WrittenBy, note.WrittenAt, note.Body, note.OpenItems.ToArray()]), cancellationToken);
    }

    public async Task<bool> AcknowledgeHandoverAsync(Guid id, Guid by, DateTimeOffset at, AuditEntry audit, CancellationToken cancellationToken) =>
        await WriteAsync(audit, ("""
            UPDATE duty_handovers SET acknowledged_by = $2, acknowledged_at = $3 WHERE id = $1 AND acknowledged_at IS NULL
            """, [id, by, at]), cancellationToken) > 0;

    public async Task<IReadOnlyList<HandoverNote>> ListHandoversAsync(string? region, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null,
            """
            SELECT id, region, written_by, written_at, body, open_items, acknowledged_by, acknowledged_at FROM duty_handovers
            WHERE $1::text IS NULL OR region = $1 ORDER BY written_at DESC LIMIT $2
            """, [region, Math.Clamp(limit, 1, 500)],
            r => new HandoverNote(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetFieldValue<DateTimeOffset>(3), r.GetString(4),
                r.GetFieldValue<string[]>(5), r.IsDBNull(6) ? null : r.GetGuid(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7)),
            cancellationToken);
    }

    /// <summary>Sets (or clears) the phone number the SMS/phone gateway is given for a person.</summary>
    public async Task SetPhoneAsync(Guid userId, string? phone, AuditEntry audit, CancellationToken cancellationToken)
    {
        var clean = string.IsNullOrWhiteSpace(phone) ? null : phone.Replace(" ", "", StringComparison.Ordinal).Trim();
        if (clean is not null && !System.Text.RegularExpressions.Regex.IsMatch(clean, @"^\+[1-9][0-9]{6,14}$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            throw new Core.ValidationException("phone", "an E.164 number such as +33123456789");
        }

        await WriteAsync(audit, ("""
            INSERT INTO duty_profiles (user_id, phone) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET phone = $2
            """, [userId, clean]), cancellationToken);
    }

    internal const string SwapColumns =
        "id, shift_id, occurrence_start, requester_id, counterpart_id, return_shift_id, return_occurrence_start, status, needs_approval, note, requested_at, accepted_at, approved_by, decided_at";

    private static DutySwap ReadSwap(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetFieldValue<DateTimeOffset>(2), r.GetGuid(3), r.GetGuid(4), r.IsDBNull(5) ? null : r.GetGuid(5),
        r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), DutyCodes.ParseSwapStatus(r.GetString(7)), r.GetBoolean(8), r.GetString(9),
        r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11), r.IsDBNull(12) ? null : r.GetGuid(12),
        r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13));

    private static DutyShift ReadShift(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), DutyCodes.ParseRole(r.GetString(2)), r.GetString(3), r.GetString(4),
        r.GetFieldValue<short[]>(5).Select(d => d == 7 ? DayOfWeek.Sunday : (DayOfWeek)d).ToHashSet(),
        r.GetFieldValue<TimeOnly>(6), r.GetFieldValue<TimeOnly>(7), r.GetFieldValue<DateOnly>(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateOnly>(9),
        r.GetFieldValue<Guid[]>(10), r.GetInt32(11));

    private static DutyAbsence ReadAbsence(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetFieldValue<DateTimeOffset>(2), r.GetFieldValue<DateTimeOffset>(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5));

    internal static DutyPerson ReadPerson(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6));

    internal static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, object?[] values,
        Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, values);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(read(reader));
        }

        return list;
    }

    internal static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            // timestamptz takes UTC only; instants from the API or CLI may carry any offset (same instant).
            command.Parameters.Add(new NpgsqlParameter { Value = value is DateTimeOffset at ? at.ToUniversalTime() : value ?? DBNull.Value });
        }

        return command;
    }

    private async Task<int> WriteAsync(AuditEntry audit, (string Sql, object?[] Values) change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int rows;
        await using (var command = Command(connection, transaction, change.Sql, change.Values))
        {
            rows = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (rows > 0)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows;
    }
}
