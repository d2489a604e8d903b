using DnsCert.Core.Audit;

namespace DnsCert.Core.Duty;

/// <summary>
/// The roster's use cases: who is on duty (the API the incident module calls through its one-class adapter), the
/// roster of a range, and the head of operations' edits (regions, shifts, overrides), each audited.
/// </summary>
public sealed class DutyRoster(IDutyRepository repository, TimeProvider clock)
{
    /// <summary>A shift longer than this is a mistake (the longest legal one is 24 h plus a DST hour).</summary>
    public static readonly TimeSpan MaxOverride = TimeSpan.FromDays(31);

    /// <summary>The roster page and API show at most this range at once.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(62);

    /// <summary>
    /// Who is on duty at <paramref name="at"/>: in <paramref name="region"/> (a region code), or globally (the region
    /// holding the follow-the-sun watch, falling to the next region when it has nobody) when region is null.
    /// </summary>
    public async Task<OnDutyStatus> OnDutyAsync(DateTimeOffset at, string? region, CancellationToken cancellationToken = default)
    {
        var code = region is null ? null : DutyCodes.Region(region);
        var snapshot = await repository.LoadAsync(at - RosterCalculator.MaxShiftLength, at + RosterCalculator.MaxShiftLength, cancellationToken);
        if (code is not null && snapshot.Regions.All(r => r.Code != code))
        {
            throw new ValidationException("region", $"'{code}' is not a region ({string.Join(", ", snapshot.Regions.Select(r => r.Code))})");
        }

        return RosterCalculator.OnDuty(snapshot, at, code);
    }

    /// <summary>Who is on duty now.</summary>
    public Task<OnDutyStatus> OnDutyNowAsync(string? region, CancellationToken cancellationToken = default) =>
        OnDutyAsync(clock.GetUtcNow(), region, cancellationToken);

