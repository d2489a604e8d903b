namespace DnsCert.Core.Duty;

/// <summary>
/// The roster's arithmetic, free of storage and clocks: expands shifts into UTC slots (swaps applied), and answers
/// "who is on duty" at an instant with the precedence of docs/duty.md:
/// <list type="number">
/// <item>override of the seat's role (the most recent first), then the shift slots of that role (swap applied);</item>
/// <item>absent people are skipped: an absent officer's seat goes to the backup tier, then to the rotation's next
/// members (the people who would hold the shift in the following weeks);</item>
/// <item>globally, the region whose UTC window covers the instant holds the watch; if it has nobody, the next region
/// by position answers.</item>
/// </list>
/// </summary>
public static class RosterCalculator
{
    /// <summary>Longest shift occurrence we expand (a 24-hour shift plus a DST hour); bounds the look-back.</summary>
    public static readonly TimeSpan MaxShiftLength = TimeSpan.FromHours(26);

    /// <summary>All slots (shift occurrences and overrides) that overlap [from, until), ordered by start.</summary>
    public static IReadOnlyList<DutySlot> Expand(DutySnapshot snapshot, DateTimeOffset from, DateTimeOffset until, string? region = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var swaps = EffectiveSwaps(snapshot.Swaps);
        var slots = new List<DutySlot>();
        foreach (var shift in snapshot.Shifts.Where(s => region is null || s.Region == region))
        {
            slots.AddRange(Occurrences(shift, from, until, swaps));
        }

        foreach (var o in snapshot.Overrides.Where(o => (region is null || o.Region == region) && o.From < until && o.Until > from))
        {
            slots.Add(new DutySlot(o.Id, o.Region, o.Role, o.Reason, o.PersonId, o.PersonId, o.From, o.Until,
                DateOnly.FromDateTime(o.From.UtcDateTime), "UTC", DutySource.Override, []));
        }

        return [.. slots.OrderBy(s => s.Start).ThenBy(s => s.Region, StringComparer.Ordinal).ThenBy(s => s.Role)];
    }

    /// <summary>The occurrences of one shift overlapping [from, until), with swaps applied to the person.</summary>
    public static IEnumerable<DutySlot> Occurrences(
        DutyShift shift, DateTimeOffset from, DateTimeOffset until, IReadOnlyDictionary<(Guid, DateTimeOffset), Guid>? swaps = null)
    {
        ArgumentNullException.ThrowIfNull(shift);
        if (shift.Members.Count == 0)
        {
            yield break;
        }

        var zone = DutyTime.Zone(shift.TimeZone);
        // Local dates whose occurrence may overlap the range: one day before (night shifts) to the day of 'until'.
        var first = DateOnly.FromDateTime(DutyTime.Local(from - MaxShiftLength, zone));
        var last = DateOnly.FromDateTime(DutyTime.Local(until, zone));
        for (var date = first; date <= last; date = date.AddDays(1))
        {
            if (!shift.Days.Contains(date.DayOfWeek) || date < shift.ValidFrom || (shift.ValidUntil is { } end && date > end))
            {
                continue;
            }

            var (start, stop) = DutyTime.Occurrence(date, shift.Start, shift.End, zone);
            if (stop <= from || start >= until || stop <= start)
            {
                continue;
            }

            var index = RotationIndex(shift, date);
            var scheduled = shift.Members[index];
            var successors = Enumerable.Range(1, shift.Members.Count - 1).Select(i => shift.Members[(index + i) % shift.Members.Count]).ToList();
            var person = scheduled;
            var source = DutySource.Shift;
            if (swaps is not null && swaps.TryGetValue((shift.Id, start), out var swapped))
            {
                person = swapped;
                source = DutySource.Swap;
            }

            yield return new DutySlot(shift.Id, shift.Region, shift.Role, shift.Name, person, scheduled, start, stop, date, shift.TimeZone,
                source, successors);
        }
    }

    /// <summary>Which member holds the occurrence on a local date: weeks since the Monday of ValidFrom's week.</summary>
    public static int RotationIndex(DutyShift shift, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(shift);
        var anchor = shift.ValidFrom.AddDays(-(((int)shift.ValidFrom.DayOfWeek + 6) % 7));
        var weeks = (date.DayNumber - anchor.DayNumber) / 7 / Math.Max(1, shift.RotationWeeks);
        return (int)(weeks % shift.Members.Count);
    }

