using DnsCert.Core;
using DnsCert.Core.Duty;

namespace DnsCert.Infrastructure.Tests.Duty;

/// <summary>The roster through the real repository and PostgreSQL: DST boundaries, swaps, absences, hand-overs, audit.</summary>
public sealed class DutyStoreTests : IAsyncLifetime
{
    private DutyWorld _world = null!;

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync() => _world = await DutyWorld.CreateAsync(Utc("2026-03-01T12:00:00Z"));

    public async Task DisposeAsync() => await _world.Db.DisposeAsync();

    [Theory]
    [InlineData("2026-03-07T14:30:00Z", "AMER", null)]
    [InlineData("2026-03-08T14:30:00Z", "AMER", "nora")] // US on summer time, EU not yet
    [InlineData("2026-03-28T06:30:00Z", "EMEA", null)]
    [InlineData("2026-03-29T06:30:00Z", "EMEA", "pierre")] // EU summer time from 01:00Z
    [InlineData("2026-10-25T06:30:00Z", "EMEA", null)] // EU back on winter time
    [InlineData("2026-10-26T14:30:00Z", "AMER", "nora")] // US still on summer time
    [InlineData("2026-11-02T14:30:00Z", "AMER", null)] // and now not
    [InlineData("2026-03-29T23:30:00Z", "APAC", "aiko")]
    public async Task On_duty_through_the_store_follows_the_local_clocks(string utc, string region, string? expected) =>
        // In brackets: x?.y.ShouldBe(…) would skip the assertion whenever nobody is on duty.
        ((await _world.Roster.OnDutyAsync(Utc(utc), region)).Officer?.Person.UserName).ShouldBe(expected);

    [Fact]
    public async Task A_swap_needs_the_counterpart_then_the_head_of_operations_and_leaves_an_audit_trail()
    {
        var shift = _world.Shifts["emea"];
        var occurrence = Utc("2026-03-10T07:00:00Z");
        var swap = await _world.Requests.RequestSwapAsync(shift.Id, occurrence, _world.People["ben"], null, null, "dentist", _world.As("pierre"));
        swap.Status.ShouldBe(SwapStatus.Requested);
        swap.NeedsApproval.ShouldBeTrue();
        // Somebody else's shift cannot be given away; the same occurrence cannot be swapped twice.
        (await Should.ThrowAsync<ValidationException>(() => _world.Requests.RequestSwapAsync(shift.Id, occurrence, _world.People["carla"], null, null, "", _world.As("nora"))))
            .Field.ShouldBe("occurrence");
        (await Should.ThrowAsync<ValidationException>(() => _world.Requests.RequestSwapAsync(shift.Id, occurrence, _world.People["carla"], null, null, "", _world.As("pierre"))))
            .Reason.ShouldContain("already");
        // Only the counterpart accepts; the head approves.
        await Should.ThrowAsync<DutyForbiddenException>(() => _world.Requests.AcceptSwapAsync(swap.Id, _world.As("nora")));
        (await _world.Requests.AcceptSwapAsync(swap.Id, _world.As("ben"))).Status.ShouldBe(SwapStatus.Accepted);
        (await _world.Roster.OnDutyAsync(occurrence.AddHours(1), "EMEA")).Officer!.Person.UserName.ShouldBe("pierre");
        await Should.ThrowAsync<DutyForbiddenException>(() => _world.Requests.ApproveSwapAsync(swap.Id, _world.As("ben")));
        (await _world.Requests.ApproveSwapAsync(swap.Id, _world.Head)).Status.ShouldBe(SwapStatus.Effective);

        var status = await _world.Roster.OnDutyAsync(occurrence.AddHours(1), "EMEA");
        status.Officer!.Person.UserName.ShouldBe("ben");
        status.Officer.Source.ShouldBe(DutySource.Swap);
        (await _world.Roster.OnDutyAsync(occurrence.AddDays(1).AddHours(1), "EMEA")).Officer!.Person.UserName.ShouldBe("pierre");

        await using var audit = _world.Db.CreateCommand("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE target_id = $1");
        audit.Parameters.Add(new Npgsql.NpgsqlParameter { Value = swap.Id.ToString() });
        (await audit.ExecuteScalarAsync()).ShouldBe("duty.swap.requested,duty.swap.accepted,duty.swap.approved");
    }

