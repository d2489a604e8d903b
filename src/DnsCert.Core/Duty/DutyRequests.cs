namespace DnsCert.Core.Duty;

/// <summary>
/// What people do with their own duty: swap an occurrence (request → the counterpart accepts → the head of operations
/// approves when the region asks for it), record an absence, write and acknowledge hand-over notes. Each step is
/// audited with its actor.
/// </summary>
public sealed class DutyRequests(IDutyRepository repository, TimeProvider clock)
{
    public static readonly TimeSpan MaxAbsence = TimeSpan.FromDays(366);

    /// <summary>The requester hands their occurrence to the counterpart (and takes one of theirs back when given).</summary>
    public async Task<DutySwap> RequestSwapAsync(Guid shiftId, DateTimeOffset occurrenceStart, Guid counterpartId,
        Guid? returnShiftId, DateTimeOffset? returnOccurrenceStart, string? note, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (counterpartId == actor.Id)
        {
            throw new ValidationException("counterpart", "choose somebody else");
        }

        var now = clock.GetUtcNow();
        if (occurrenceStart <= now)
        {
            throw new ValidationException("occurrence", "only a future shift can be swapped");
        }

        _ = await repository.FindPersonAsync(counterpartId, cancellationToken) ?? throw new ValidationException("counterpart", "no such person");
        var mine = await FindSlotAsync(shiftId, occurrenceStart, "occurrence", cancellationToken);
        if (mine.Slot.PersonId != actor.Id)
        {
            throw new ValidationException("occurrence", "you do not hold this shift");
        }

        if (returnShiftId is { } back)
        {
            var theirs = await FindSlotAsync(back, returnOccurrenceStart ?? throw new ValidationException("returnOccurrence", "is required with returnShift"),
                "returnOccurrence", cancellationToken);
            if (theirs.Slot.PersonId != counterpartId)
            {
                throw new ValidationException("returnOccurrence", "the counterpart does not hold this shift");
            }
        }

        var needsApproval = mine.Snapshot.Regions.FirstOrDefault(r => r.Code == mine.Slot.Region)?.SwapsNeedApproval ?? true;
        var swap = new DutySwap(Guid.CreateVersion7(now), shiftId, occurrenceStart, actor.Id, counterpartId, returnShiftId,
            returnShiftId is null ? null : returnOccurrenceStart, SwapStatus.Requested, needsApproval, DutyRoster.Text(note, "note", 500, ""),
            now, null, null, null);
        await repository.AddSwapAsync(swap, actor.Audit(clock, "duty.swap.requested", "duty-swap", swap.Id.ToString(),
            ("shift", shiftId.ToString()), ("occurrence", DutyRoster.Iso(occurrenceStart)), ("counterpart", counterpartId.ToString())), cancellationToken);
        return swap;
    }

    /// <summary>The counterpart agrees: the swap is effective at once, or waits for approval.</summary>
    public Task<DutySwap> AcceptSwapAsync(Guid id, Actor actor, CancellationToken cancellationToken = default) =>
        DecideAsync(id, actor, SwapStatus.Requested, "duty.swap.accepted", (swap, now) =>
        {
            if (swap.CounterpartId != actor.Id)
            {
                throw new DutyForbiddenException("only the counterpart accepts a swap");
            }

            return swap with
            {
                Status = swap.NeedsApproval ? SwapStatus.Accepted : SwapStatus.Effective,
                AcceptedAt = now,
                DecidedAt = swap.NeedsApproval ? null : now,
            };
        }, cancellationToken);

    /// <summary>The head of operations approves an accepted swap.</summary>
    public Task<DutySwap> ApproveSwapAsync(Guid id, Actor actor, CancellationToken cancellationToken = default) =>
        DecideAsync(id, actor, SwapStatus.Accepted, "duty.swap.approved", (swap, now) =>
        {
            actor.RequireEditor();
            return swap with { Status = SwapStatus.Effective, ApprovedBy = actor.Id, DecidedAt = now };
        }, cancellationToken);

    /// <summary>The counterpart or the head of operations says no; the requester may withdraw (cancel).</summary>
    public async Task<DutySwap> DeclineSwapAsync(Guid id, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var swap = await repository.FindSwapAsync(id, cancellationToken) ?? throw new ValidationException("swap", "no such swap");
        var cancel = swap.RequesterId == actor.Id;
        if (!cancel && swap.CounterpartId != actor.Id && !actor.MayEditRoster)
        {
            throw new DutyForbiddenException("only the two people or the head of operations decide on a swap");
        }

        if (swap.Status is not (SwapStatus.Requested or SwapStatus.Accepted))
        {
            throw new ValidationException("swap", $"the swap is already {swap.Status.Name()}");
        }

        return await DecideAsync(id, actor, swap.Status, cancel ? "duty.swap.cancelled" : "duty.swap.declined", (s, now) =>
            s with { Status = cancel ? SwapStatus.Cancelled : SwapStatus.Declined, DecidedAt = now }, cancellationToken);
    }

