using System.Text.RegularExpressions;

namespace DnsCert.Core.Audit;

/// <summary>
/// One fact for the audit log: who did what to which record, when, from where. <see cref="Details"/> holds the
/// changed fields (never a secret: no password, token or key material).
/// </summary>
public sealed partial record AuditEntry(
    DateTimeOffset At,
    Guid? ActorId,
    string Actor,
    string Action,
    string? TargetType,
    string? TargetId,
    IReadOnlyDictionary<string, string?> Details,
    string? IpAddress)
{
    /// <summary>The actor name of work the platform does on its own (migrations, schedules).</summary>
    public const string System = "system";

    public static AuditEntry Create(DateTimeOffset at, Guid? actorId, string actor, string action,
        string? targetType = null, string? targetId = null, IReadOnlyDictionary<string, string?>? details = null,
        string? ipAddress = null)
    {
        if (!ActionPattern().IsMatch(action))
        {
            throw new ArgumentException($"audit action '{action}' must be lower-case dotted words, e.g. user.created", nameof(action));
        }

        // PostgreSQL keeps microseconds; hashing the stored value means dropping the last tick digit here too.
        var truncated = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);
        return new AuditEntry(truncated, actorId, actor, action, targetType, targetId,
            details ?? new Dictionary<string, string?>(), ipAddress);
    }

    [GeneratedRegex("^[a-z][a-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ActionPattern();
}

/// <summary>The outcome of walking the chain.</summary>
public sealed record AuditVerification(long Entries, bool Intact, long? FirstBrokenId, string? Reason, string HeadHash);

/// <summary>Where audit entries go. Appends are serialised so the chain stays a line.</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken);
}