    [Fact]
    public async Task In_a_region_without_approval_the_accepted_swap_is_effective_and_a_declined_one_changes_nothing()
    {
        var shift = _world.Shifts["amer"];
        var first = Utc("2026-03-10T14:00:00Z"); // 10:00 EDT
        var swap = await _world.Requests.RequestSwapAsync(shift.Id, first, _world.People["carla"], null, null, null, _world.As("nora"));
        (await _world.Requests.AcceptSwapAsync(swap.Id, _world.As("carla"))).Status.ShouldBe(SwapStatus.Effective);
        (await _world.Roster.OnDutyAsync(first.AddHours(2), "AMER")).Officer!.Person.UserName.ShouldBe("carla");

        var second = first.AddDays(1);
        var declined = await _world.Requests.RequestSwapAsync(shift.Id, second, _world.People["carla"], null, null, null, _world.As("nora"));
        (await _world.Requests.DeclineSwapAsync(declined.Id, _world.As("carla"))).Status.ShouldBe(SwapStatus.Declined);
        (await _world.Roster.OnDutyAsync(second.AddHours(2), "AMER")).Officer!.Person.UserName.ShouldBe("nora");
        // A wrong occurrence time is refused with a field error.
        (await Should.ThrowAsync<ValidationException>(() =>
            _world.Requests.RequestSwapAsync(shift.Id, second.AddMinutes(30), _world.People["carla"], null, null, null, _world.As("nora")))).Field.ShouldBe("occurrence");
    }

    [Fact]
    public async Task An_absence_hands_the_seat_to_the_backup_and_only_the_head_records_other_peoples_absences()
    {
        var at = Utc("2026-03-30T09:00:00Z");
        await Should.ThrowAsync<DutyForbiddenException>(() => _world.Requests.AddAbsenceAsync(_world.People["pierre"], at.AddHours(-1), at.AddHours(8), "x", _world.As("ben")));
        await _world.Requests.AddAbsenceAsync(_world.People["pierre"], at.AddHours(-1), at.AddHours(8), "ill", _world.As("pierre"));
        var status = await _world.Roster.OnDutyAsync(at, "EMEA");
        status.Officer!.Person.UserName.ShouldBe("ben");
        status.Officer.Source.ShouldBe(DutySource.Fallback);
        status.Backup.ShouldBeNull();
        // The head of operations puts Carla in the officer seat: Ben goes back to being the backup.
        await _world.Roster.AddOverrideAsync("EMEA", DutyRole.Officer, _world.People["carla"], at.AddHours(-1), at.AddHours(1), "cover", _world.Head);
        var covered = await _world.Roster.OnDutyAsync(at, "EMEA");
        covered.Officer!.Person.UserName.ShouldBe("carla");
        covered.Officer.Source.ShouldBe(DutySource.Override);
        covered.Backup!.Person.UserName.ShouldBe("ben");
        await Should.ThrowAsync<DutyForbiddenException>(() =>
            _world.Roster.AddOverrideAsync("EMEA", DutyRole.Officer, _world.People["carla"], at, at.AddHours(1), "x", _world.As("carla")));
    }

    [Fact]
    public async Task A_handover_note_is_acknowledged_once_by_somebody_else()
    {
        var note = await _world.Requests.WriteHandoverAsync("EMEA", "Quiet shift; .test registry slow to answer.", ["INC-7 waiting for registry", " ", "renew lab key"], _world.As("pierre"));
        note.OpenItems.ShouldBe(["INC-7 waiting for registry", "renew lab key"]);
        (await Should.ThrowAsync<ValidationException>(() => _world.Requests.AcknowledgeHandoverAsync(note.Id, _world.As("pierre")))).Field.ShouldBe("handover");
        await _world.Requests.AcknowledgeHandoverAsync(note.Id, _world.As("nora"));
        await Should.ThrowAsync<ValidationException>(() => _world.Requests.AcknowledgeHandoverAsync(note.Id, _world.As("carla")));
        var stored = (await _world.Repository.ListHandoversAsync("EMEA", 10, default)).ShouldHaveSingleItem();
        stored.AcknowledgedBy.ShouldBe(_world.People["nora"]);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_field_and_nothing_is_written()
    {
        var bad = new DutyShift(Guid.Empty, "EMEA", DutyRole.Officer, "x", "Europe/Atlantis", new HashSet<DayOfWeek> { DayOfWeek.Monday },
            new TimeOnly(8, 0), new TimeOnly(9, 0), new DateOnly(2026, 1, 1), null, [_world.People["ben"]], 1);
        (await Should.ThrowAsync<ValidationException>(() => _world.Roster.AddShiftAsync(bad, _world.Head))).Field.ShouldBe("timeZone");
        (await Should.ThrowAsync<ValidationException>(() => _world.Roster.AddShiftAsync(bad with { TimeZone = "UTC", Region = "MARS" }, _world.Head))).Field.ShouldBe("region");
        (await Should.ThrowAsync<ValidationException>(() => _world.Roster.AddShiftAsync(bad with { TimeZone = "UTC", Days = new HashSet<DayOfWeek>() }, _world.Head))).Field.ShouldBe("days");
        await using var count = _world.Db.CreateCommand("SELECT count(*) FROM duty_shifts");
        (await count.ExecuteScalarAsync()).ShouldBe(5L);
    }
}
