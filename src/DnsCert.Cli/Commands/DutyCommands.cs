using System.CommandLine;
using System.Globalization;
using DnsCert.Core.Duty;
using DnsCert.Infrastructure.Duty;

namespace DnsCert.Cli.Commands;

/// <summary>
/// <c>dnscert duty now [--region R] [--at RFC3339]</c> and <c>dnscert duty roster --from --to [--region R]</c>: the
/// roster read straight from the database. Tab-separated lines for scripts (Console.WriteLine, no wrapping).
/// </summary>
internal static class DutyCommands
{
    public static Command Create()
    {
        var duty = new Command("duty", "The 24x7 duty roster: who is on duty, the shifts of a range.");
        duty.Options.Add(CliDatabase.Option);
        duty.Subcommands.Add(Now());
        duty.Subcommands.Add(Roster());
        return duty;
    }

    private static Command Now()
    {
        var region = new Option<string?>("--region") { Description = "A region code (APAC, EMEA, …); default: the global follow-the-sun watch" };
        var at = new Option<string?>("--at") { Description = "An RFC 3339 instant (2026-03-29T06:30:00Z); default: now" };
        var all = new Option<bool>("--all") { Description = "Every region and the global watch, one line each" };
        var now = new Command("now", "Who is on duty: region, duty officer, backup, until (UTC and the officer's local time). Exit 4 when nobody is.")
            { region, at, all };
        now.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var dataSource = CliDatabase.Open(p);
            var roster = new DutyRoster(new DutyRepository(dataSource), TimeProvider.System);
            var instant = Instant(p.GetValue(at), "at") ?? DateTimeOffset.UtcNow;
            IReadOnlyList<OnDutyStatus> answers = p.GetValue(all)
                ? await roster.OnDutyEverywhereAsync(instant, ct)
                : [await roster.OnDutyAsync(instant, p.GetValue(region), ct)];
            Console.WriteLine($"# at {Iso(instant)}\tregion\tofficer\tbackup\tuntil\tofficer-local-until\tsource");
            foreach (var s in answers)
            {
                var until = s.Officer?.Until;
                var local = until is { } u && s.Officer is { } o ? DutyTime.InZone(u, DutyTime.IsZone(o.Person.TimeZone) ? o.Person.TimeZone : "UTC")
                    .ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture) + " " + o.Person.TimeZone : "-";
                Console.WriteLine(string.Join('\t', (s.Global ? "global:" : "") + (s.Region ?? "-"), s.Officer?.Person.UserName ?? "(nobody)",
                    s.Backup?.Person.UserName ?? "-", until is { } t ? Iso(t) : "-", local, s.Officer?.Source.Name() ?? "-"));
            }

            return answers.All(a => a.Covered) ? 0 : 4;
        }));
        return now;
    }

    private static Command Roster()
    {
        var region = new Option<string?>("--region") { Description = "Only this region" };
        var from = new Option<string?>("--from") { Description = "RFC 3339 start (default: now)" };
        var to = new Option<string?>("--to") { Description = "RFC 3339 end (default: start + 7 days; at most 62 days)" };
        var roster = new Command("roster", "Shift occurrences of a range: start and end in UTC and in the shift's own time zone.") { region, from, to };
        roster.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var dataSource = CliDatabase.Open(p);
            var start = Instant(p.GetValue(from), "from") ?? DateTimeOffset.UtcNow;
            var end = Instant(p.GetValue(to), "to") ?? start.AddDays(7);
            var (slots, snapshot) = await new DutyRoster(new DutyRepository(dataSource), TimeProvider.System).RosterAsync(start, end, p.GetValue(region), ct);
            var people = snapshot.People.ToDictionary(x => x.Id);
            Console.WriteLine("# start-utc\tend-utc\tregion\trole\tperson\tlocal\tshift\tsource");
            foreach (var s in slots)
            {
                var local = $"{DutyTime.InZone(s.Start, s.TimeZone):yyyy-MM-dd'T'HH:mmzzz}/{DutyTime.InZone(s.End, s.TimeZone):HH:mmzzz} {s.TimeZone}";
                Console.WriteLine(string.Join('\t', Iso(s.Start), Iso(s.End), s.Region, s.Role.Name(),
                    people.TryGetValue(s.PersonId, out var person) ? person.UserName : s.PersonId.ToString(), local, s.ShiftName, s.Source.Name()));
            }

            return 0;
        }));
        return roster;
    }

    private static DateTimeOffset? Instant(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // RFC 3339 §5.6: a full date-time with "Z" or a numeric offset; a time without an offset is refused (ambiguous).
        if (!DateTimeOffset.TryParseExact(text.Trim(), ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) || !HasOffset(text))
        {
            throw new Core.ValidationException(field, $"'{text}' is not an RFC 3339 time with an offset (2026-03-29T06:30:00Z)");
        }

        return value;
    }

    private static bool HasOffset(string text) => text.TrimEnd().EndsWith('Z') || text.TrimEnd().EndsWith('z') || text.Length > 19 && text[^6] is '+' or '-';

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
