namespace DnsCert.Core.Constituency;

/// <summary>What an RFC 9116 security.txt says about reaching a team.</summary>
public sealed record SecurityTxtInfo(
    IReadOnlyList<string> Emails,
    IReadOnlyList<string> Phones,
    IReadOnlyList<string> Web,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Encryption,
    DateTimeOffset? Expires);

/// <summary>
/// Reads the fields of an RFC 9116 security.txt that give contacts: Contact (mailto:, tel:, https:, §2.5.3),
/// Preferred-Languages (§2.5.8), Encryption (§2.5.4), Expires (§2.5.5). An OpenPGP cleartext signature wrapper
/// (§2.3) is skipped; the signature itself is not checked here.
/// </summary>
public static class SecurityTxtContacts
{
    public static SecurityTxtInfo Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<string> emails = [], phones = [], web = [], languages = [], encryption = [];
        DateTimeOffset? expires = null;
        var inSignature = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.StartsWith("-----BEGIN PGP SIGNATURE", StringComparison.Ordinal))
            {
                inSignature = true;
            }
            else if (line.StartsWith("-----END PGP SIGNATURE", StringComparison.Ordinal))
            {
                inSignature = false;
                continue;
            }

            if (inSignature || line.Length == 0 || line.StartsWith('#') || line.StartsWith("-----", StringComparison.Ordinal)
                || line.StartsWith("Hash:", StringComparison.Ordinal))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            // §2.4: field names are case-insensitive.
            var field = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            switch (field)
            {
                case "contact" when value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase):
                    emails.Add(Uri.UnescapeDataString(value[7..].Split('?')[0]));
                    break;
                case "contact" when value.StartsWith("tel:", StringComparison.OrdinalIgnoreCase):
                    phones.Add(value[4..]);
                    break;
                case "contact":
                    web.Add(value);
                    break;
                case "preferred-languages":
                    languages.AddRange(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(l => l.Split('-')[0].ToLowerInvariant()));
                    break;
                case "encryption":
                    encryption.Add(value);
                    break;
                case "expires" when DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var at):
                    expires = at;
                    break;
                default:
                    break;
            }
        }

        return new SecurityTxtInfo(emails, phones, web, [.. languages.Distinct()], encryption, expires);
    }

    /// <summary>The contacts a security.txt gives, as role mailboxes for security/abuse; bad addresses raise field errors.</summary>
    public static IReadOnlyList<ContactInput> ToContacts(SecurityTxtInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var phone = info.Phones.Count > 0 ? DirectoryValidation.Phone(info.Phones[0], "contact") : null;
        var language = info.Languages.Count > 0 ? info.Languages[0] : null;
        return [.. info.Emails.Select(email => new ContactInput(
            "security.txt: " + DirectoryValidation.Email(email, "contact"), true, [ContactRole.SecurityAbuse],
            email, phone, language, null, null, null))];
    }
}
