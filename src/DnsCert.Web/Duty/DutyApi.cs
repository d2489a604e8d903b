using System.Globalization;
using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Duty;
using DnsCert.Infrastructure.Duty;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DnsCert.Web.Duty;

/// <summary><c>/api/v1/duty</c>: who is on duty, the roster of a range, pages and their acknowledgement (SMS/phone gateways).</summary>
public static class DutyApi
{
    public sealed record PersonView(Guid Id, string UserName, string DisplayName, string TimeZone);

    public sealed record SeatView(PersonView Person, string Seat, string Source, DateTimeOffset? Until, string? Shift, string? Note, DateTimeOffset? LocalUntil);

    public sealed record OnDutyView(DateTimeOffset At, string? Region, bool Global, bool Covered, SeatView? Officer, SeatView? Backup);

    public sealed record SlotView(
        Guid SourceId, string Region, string Role, string Shift, PersonView Person, DateTimeOffset Start, DateTimeOffset End,
        DateTimeOffset LocalStart, DateTimeOffset LocalEnd, string TimeZone, string Source);

    public sealed record PageRequest(string? Region, string? Subject, string? Body, string? Reference);

    public sealed record AcknowledgeRequest(string? UserName, string? Via);

    public sealed record NoticeView(string Level, Guid PersonId, string Channel, DateTimeOffset At);

    public sealed record PageView(
        Guid Id, long Number, string? Region, string Subject, string Body, string? Reference, DateTimeOffset CreatedAt, string Level,
        DateTimeOffset? NextEscalationAt, DateTimeOffset? AcknowledgedAt, Guid? AcknowledgedBy, string? AcknowledgedVia, IReadOnlyList<NoticeView> Notices);

