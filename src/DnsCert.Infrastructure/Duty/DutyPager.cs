using System.Globalization;
using DnsCert.Core;
using DnsCert.Core.Audit;
using DnsCert.Core.Duty;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Audit;
using DnsCert.Infrastructure.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DnsCert.Infrastructure.Duty;

/// <summary>
/// Pages and their escalation ladder (duty officer → backup → head of operations) over PostgreSQL and the notification
/// outbox. Each rung is one transaction: the page's level, its notices and the outbox messages (mail, and the SMS/phone
/// gateway webhook when configured) commit together, so a crash either did the whole rung or none of it, and the
/// notices' primary key plus the outbox idempotency key make a rung happen once. Due pages are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, as the outbox is: any number of server instances share the work.
/// </summary>
public sealed partial class DutyPager(
    NpgsqlDataSource dataSource, DutyRoster roster, IDutyRepository repository, MessageFactory messages, IOptions<DutyOptions> options,
    PublicLinks links, TimeProvider clock, ILogger<DutyPager> logger) : IDutyPager
{
    /// <summary>Pages are for the core team: limited disclosure.</summary>
    public const Tlp Label = Tlp.Amber;

    private const string PageColumns =
        "id, number, region, subject, body, reference, created_at, level, next_escalation_at, acknowledged_at, acknowledged_by, acknowledged_via";

    public async Task<DutyPage> PageAsync(string? region, string subject, string body, string? reference, CancellationToken cancellationToken = default)
    {
        var cleanSubject = DutyRosterText(subject, "subject", 200);
        var cleanBody = (body ?? "").Trim();
        if (cleanBody.Length > 10_000)
        {
            throw new ValidationException("body", "at most 10000 characters");
        }

        var cleanReference = string.IsNullOrWhiteSpace(reference) ? null : reference.Trim();
        var now = clock.GetUtcNow();
        // Validates the region and names the first rung before anything is written.
        var status = await roster.OnDutyAsync(now, region, cancellationToken);
        var code = region is null ? null : DutyCodes.Region(region);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = Guid.CreateVersion7(now);
        int inserted;
        await using (var insert = DutyRepository.Command(connection, transaction, """
            INSERT INTO duty_pages (id, region, subject, body, reference, created_at, level, next_escalation_at)
            VALUES ($1, $2, $3, $4, $5, $6, 0, $6)
            ON CONFLICT (reference) WHERE reference IS NOT NULL DO NOTHING
            """, [id, code, cleanSubject, cleanBody, cleanReference, now]))
        {
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (inserted == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var existing = await FindByReferenceAsync(cleanReference!, cancellationToken);
            return existing!;
        }

        var page = (await ReadPagesAsync(connection, transaction, $"SELECT {PageColumns} FROM duty_pages WHERE id = $1", [id], cancellationToken))[0];
        await ClimbAsync(connection, transaction, page, EscalationLevel.DutyOfficer, status, now, cancellationToken);
        await AuditLog.AppendAsync(connection, transaction, AuditEntry.Create(now, null, AuditEntry.System, "duty.page.raised", "duty-page", id.ToString(),
            new Dictionary<string, string?> { ["region"] = code, ["reference"] = cleanReference, ["officer"] = status.Officer?.Person.UserName }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogPaged(logger, page.Number, code ?? "global", status.Officer?.Person.UserName ?? "(nobody)");
        return (await FindAsync(id, cancellationToken))!;
    }

    public async Task<int> EscalateDueAsync(CancellationToken cancellationToken = default)
    {
        var climbed = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var due = await ReadPagesAsync(connection, transaction, $"""
                SELECT {PageColumns} FROM duty_pages
                WHERE next_escalation_at <= $1 AND acknowledged_at IS NULL
                ORDER BY next_escalation_at LIMIT 1 FOR UPDATE SKIP LOCKED
                """, [now], cancellationToken);
            if (due.Count == 0)
            {
                return climbed;
            }

            var page = due[0];
            var status = await roster.OnDutyAsync(now, page.Region, cancellationToken);
            var next = page.Level + 1;
            if (page.Notices.Count == 0 && page.Level == EscalationLevel.DutyOfficer)
            {
                // Raised but its first rung never ran (raised with a past due time by a test or an import): start there.
                next = EscalationLevel.DutyOfficer;
            }

            await ClimbAsync(connection, transaction, page, next, status, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogEscalated(logger, page.Number, next.Name());
            climbed++;
        }
    }

    /// <summary>Tells the people of <paramref name="level"/> (climbing on past empty rungs) and sets when the next rung is due.</summary>
    private async Task ClimbAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DutyPage page, EscalationLevel level,
        OnDutyStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var heads = await repository.HeadsOfOperationsAsync(cancellationToken);
        var rung = level;
        // A rung nobody can be told at (no person, or no mail address and no gateway) is skipped at once.
        var targets = Reachable(EscalationLadder.Targets(rung, status, heads));
        while (targets.Count == 0 && rung < EscalationLadder.Top)
        {
            rung++;
            targets = Reachable(EscalationLadder.Targets(rung, status, heads));
        }

        foreach (var person in targets)
        {
            await NotifyAsync(connection, transaction, page, rung, person, status, now, cancellationToken);
        }

        if (targets.Count == 0)
        {
            LogNobody(logger, page.Number);
        }

        await using var update = DutyRepository.Command(connection, transaction,
            "UPDATE duty_pages SET level = $2, next_escalation_at = $3 WHERE id = $1",
            [page.Id, (short)rung, rung == EscalationLadder.Top ? null : now + options.Value.AcknowledgeWithin]);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private List<DutyPerson> Reachable(IReadOnlyList<DutyPerson> people) =>
        [.. people.Where(p => !string.IsNullOrWhiteSpace(p.Email) || options.Value.PageWebhookUrl is not null)];

    private async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DutyPage page, EscalationLevel level, DutyPerson person,
        OnDutyStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var item = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["page"] = "P-" + page.Number.ToString(CultureInfo.InvariantCulture),
            ["pageId"] = page.Id.ToString(),
            ["region"] = page.Region ?? status.Region ?? "global",
            ["subject"] = page.Subject,
            ["body"] = page.Body,
            ["level"] = level.Name(),
            ["person"] = person.DisplayName,
            ["userName"] = person.UserName,
            ["phone"] = person.Phone ?? "",
            ["within"] = settings.AcknowledgeWithinMinutes.ToString(CultureInfo.InvariantCulture),
            ["created"] = page.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            // Team:PublicUrl, through PublicLinks: the same base as every other mailed link.
            ["acknowledge"] = links.Link($"/duty/pages?id={page.Id}") ?? "",
        };

        var channels = new List<(string Channel, Recipient Recipient)>();
        if (!string.IsNullOrWhiteSpace(person.Email))
        {
            channels.Add((MessageFactory.EmailChannel, new Recipient(person.Email, person.DisplayName, [person.Language], null)));
        }

        if (settings.PageWebhookUrl is { } hook)
        {
            channels.Add((MessageFactory.WebhookChannel, new Recipient(person.Phone ?? person.UserName, person.DisplayName, [person.Language], null, hook)));
        }

        foreach (var (channel, recipient) in channels)
        {
            await using (var notice = DutyRepository.Command(connection, transaction, """
                INSERT INTO duty_page_notices (page_id, level, person_id, channel, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
                """, [page.Id, (short)level, person.Id, channel, now]))
            {
                if (await notice.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    continue;
                }
            }

            long ticket;
            await using (var next = new NpgsqlCommand("SELECT nextval('notification_ticket_seq')", connection, transaction))
            {
                ticket = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
            }

            var key = string.Create(CultureInfo.InvariantCulture, $"duty-page-{page.Id:N}-{(int)level}-{person.Id:N}-{channel}");
            var message = messages.Create(new OutgoingNotification(key, null, NotificationKind.DutyPage, Label, recipient, [item]), ticket, now);
            await OutboxWriter.InsertAsync(connection, transaction, message, now, now, cancellationToken);
        }
    }

    public async Task<bool> AcknowledgeAsync(Guid pageId, Guid personId, string via, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var channel = DutyRosterText(via, "via", 50);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int rows;
        await using (var update = DutyRepository.Command(connection, transaction, """
            UPDATE duty_pages SET acknowledged_at = $2, acknowledged_by = $3, acknowledged_via = $4, next_escalation_at = NULL
            WHERE id = $1 AND acknowledged_at IS NULL
            """, [pageId, now, personId, channel]))
        {
            rows = await update.ExecuteNonQueryAsync(cancellationToken);
        }

        if (rows == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await FindAsync(pageId, cancellationToken) is null ? throw new ValidationException("page", "no such page") : false;
        }

        await AuditLog.AppendAsync(connection, transaction, AuditEntry.Create(now, personId, personId.ToString(), "duty.page.acknowledged", "duty-page",
            pageId.ToString(), new Dictionary<string, string?> { ["via"] = channel }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<DutyPage?> FindAsync(Guid pageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var list = await ReadPagesAsync(connection, null, $"SELECT {PageColumns} FROM duty_pages WHERE id = $1", [pageId], cancellationToken);
        return list.Count == 0 ? null : list[0];
    }

    public async Task<IReadOnlyList<DutyPage>> ListAsync(bool openOnly, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadPagesAsync(connection, null,
            $"SELECT {PageColumns} FROM duty_pages WHERE NOT $1 OR acknowledged_at IS NULL ORDER BY created_at DESC LIMIT $2",
            [openOnly, Math.Clamp(limit, 1, 500)], cancellationToken);
    }

    private async Task<DutyPage?> FindByReferenceAsync(string reference, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var list = await ReadPagesAsync(connection, null, $"SELECT {PageColumns} FROM duty_pages WHERE reference = $1", [reference], cancellationToken);
        return list.Count == 0 ? null : list[0];
    }

    private static async Task<List<DutyPage>> ReadPagesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, object?[] values,
        CancellationToken cancellationToken)
    {
        var pages = await DutyRepository.ReadAsync(connection, transaction, sql, values, r => new DutyPage(
            r.GetGuid(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
            r.GetFieldValue<DateTimeOffset>(6), (EscalationLevel)r.GetInt16(7), r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
            r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetGuid(10), r.IsDBNull(11) ? null : r.GetString(11), []),
            cancellationToken);
        if (pages.Count == 0)
        {
            return pages;
        }

        var notices = await DutyRepository.ReadAsync(connection, transaction,
            "SELECT page_id, level, person_id, channel, at FROM duty_page_notices WHERE page_id = ANY($1) ORDER BY at, level",
            [pages.Select(p => p.Id).ToArray()],
            r => (Page: r.GetGuid(0), Notice: new PageNotice((EscalationLevel)r.GetInt16(1), r.GetGuid(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4))),
            cancellationToken);
        return [.. pages.Select(p => p with { Notices = [.. notices.Where(n => n.Page == p.Id).Select(n => n.Notice)] })];
    }

    private static string DutyRosterText(string? value, string field, int max)
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0)
        {
            throw new ValidationException(field, "is required");
        }

        return text.Length > max ? throw new ValidationException(field, $"at most {max} characters") : text;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Duty page P-{Number} raised for {Region}: paging {Officer}")]
    private static partial void LogPaged(ILogger logger, long number, string region, string officer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Duty page P-{Number} not acknowledged: escalated to {Level}")]
    private static partial void LogEscalated(ILogger logger, long number, string level);

    [LoggerMessage(Level = LogLevel.Error, Message = "Duty page P-{Number}: nobody on the ladder to page (no officer, backup or head of operations)")]
    private static partial void LogNobody(ILogger logger, long number);
}
