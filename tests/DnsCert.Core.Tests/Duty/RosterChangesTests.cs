using DnsCert.Core.Duty;

namespace DnsCert.Core.Tests.Duty;

/// <summary>Overrides, swaps, absences and rotations: the precedence of docs/duty.md.</summary>
public class RosterChangesTests
{
    private readonly RosterWorld _world = new();

    private static readonly DateTimeOffset s_noon = RosterWorld.Utc("2026-03-02T12:00:00Z");

    [Fact]
    public void An_override_beats_the_shift_and_the_newest_override_wins()
    {
        _world.Overrides.Add(new DutyOverride(Guid.NewGuid(), "EMEA", DutyRole.Officer, _world.Hiro.Id, s_noon.AddHours(-1), s_noon.AddHours(1), "cover", s_noon.AddDays(-2)));
        var status = RosterCalculator.OnDuty(_world.Snapshot, s_noon, "EMEA");
        status.Officer!.Person.ShouldBe(_world.Hiro);
        status.Officer.Source.ShouldBe(DutySource.Override);
        // The backup seat is untouched: Ben, not the displaced Pierre.
        status.Backup!.Person.ShouldBe(_world.Ben);

        _world.Overrides.Add(new DutyOverride(Guid.NewGuid(), "EMEA", DutyRole.Officer, _world.Carla.Id, s_noon.AddHours(-1), s_noon.AddMinutes(1), "later decision", s_noon.AddDays(-1)));
        RosterCalculator.OnDuty(_world.Snapshot, s_noon, "EMEA").Officer!.Person.ShouldBe(_world.Carla);
        // Outside the overrides the shift holds again.
        RosterCalculator.OnDuty(_world.Snapshot, s_noon.AddHours(1), "EMEA").Officer!.Person.ShouldBe(_world.Pierre);
    }

    [Fact]
    public void An_absent_officer_gives_the_seat_to_the_backup_and_the_backup_seat_to_the_rotation()
    {
        var emea = _world.Shifts.Single(s => s.Region == "EMEA" && s.Role == DutyRole.Officer);
        _world.Shifts[_world.Shifts.IndexOf(emea)] = emea with { Members = [_world.Pierre.Id, _world.Hiro.Id] };
        _world.Absences.Add(new DutyAbsence(Guid.NewGuid(), _world.Pierre.Id, s_noon.AddHours(-2), s_noon.AddHours(2), "ill", s_noon));
        var status = RosterCalculator.OnDuty(_world.Snapshot, s_noon, "EMEA");
        status.Officer!.Person.ShouldBe(_world.Ben);
        status.Officer.Source.ShouldBe(DutySource.Fallback);
        status.Officer.Note.ShouldNotBeNull().ShouldContain("absent");
        // Backup: the next member of the officer rotation.
        status.Backup!.Person.ShouldBe(_world.Hiro);
        // An override to an absent person does not count either.
        _world.Overrides.Add(new DutyOverride(Guid.NewGuid(), "EMEA", DutyRole.Officer, _world.Pierre.Id, s_noon.AddHours(-1), s_noon.AddHours(1), "x", s_noon));
        RosterCalculator.OnDuty(_world.Snapshot, s_noon, "EMEA").Officer!.Person.ShouldBe(_world.Ben);
        // When the absence ends Pierre is back.
        RosterCalculator.OnDuty(_world.Snapshot, s_noon.AddHours(2), "EMEA").Officer!.Person.ShouldBe(_world.Pierre);
    }

    [Fact]
    public void An_absent_backup_is_replaced_and_the_officer_stays()
    {
        _world.Absences.Add(new DutyAbsence(Guid.NewGuid(), _world.Ben.Id, s_noon.AddDays(-1), s_noon.AddDays(1), "leave", s_noon));
        var status = RosterCalculator.OnDuty(_world.Snapshot, s_noon, "EMEA");
        status.Officer!.Person.ShouldBe(_world.Pierre);
        status.Backup.ShouldBeNull();
    }

    [Fact]
    public void An_effective_swap_moves_exactly_one_occurrence()
    {
        var amer = _world.Shifts.Single(s => s.Region == "AMER" && s.Role == DutyRole.Officer);
        var occurrence = RosterWorld.Utc("2026-03-09T14:00:00Z"); // 10:00 EDT, the day after the US change
        var swap = new DutySwap(Guid.NewGuid(), amer.Id, occurrence, _world.Nora.Id, _world.Carla.Id, null, null, SwapStatus.Accepted, true, "",
            s_noon, s_noon, null, null);
        _world.Swaps.Add(swap);
        // Accepted but not approved (AMER... this one needs approval): nothing changes yet.
        RosterCalculator.OnDuty(_world.Snapshot, occurrence.AddHours(1), "AMER").Officer!.Person.ShouldBe(_world.Nora);
        _world.Swaps[0] = swap with { Status = SwapStatus.Effective, DecidedAt = s_noon };
        var status = RosterCalculator.OnDuty(_world.Snapshot, occurrence.AddHours(1), "AMER");
        status.Officer!.Person.ShouldBe(_world.Carla);
        status.Officer.Source.ShouldBe(DutySource.Swap);
        // The day before and after: Nora.
        RosterCalculator.OnDuty(_world.Snapshot, occurrence.AddHours(-23), "AMER").Officer!.Person.ShouldBe(_world.Nora);
        RosterCalculator.OnDuty(_world.Snapshot, occurrence.AddHours(25), "AMER").Officer!.Person.ShouldBe(_world.Nora);
    }