    private async Task<DutySwap> DecideAsync(Guid id, Actor actor, SwapStatus expected, string action, Func<DutySwap, DateTimeOffset, DutySwap> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var swap = await repository.FindSwapAsync(id, cancellationToken) ?? throw new ValidationException("swap", "no such swap");
        if (swap.Status != expected)
        {
            throw new ValidationException("swap", $"the swap is {swap.Status.Name()}, not {expected.Name()}");
        }

        var now = clock.GetUtcNow();
        var decided = decide(swap, now);
        if (!await repository.UpdateSwapAsync(decided, expected,
                actor.Audit(clock, action, "duty-swap", id.ToString(), ("status", decided.Status.Name())), cancellationToken))
        {
            throw new ValidationException("swap", "somebody else decided on this swap first");
        }

        return decided;
    }

    private async Task<(DutySlot Slot, DutySnapshot Snapshot)> FindSlotAsync(Guid shiftId, DateTimeOffset start, string field, CancellationToken cancellationToken)
    {
        var snapshot = await repository.LoadAsync(start - RosterCalculator.MaxShiftLength, start + RosterCalculator.MaxShiftLength, cancellationToken);
        var shift = snapshot.Shifts.FirstOrDefault(s => s.Id == shiftId) ?? throw new ValidationException(field, "no such shift");
        var swaps = RosterCalculator.EffectiveSwaps(snapshot.Swaps);
        var slot = RosterCalculator.Occurrences(shift, start, start.AddTicks(1), swaps).FirstOrDefault(s => s.Start == start)
                   ?? throw new ValidationException(field, "the shift has no occurrence starting then");
        return (slot, snapshot);
    }

    /// <summary>Records an absence. People record their own; the head of operations records anybody's. It blocks at once.</summary>
    public async Task<DutyAbsence> AddAbsenceAsync(Guid personId, DateTimeOffset from, DateTimeOffset until, string? reason, Actor actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (personId != actor.Id)
        {
            actor.RequireEditor();
        }

        DutyRoster.Range(from, until, MaxAbsence);
        _ = await repository.FindPersonAsync(personId, cancellationToken) ?? throw new ValidationException("person", "no such person");
        var now = clock.GetUtcNow();
        var absence = new DutyAbsence(Guid.CreateVersion7(now), personId, from, until, DutyRoster.Text(reason, "reason", 500, "absent"), now);
        await repository.AddAbsenceAsync(absence, actor.Audit(clock, "duty.absence.added", "duty-absence", absence.Id.ToString(),
            ("person", personId.ToString()), ("from", DutyRoster.Iso(from)), ("until", DutyRoster.Iso(until))), cancellationToken);
        return absence;
    }

    /// <summary>The outgoing officer writes the note for the next shift.</summary>
    public async Task<HandoverNote> WriteHandoverAsync(string region, string? body, IEnumerable<string>? openItems, Actor actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var code = DutyCodes.Region(region);
        var items = (openItems ?? []).Select(i => i.Trim()).Where(i => i.Length > 0).ToList();
        if (items.Count > 100 || items.Any(i => i.Length > 500))
        {
            throw new ValidationException("openItems", "at most 100 items of 500 characters");
        }

        var now = clock.GetUtcNow();
        var note = new HandoverNote(Guid.CreateVersion7(now), code, actor.Id, now, DutyRoster.Text(body, "body", 10_000), items, null, null);
        await repository.AddHandoverAsync(note, actor.Audit(clock, "duty.handover.written", "duty-handover", note.Id.ToString(),
            ("region", code), ("openItems", items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))), cancellationToken);
        return note;
    }

    /// <summary>The incoming officer acknowledges having read the note (never its own writer).</summary>
    public async Task AcknowledgeHandoverAsync(Guid id, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var note = (await repository.ListHandoversAsync(null, 500, cancellationToken)).FirstOrDefault(n => n.Id == id)
                   ?? throw new ValidationException("handover", "no such hand-over note");
        if (note.WrittenBy == actor.Id)
        {
            throw new ValidationException("handover", "the incoming officer acknowledges, not the writer");
        }

        if (!await repository.AcknowledgeHandoverAsync(id, actor.Id, clock.GetUtcNow(),
                actor.Audit(clock, "duty.handover.acknowledged", "duty-handover", id.ToString()), cancellationToken))
        {
            throw new ValidationException("handover", "already acknowledged");
        }
    }
}