    /// <summary>(shift, occurrence start) → the person who holds it after effective swaps.</summary>
    public static IReadOnlyDictionary<(Guid, DateTimeOffset), Guid> EffectiveSwaps(IEnumerable<DutySwap> swaps)
    {
        var map = new Dictionary<(Guid, DateTimeOffset), Guid>();
        foreach (var swap in swaps.Where(s => s.Status == SwapStatus.Effective).OrderBy(s => s.DecidedAt ?? s.RequestedAt))
        {
            map[(swap.ShiftId, swap.OccurrenceStart)] = swap.CounterpartId;
            if (swap is { ReturnShiftId: { } back, ReturnOccurrenceStart: { } backStart })
            {
                map[(back, backStart)] = swap.RequesterId;
            }
        }

        return map;
    }

    /// <summary>Who holds the watch at <paramref name="at"/>: in one region, or globally when region is null.</summary>
    public static OnDutyStatus OnDuty(DutySnapshot snapshot, DateTimeOffset at, string? region)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (region is not null)
        {
            return InRegion(snapshot, at, region);
        }

        var ordered = snapshot.Regions.OrderBy(r => r.Position).ThenBy(r => r.Code, StringComparer.Ordinal).ToList();
        var covering = ordered.FindIndex(r => r.Covers(at));
        if (covering < 0)
        {
            covering = 0;
        }

        for (var i = 0; i < ordered.Count; i++)
        {
            var answer = InRegion(snapshot, at, ordered[(covering + i) % ordered.Count].Code);
            if (answer.Covered)
            {
                return answer with { Global = true };
            }
        }

        return new OnDutyStatus(at, ordered.Count > 0 ? ordered[covering].Code : null, null, null, true);
    }

    private static OnDutyStatus InRegion(DutySnapshot snapshot, DateTimeOffset at, string region)
    {
        var people = snapshot.People.ToDictionary(p => p.Id);
        var absent = snapshot.Absences.Where(a => a.From <= at && at < a.Until).Select(a => a.PersonId).ToHashSet();
        var slots = Expand(snapshot, at, at.AddTicks(1), region).Where(s => s.Contains(at)).ToList();

        List<Candidate> Tier(DutyRole role) =>
        [
            .. slots.Where(s => s.Role == role && s.Source == DutySource.Override)
                .OrderByDescending(s => snapshot.Overrides.First(o => o.Id == s.SourceId).CreatedAt)
                .Select(s => new Candidate(s.PersonId, s.Source, s.End, s.ShiftName)),
            .. slots.Where(s => s.Role == role && s.Source != DutySource.Override).OrderBy(s => s.Start)
                .Select(s => new Candidate(s.PersonId, s.Source, s.End, s.ShiftName)),
        ];

        var officers = Tier(DutyRole.Officer);
        var backups = Tier(DutyRole.Backup);
        // The next members of the rotations: who would hold these shifts in the coming weeks.
        var successors = slots.Where(s => s.Source != DutySource.Override).OrderBy(s => s.Role)
            .SelectMany(s => s.RotationSuccessors.Select(p => new Candidate(p, DutySource.Fallback, s.End, s.ShiftName))).ToList();

        Candidate? Pick(IEnumerable<Candidate> order, Guid? not) =>
            order.FirstOrDefault(c => !absent.Contains(c.Person) && c.Person != not && people.ContainsKey(c.Person));

        var officer = Pick(officers, null);
        string? officerNote = null;
        if (officer is null)
        {
            officer = Pick(backups.Concat(successors), null);
            if (officer is not null)
            {
                officerNote = officers.Count > 0 ? "stands in for an absent duty officer" : "no duty officer scheduled";
                officer = officer with { Source = DutySource.Fallback };
            }
        }

        var backup = Pick(backups, officer?.Person);
        string? backupNote = null;
        if (backup is null)
        {
            backup = Pick(officers.Concat(successors), officer?.Person);
            if (backup is not null)
            {
                backupNote = backups.Count > 0 ? "stands in for an absent backup" : "no backup scheduled";
                backup = backup with { Source = DutySource.Fallback };
            }
        }

        return new OnDutyStatus(at, region,
            officer is null ? null : new OnDutyPerson(people[officer.Person], DutyRole.Officer, officer.Source, officer.Until, officer.Shift, officerNote),
            backup is null ? null : new OnDutyPerson(people[backup.Person], DutyRole.Backup, backup.Source, backup.Until, backup.Shift, backupNote),
            false);
    }

    private sealed record Candidate(Guid Person, DutySource Source, DateTimeOffset Until, string Shift);
}