    [Fact]
    public void A_two_way_swap_also_moves_the_return_occurrence()
    {
        var amer = _world.Shifts.Single(s => s.Region == "AMER" && s.Role == DutyRole.Officer);
        var apac = _world.Shifts.Single(s => s.Region == "APAC");
        _world.Swaps.Add(new DutySwap(Guid.NewGuid(), amer.Id, RosterWorld.Utc("2026-03-10T14:00:00Z"), _world.Nora.Id, _world.Aiko.Id,
            apac.Id, RosterWorld.Utc("2026-03-11T23:00:00Z"), SwapStatus.Effective, false, "", s_noon, s_noon, null, s_noon));
        RosterCalculator.OnDuty(_world.Snapshot, RosterWorld.Utc("2026-03-10T15:00:00Z"), "AMER").Officer!.Person.ShouldBe(_world.Aiko);
        RosterCalculator.OnDuty(_world.Snapshot, RosterWorld.Utc("2026-03-12T01:00:00Z"), "APAC").Officer!.Person.ShouldBe(_world.Nora);
    }

    [Fact]
    public void A_weekly_rotation_hands_over_on_monday_local_time()
    {
        var emea = _world.Shifts.Single(s => s.Region == "EMEA" && s.Role == DutyRole.Officer);
        _world.Shifts[_world.Shifts.IndexOf(emea)] = emea with { Members = [_world.Pierre.Id, _world.Hiro.Id], ValidFrom = new DateOnly(2026, 3, 4) };
        // ValidFrom is a Wednesday: weeks count from Monday 2026-03-02.
        RosterCalculator.OnDuty(_world.Snapshot, RosterWorld.Utc("2026-03-08T10:00:00Z"), "EMEA").Officer!.Person.ShouldBe(_world.Pierre);
        RosterCalculator.OnDuty(_world.Snapshot, RosterWorld.Utc("2026-03-09T10:00:00Z"), "EMEA").Officer!.Person.ShouldBe(_world.Hiro);
        RosterCalculator.OnDuty(_world.Snapshot, RosterWorld.Utc("2026-03-16T10:00:00Z"), "EMEA").Officer!.Person.ShouldBe(_world.Pierre);
        // Before ValidFrom there is no occurrence.
        RosterCalculator.OnDuty(_world.Snapshot, RosterWorld.Utc("2026-03-03T10:00:00Z"), "EMEA").Officer!.Person.ShouldBe(_world.Ben);
    }

    [Fact]
    public void Expanding_a_week_gives_one_slot_per_shift_and_day_in_utc()
    {
        var slots = RosterCalculator.Expand(_world.Snapshot, RosterWorld.Utc("2026-03-23T00:00:00Z"), RosterWorld.Utc("2026-03-30T00:00:00Z"), "EMEA");
        var pierre = slots.Where(s => s.PersonId == _world.Pierre.Id).ToList();
        pierre.Count.ShouldBe(7);
        pierre[0].Start.ShouldBe(RosterWorld.Utc("2026-03-23T07:00:00Z"));
        // Sunday 03-29 is the first CEST day.
        pierre[^1].Start.ShouldBe(RosterWorld.Utc("2026-03-29T06:00:00Z"));
        pierre[^1].LocalDate.ShouldBe(new DateOnly(2026, 3, 29));
    }

    [Fact]
    public void The_ladder_names_officer_then_backup_then_every_head_of_operations()
    {
        var status = RosterCalculator.OnDuty(_world.Snapshot, s_noon, "EMEA");
        EscalationLadder.Targets(EscalationLevel.DutyOfficer, status, [_world.Hiro]).ShouldBe([_world.Pierre]);
        EscalationLadder.Targets(EscalationLevel.Backup, status, [_world.Hiro]).ShouldBe([_world.Ben]);
        EscalationLadder.Targets(EscalationLevel.HeadOfOperations, status, [_world.Hiro, _world.Aiko]).ShouldBe([_world.Hiro, _world.Aiko]);
        var empty = RosterCalculator.OnDuty(_world.Snapshot, s_noon, "APAC");
        EscalationLadder.Targets(EscalationLevel.Backup, empty, []).ShouldBeEmpty();
    }
}