    public static IEndpointRouteBuilder MapDutyApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/duty").WithTags("Duty");
        group.MapGet("/now", async Task<Results<Ok<OnDutyView>, ValidationProblem>> (
                string? region, DateTimeOffset? at, DutyRoster roster, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                try
                {
                    return TypedResults.Ok(View(await roster.OnDutyAsync(at ?? clock.GetUtcNow(), string.IsNullOrWhiteSpace(region) ? null : region, cancellationToken)));
                }
                catch (ValidationException e)
                {
                    return Problem(e);
                }
            })
            .RequireAuthorization(ApiScopes.Read).RequireAuthorization(p => p.RequireRole(DutyAccess.TeamRoles))
            .WithName("GetOnDuty")
            .WithSummary("Who is on duty at an instant (default now): the duty officer and backup of a region, or globally (follow-the-sun).");
        group.MapGet("/roster", async Task<Results<Ok<IReadOnlyList<SlotView>>, ValidationProblem>> (
                DateTimeOffset? from, DateTimeOffset? to, string? region, DutyRoster roster, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                try
                {
                    var start = from ?? clock.GetUtcNow();
                    var (slots, snapshot) = await roster.RosterAsync(start, to ?? start.AddDays(7), string.IsNullOrWhiteSpace(region) ? null : region, cancellationToken);
                    var people = snapshot.People.ToDictionary(p => p.Id);
                    return TypedResults.Ok<IReadOnlyList<SlotView>>([.. slots.Where(s => people.ContainsKey(s.PersonId)).Select(s => Slot(s, people[s.PersonId]))]);
                }
                catch (ValidationException e)
                {
                    return Problem(e);
                }
            })
            .RequireAuthorization(ApiScopes.Read).RequireAuthorization(p => p.RequireRole(DutyAccess.TeamRoles))
            .WithName("GetDutyRoster")
            .WithSummary("The shift occurrences and overrides of a range (at most 62 days), in UTC and in each shift's local time.");
        group.MapGet("/pages", async (bool? open, int? limit, IDutyPager pager, CancellationToken cancellationToken) =>
                TypedResults.Ok<IReadOnlyList<PageView>>([.. (await pager.ListAsync(open ?? true, limit ?? 50, cancellationToken)).Select(View)]))
            .RequireAuthorization(ApiScopes.Read).RequireAuthorization(p => p.RequireRole(DutyAccess.TeamRoles))
            .WithName("ListDutyPages")
            .WithSummary("Pages, open ones by default, with who was told at which rung.");
        group.MapPost("/pages", async Task<Results<Created<PageView>, ValidationProblem>> (
                PageRequest request, IDutyPager pager, CancellationToken cancellationToken) =>
            {
                try
                {
                    var page = await pager.PageAsync(string.IsNullOrWhiteSpace(request.Region) ? null : request.Region, request.Subject ?? "",
                        request.Body ?? "", request.Reference, cancellationToken);
                    return TypedResults.Created($"/api/v1/duty/pages/{page.Id}", View(page));
                }
                catch (ValidationException e)
                {
                    return Problem(e);
                }
            })
            .RequireAuthorization(ApiScopes.Write).RequireAuthorization(p => p.RequireRole(DutyAccess.TeamRoles))
            .WithName("CreateDutyPage")
            .WithSummary("Page whoever is on duty; unacknowledged pages climb duty officer → backup → head of operations. The same reference pages once.");
        group.MapPost("/pages/{id:guid}/acknowledge", async Task<Results<Ok<PageView>, Conflict<PageView>, NotFound, ValidationProblem, ForbidHttpResult>> (
                Guid id, AcknowledgeRequest? request, HttpContext context, IDutyPager pager, DutyRepository people, CancellationToken cancellationToken) =>
            {
                var page = await pager.FindAsync(id, cancellationToken);
                if (page is null)
                {
                    return TypedResults.NotFound();
                }

                var actor = DutyAccess.Actor(context);
                var person = actor.Id;
                if (!string.IsNullOrWhiteSpace(request?.UserName) && !string.Equals(request.UserName, actor.Name, StringComparison.OrdinalIgnoreCase))
                {
                    // A gateway acknowledges for the person who answered the SMS or call: only somebody this page reached.
                    var snapshot = await people.LoadAsync(page.CreatedAt, page.CreatedAt, cancellationToken);
                    var named = snapshot.People.FirstOrDefault(p => string.Equals(p.UserName, request.UserName, StringComparison.OrdinalIgnoreCase));
                    if (named is null || page.Notices.All(n => n.PersonId != named.Id))
                    {
                        return TypedResults.Forbid();
                    }

                    person = named.Id;
                }

                try
                {
                    var first = await pager.AcknowledgeAsync(id, person, string.IsNullOrWhiteSpace(request?.Via) ? "api" : request.Via, cancellationToken);
                    var view = View((await pager.FindAsync(id, cancellationToken))!);
                    return first ? TypedResults.Ok(view) : TypedResults.Conflict(view);
                }
                catch (ValidationException e)
                {
                    return Problem(e);
                }
            })
            .RequireAuthorization(ApiScopes.Write).RequireAuthorization(p => p.RequireRole(DutyAccess.TeamRoles))
            .WithName("AcknowledgeDutyPage")
            .WithSummary("Acknowledge a page (stops the escalation). A gateway names the person who answered (userName) and its channel (via); 409 when already acknowledged.");
        return endpoints;
    }

    public static OnDutyView View(OnDutyStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new OnDutyView(status.At, status.Region, status.Global, status.Covered, Seat(status.Officer), Seat(status.Backup));
    }

    private static SeatView? Seat(OnDutyPerson? seat) => seat is null
        ? null
        : new SeatView(Person(seat.Person), seat.Seat.Name(), seat.Source.Name(), seat.Until, seat.ShiftName, seat.Note,
            seat.Until is { } until ? DutyTime.InZone(until, Zone(seat.Person.TimeZone)) : null);

    private static PersonView Person(DutyPerson p) => new(p.Id, p.UserName, p.DisplayName, p.TimeZone);

    private static string Zone(string id) => DutyTime.IsZone(id) ? id : "UTC";

    private static SlotView Slot(DutySlot s, DutyPerson person) => new(s.SourceId, s.Region, s.Role.Name(), s.ShiftName, Person(person), s.Start, s.End,
        DutyTime.InZone(s.Start, s.TimeZone), DutyTime.InZone(s.End, s.TimeZone), s.TimeZone, s.Source.Name());

    private static PageView View(DutyPage p) => new(p.Id, p.Number, p.Region, p.Subject, p.Body, p.Reference, p.CreatedAt, p.Level.Name(),
        p.NextEscalationAt, p.AcknowledgedAt, p.AcknowledgedBy, p.AcknowledgedVia,
        [.. p.Notices.Select(n => new NoticeView(n.Level.Name(), n.PersonId, n.Channel, n.At))]);

    private static ValidationProblem Problem(ValidationException e) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Reason] });

    internal static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