    /// <summary>Every region's answer at an instant (the "on duty now" panel).</summary>
    public async Task<IReadOnlyList<OnDutyStatus>> OnDutyEverywhereAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var snapshot = await repository.LoadAsync(at - RosterCalculator.MaxShiftLength, at + RosterCalculator.MaxShiftLength, cancellationToken);
        return
        [
            RosterCalculator.OnDuty(snapshot, at, null),
            .. snapshot.Regions.OrderBy(r => r.Position).Select(r => RosterCalculator.OnDuty(snapshot, at, r.Code)),
        ];
    }

    /// <summary>The slots of [from, until) with the snapshot they came from (names, time zones).</summary>
    public async Task<(IReadOnlyList<DutySlot> Slots, DutySnapshot Snapshot)> RosterAsync(
        DateTimeOffset from, DateTimeOffset until, string? region, CancellationToken cancellationToken = default)
    {
        if (until <= from)
        {
            throw new ValidationException("to", "must be after from");
        }

        if (until - from > MaxRange)
        {
            throw new ValidationException("to", $"a roster range is at most {MaxRange.TotalDays:0} days");
        }

        var code = region is null ? null : DutyCodes.Region(region);
        var snapshot = await repository.LoadAsync(from - RosterCalculator.MaxShiftLength, until, cancellationToken);
        return (RosterCalculator.Expand(snapshot, from, until, code), snapshot);
    }

    public async Task SaveRegionAsync(DutyRegion region, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireEditor();
        var clean = region with { Code = DutyCodes.Region(region.Code), Name = Text(region.Name, "name", 100) };
        DutyTime.Zone(clean.TimeZone);
        await repository.SaveRegionAsync(clean, actor.Audit(clock, "duty.region.saved", "duty-region", clean.Code,
            ("cover", $"{clean.CoverFromUtc:HH\\:mm}-{clean.CoverUntilUtc:HH\\:mm} UTC"), ("timeZone", clean.TimeZone)), cancellationToken);
    }

    public async Task<DutyShift> AddShiftAsync(DutyShift shift, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shift);
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireEditor();
        var clean = shift with
        {
            Id = shift.Id == Guid.Empty ? Guid.CreateVersion7(clock.GetUtcNow()) : shift.Id,
            Region = DutyCodes.Region(shift.Region),
            Name = Text(shift.Name, "name", 100),
        };
        DutyTime.Zone(clean.TimeZone);
        if (clean.Days.Count == 0)
        {
            throw new ValidationException("days", "choose at least one day of the week");
        }

        if (clean.Members.Count == 0 || clean.Members.Distinct().Count() != clean.Members.Count)
        {
            throw new ValidationException("members", "name one or more different people");
        }

        if (clean.RotationWeeks is < 1 or > 52)
        {
            throw new ValidationException("rotationWeeks", "between 1 and 52 weeks");
        }

        if (clean.ValidUntil is { } until && until < clean.ValidFrom)
        {
            throw new ValidationException("validUntil", "must not be before validFrom");
        }

        await RequireRegionAsync(clean.Region, cancellationToken);
        foreach (var member in clean.Members)
        {
            _ = await repository.FindPersonAsync(member, cancellationToken) ?? throw new ValidationException("members", $"no person {member}");
        }

        await repository.AddShiftAsync(clean, actor.Audit(clock, "duty.shift.added", "duty-shift", clean.Id.ToString(),
            ("region", clean.Region), ("role", clean.Role.Name()), ("local", $"{clean.Start:HH\\:mm}-{clean.End:HH\\:mm} {clean.TimeZone}"),
            ("members", clean.Members.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))), cancellationToken);
        return clean;
    }

    public async Task<bool> EndShiftAsync(Guid id, DateOnly lastDate, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireEditor();
        return await repository.EndShiftAsync(id, lastDate, actor.Audit(clock, "duty.shift.ended", "duty-shift", id.ToString(),
            ("lastDate", lastDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))), cancellationToken);
    }

    public async Task<DutyOverride> AddOverrideAsync(string region, DutyRole role, Guid personId, DateTimeOffset from, DateTimeOffset until,
        string? reason, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireEditor();
        var code = DutyCodes.Region(region);
        Range(from, until, MaxOverride);
        await RequireRegionAsync(code, cancellationToken);
        _ = await repository.FindPersonAsync(personId, cancellationToken) ?? throw new ValidationException("person", "no such person");
        var now = clock.GetUtcNow();
        var entry = new DutyOverride(Guid.CreateVersion7(now), code, role, personId, from, until, Text(reason, "reason", 500, "override"), now);
        await repository.AddOverrideAsync(entry, actor.Audit(clock, "duty.override.added", "duty-override", entry.Id.ToString(),
            ("region", code), ("role", role.Name()), ("person", personId.ToString()), ("from", Iso(from)), ("until", Iso(until))), cancellationToken);
        return entry;
    }

    private async Task RequireRegionAsync(string code, CancellationToken cancellationToken)
    {
        var snapshot = await repository.LoadAsync(clock.GetUtcNow(), clock.GetUtcNow(), cancellationToken);
        if (snapshot.Regions.All(r => r.Code != code))
        {
            throw new ValidationException("region", $"'{code}' is not a region");
        }
    }

    internal static void Range(DateTimeOffset from, DateTimeOffset until, TimeSpan max)
    {
        if (until <= from)
        {
            throw new ValidationException("until", "must be after from");
        }

        if (until - from > max)
        {
            throw new ValidationException("until", $"at most {max.TotalDays:0} days");
        }
    }

    internal static string Text(string? value, string field, int max, string? fallback = null)
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0)
        {
            return fallback ?? throw new ValidationException(field, "is required");
        }

        return text.Length > max ? throw new ValidationException(field, $"at most {max} characters") : text;
    }

    internal static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Who does something to the roster (for permission checks and the audit log).</summary>
public sealed record Actor(Guid Id, string Name, bool MayEditRoster, string? IpAddress = null)
{
    /// <summary>Only the head of operations and administrators change the roster itself.</summary>
    public void RequireEditor()
    {
        if (!MayEditRoster)
        {
            throw new DutyForbiddenException("only the head of operations or an administrator may change the roster");
        }
    }

    public AuditEntry Audit(TimeProvider clock, string action, string type, string id, params (string Key, string? Value)[] details)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return AuditEntry.Create(clock.GetUtcNow(), Id, Name, action, type, id, details.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal), IpAddress);
    }
}

/// <summary>The actor may not do this (a page answers 403, the API 403).</summary>
public sealed class DutyForbiddenException : Exception
{
    public DutyForbiddenException(string message)
        : base(message)
    {
    }

    public DutyForbiddenException()
    {
    }

    public DutyForbiddenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
