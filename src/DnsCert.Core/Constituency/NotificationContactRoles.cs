namespace DnsCert.Core.Constituency;

/// <summary>
/// The contact-role words the notification pipeline uses in directives ("technical", "abuse", "on-call", …) and the
/// directory's <see cref="ContactRole"/> each one means. One explicit table: a word not in it is an error, never a guess.
/// </summary>
public static class NotificationContactRoles
{
    /// <summary>Every accepted word, lower case, and its role. The directory's own codes are accepted as well.</summary>
    public static IReadOnlyDictionary<string, ContactRole> Map { get; } = new Dictionary<string, ContactRole>(StringComparer.Ordinal)
    {
        // The 24x7 contact: emergencies, reach tests, and whoever is on call at the organisation.
        ["emergency"] = ContactRole.Emergency,
        ["24x7"] = ContactRole.Emergency,
        ["on-call"] = ContactRole.Emergency,
        ["reach-test"] = ContactRole.Emergency,
        // The directory keeps security and abuse as one role (one mailbox at most registries).
        ["security-abuse"] = ContactRole.SecurityAbuse,
        ["security"] = ContactRole.SecurityAbuse,
        ["abuse"] = ContactRole.SecurityAbuse,
        ["technical"] = ContactRole.Technical,
        ["management"] = ContactRole.Management,
        ["press"] = ContactRole.Press,
    };

    /// <summary>The directory role for a directive's role word (case-blind); a <see cref="ValidationException"/> otherwise.</summary>
    public static ContactRole Parse(string? word, string field = "contactRole") =>
        Map.TryGetValue((word ?? "").Trim().ToLowerInvariant(), out var role)
            ? role
            : throw new ValidationException(field, $"'{word}' is not a contact role ({string.Join(", ", Map.Keys)})");
}
