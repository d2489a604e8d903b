using DnsCert.Core.Audit;

namespace DnsCert.Core.Duty;

/// <summary>Where the roster is kept (PostgreSQL in DnsCert.Infrastructure). Every change carries its audit entry, written in the same transaction.</summary>
public interface IDutyRepository
{
    /// <summary>Regions, shifts, people, and the overrides, absences and swaps that touch [from, until).</summary>
    Task<DutySnapshot> LoadAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken);

    Task<DutyPerson?> FindPersonAsync(Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<DutyPerson>> HeadsOfOperationsAsync(CancellationToken cancellationToken);

    Task SaveRegionAsync(DutyRegion region, AuditEntry audit, CancellationToken cancellationToken);

    Task AddShiftAsync(DutyShift shift, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Ends a shift: it has no occurrence after <paramref name="lastDate"/> (history stays readable).</summary>
    Task<bool> EndShiftAsync(Guid id, DateOnly lastDate, AuditEntry audit, CancellationToken cancellationToken);

    Task AddOverrideAsync(DutyOverride entry, AuditEntry audit, CancellationToken cancellationToken);

    Task AddAbsenceAsync(DutyAbsence absence, AuditEntry audit, CancellationToken cancellationToken);

    Task<bool> DeleteAbsenceAsync(Guid id, AuditEntry audit, CancellationToken cancellationToken);

    Task AddSwapAsync(DutySwap swap, AuditEntry audit, CancellationToken cancellationToken);

    Task<DutySwap?> FindSwapAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Moves a swap from <paramref name="expected"/> to the swap's status; false when another decision came first.</summary>
    Task<bool> UpdateSwapAsync(DutySwap swap, SwapStatus expected, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Open and recent swaps involving anyone (or the person given), newest first.</summary>
    Task<IReadOnlyList<DutySwap>> ListSwapsAsync(Guid? personId, int limit, CancellationToken cancellationToken);

    Task AddHandoverAsync(HandoverNote note, AuditEntry audit, CancellationToken cancellationToken);

    Task<bool> AcknowledgeHandoverAsync(Guid id, Guid by, DateTimeOffset at, AuditEntry audit, CancellationToken cancellationToken);

    Task<IReadOnlyList<HandoverNote>> ListHandoversAsync(string? region, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// A hand-over note at a shift change: written by the outgoing officer, acknowledged by the incoming one; the open
/// items are the things the next shift must not lose (one per line).
/// </summary>
public sealed record HandoverNote(
    Guid Id, string Region, Guid WrittenBy, DateTimeOffset WrittenAt, string Body, IReadOnlyList<string> OpenItems,
    Guid? AcknowledgedBy, DateTimeOffset? AcknowledgedAt);
