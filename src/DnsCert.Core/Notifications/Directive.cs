using DnsCert.Core.Visibility;

namespace DnsCert.Core.Notifications;

/// <summary>
/// A decision to tell someone something, separate from sending it (IntelMQ's directives). Directives with the same
/// <see cref="AggregationKey"/> that are due together become one message per recipient.
/// </summary>
/// <param name="OrganisationId">Whom: the organisation…</param>
/// <param name="ContactRole">…and which of its contact roles.</param>
/// <param name="Kind">Why, and which template.</param>
/// <param name="Tlp">The TLP 2.0 label the message carries in its subject and before its body.</param>
/// <param name="AggregationKey">Directives sharing it (and organisation, role, kind, TLP) are sent together.</param>
/// <param name="NotBefore">Not sent before this time: the end of the aggregation window, or a throttle.</param>
/// <param name="Values">The template's placeholders for this one item (a finding, a domain, …).</param>
/// <param name="Reference">What the message is about (incident, request, campaign), shown to the recipient; optional.</param>
public sealed record Directive(
    Guid OrganisationId,
    string ContactRole,
    NotificationKind Kind,
    Tlp Tlp,
    string AggregationKey,
    DateTimeOffset NotBefore,
    IReadOnlyDictionary<string, string> Values,
    string? Reference = null)
{
    public const int MaxAggregationKeyLength = 200;
    public const int MaxValueLength = 4000;

    /// <summary>Rejects a directive nobody could route or render, naming the field.</summary>
    public void Validate()
    {
        if (OrganisationId == Guid.Empty)
        {
            throw new ValidationException("organisationId", "is required");
        }

        if (string.IsNullOrWhiteSpace(ContactRole) || ContactRole.Length > 50)
        {
            throw new ValidationException("contactRole", "give a contact role of 1 to 50 characters");
        }

        // A role the directory does not know would only be discovered when planning: refuse it now, naming the field.
        Constituency.NotificationContactRoles.Parse(ContactRole);

        if (string.IsNullOrWhiteSpace(AggregationKey) || AggregationKey.Length > MaxAggregationKeyLength)
        {
            throw new ValidationException("aggregationKey", $"give a key of 1 to {MaxAggregationKeyLength} characters");
        }

        foreach (var (name, value) in Values)
        {
            if (!TemplateText.IsPlaceholderName(name))
            {
                throw new ValidationException("values", $"'{name}' is not a placeholder name (a-z, 0-9, _)");
            }

            // An attached file (a campaign slice) is no placeholder text and has its own limit.
            var limit = name == NotificationAttachments.ContentKey ? NotificationAttachments.MaxContentLength : MaxValueLength;
            if ((value ?? "").Length > limit)
            {
                throw new ValidationException("values", $"'{name}' is longer than {limit} characters");
            }
        }
    }
}
