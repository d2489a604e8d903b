using DnsCert.Core.Accounts;
using DnsCert.Core.Duty;
using DnsCert.Infrastructure.Duty;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Duty;

/// <summary>A clock the test moves by hand (TimeProvider.Testing is not in our registry).</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// Three regions and people at UTC+9, UTC+1 and UTC−5 stored in a real, migrated PostgreSQL through the real
/// repository: the roster the escalation and the store tests work on.
/// </summary>
internal sealed class DutyWorld
{
    public required NpgsqlDataSource Db { get; init; }
    public required ManualClock Clock { get; init; }
    public required DutyRepository Repository { get; init; }
    public required DutyRoster Roster { get; init; }
    public required DutyRequests Requests { get; init; }
    public Dictionary<string, Guid> People { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, DutyShift> Shifts { get; } = new(StringComparer.Ordinal);

    public Actor Head => new(People["hoops"], "hoops", true);

    public Actor As(string name) => new(People[name], name, false);

    public static async Task<DutyWorld> CreateAsync(DateTimeOffset now, bool withShifts = true)
    {
        var db = await MigratedDatabase.CreateAsync();
        var clock = new ManualClock(now);
        var repository = new DutyRepository(db);
        var world = new DutyWorld
        {
            Db = db,
            Clock = clock,
            Repository = repository,
            Roster = new DutyRoster(repository, clock),
            Requests = new DutyRequests(repository, clock),
        };
        await world.AddPersonAsync("hoops", "Europe/Paris", "en", Roles.HeadOfOperations);
        await world.AddPersonAsync("aiko", "Asia/Tokyo", "en", Roles.DutyOfficer);
        await world.AddPersonAsync("pierre", "Europe/Paris", "fr", Roles.DutyOfficer);
        await world.AddPersonAsync("ben", "Europe/Berlin", "en", Roles.Augmenter);
        await world.AddPersonAsync("nora", "America/New_York", "es", Roles.DutyOfficer);
        await world.AddPersonAsync("carla", "America/New_York", "en", Roles.Augmenter);

        await world.Roster.SaveRegionAsync(new DutyRegion("APAC", "Asia-Pacific", "Asia/Tokyo", new TimeOnly(23, 0), new TimeOnly(7, 0), 0, false), world.Head);
        await world.Roster.SaveRegionAsync(new DutyRegion("EMEA", "Europe, Middle East, Africa", "Europe/Paris", new TimeOnly(7, 0), new TimeOnly(15, 0), 1, true), world.Head);
        await world.Roster.SaveRegionAsync(new DutyRegion("AMER", "Americas", "America/New_York", new TimeOnly(15, 0), new TimeOnly(23, 0), 2, false), world.Head);
        if (!withShifts)
        {
            return world;
        }

        await world.AddDailyAsync("apac", "APAC", DutyRole.Officer, "Asia/Tokyo", 8, 17, "aiko");
        await world.AddDailyAsync("emea", "EMEA", DutyRole.Officer, "Europe/Paris", 8, 17, "pierre");
        await world.AddDailyAsync("emea-backup", "EMEA", DutyRole.Backup, "Europe/Berlin", 8, 17, "ben");
        await world.AddDailyAsync("amer", "AMER", DutyRole.Officer, "America/New_York", 10, 19, "nora");
        await world.AddDailyAsync("amer-backup", "AMER", DutyRole.Backup, "America/New_York", 10, 19, "carla");
        return world;
    }

    public async Task AddPersonAsync(string name, string zone, string language, string role)
    {
        var id = Guid.NewGuid();
        await using var insert = Db.CreateCommand("""
            INSERT INTO users (id, user_name, display_name, email, roles, must_change_password, created_at, time_zone, language)
            VALUES ($1, $2, $3, $4, $5, false, now(), $6, $7)
            """);
        foreach (var value in new object[] { id, name, char.ToUpperInvariant(name[0]) + name[1..], $"{name}@cert.test", new[] { role }, zone, language })
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await insert.ExecuteNonQueryAsync();
        People[name] = id;
    }

    public async Task AddDailyAsync(string key, string region, DutyRole role, string zone, int from, int to, params string[] members) =>
        Shifts[key] = await Roster.AddShiftAsync(new DutyShift(Guid.Empty, region, role, key, zone, Enum.GetValues<DayOfWeek>().ToHashSet(),
            new TimeOnly(from, 0), new TimeOnly(to, 0), new DateOnly(2026, 1, 1), null, [.. members.Select(m => People[m])], 1), Head);
}
