using System.Globalization;
using System.Text;

namespace DnsCert.Core.Constituency;

/// <summary>
/// An RFC 2350 ("Expectations for Computer Security Incident Response") profile of an organisation, as plain text
/// with the RFC's section numbers, filled from the directory: contact information (§2), languages, time zone, keys.
/// </summary>
public static class Rfc2350Profile
{
    public static string Render(Organisation organisation, IReadOnlyList<Contact> contacts, IReadOnlyList<Asset> assets, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        ArgumentNullException.ThrowIfNull(contacts);
        ArgumentNullException.ThrowIfNull(assets);
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"RFC 2350 profile: {organisation.Name}");
        text.AppendLine();
        text.AppendLine("1. Document Information");
        text.AppendLine(c, $"1.1 Date of Last Update: {at:yyyy-MM-dd}");
        text.AppendLine("1.2 Distribution List for Notifications: none");
        text.AppendLine();
        text.AppendLine("2. Contact Information");
        text.AppendLine(c, $"2.1 Name of the Team: {organisation.Name}");
        text.AppendLine(c, $"2.2 Address: country {organisation.Country ?? "unknown"}");
        text.AppendLine(c, $"2.3 Time Zone: {organisation.TimeZone}");
        Line(text, "2.4 Telephone Number", contacts.Select(x => x.Phone));
        text.AppendLine("2.5 Facsimile Number: none");
        text.AppendLine("2.6 Other Telecommunication: none");
        Line(text, "2.7 Electronic Mail Address", contacts.Where(x => x.HasRole(ContactRole.Emergency) || x.HasRole(ContactRole.SecurityAbuse)).Select(x => x.Email));
        text.AppendLine("2.8 Public Keys and Encryption Information:");
        foreach (var key in contacts.Where(x => x.OpenPgpFingerprint is not null))
        {
            text.AppendLine(c, $"    {key.Email}: OpenPGP {key.OpenPgpFingerprint}{(key.OpenPgpExpiresAt is { } e ? $", expires {e:yyyy-MM-dd}" : "")}");
        }

        text.AppendLine(c, $"2.9 Team Members: {string.Join("; ", contacts.Where(x => !x.IsRoleMailbox).Select(x => x.Name))}");
        text.AppendLine(c, $"2.10 Other Information: languages {string.Join(", ", organisation.Languages)}; vetting {organisation.Vetting.ToCode()}");
        text.AppendLine("2.11 Points of Customer Contact:");
        foreach (var contact in contacts)
        {
            text.AppendLine(c, $"    {string.Join("/", contact.Roles.Select(r => r.ToCode()))}: {contact.Name} <{contact.Email}>{(contact.WorkingHours is null ? "" : " hours " + contact.WorkingHours)}");
        }

        text.AppendLine();
        text.AppendLine("3. Charter");
        text.AppendLine(c, $"3.2 Constituency: {string.Join(", ", assets.Select(a => a.Kind.ToCode() + " " + a.Value).Distinct().Take(50))}");
        return text.ToString();
    }

    private static void Line(StringBuilder text, string label, IEnumerable<string?> values)
    {
        var list = values.Where(v => !string.IsNullOrEmpty(v)).Distinct().ToList();
        text.Append(label).Append(": ").AppendLine(list.Count == 0 ? "none" : string.Join(", ", list));
    }
}
