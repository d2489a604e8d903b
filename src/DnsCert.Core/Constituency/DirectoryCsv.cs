namespace DnsCert.Core.Constituency;

/// <summary>
/// The directory's CSV exchange format, one line per fact, grouped by organisation name:
/// <c>organisation,kind,region,country,languages,time_zone,item,item_kind,value,email,phone,language</c>.
/// <c>item</c> is <c>organisation</c> (the line that carries the organisation's fields), <c>contact</c> (item_kind:
/// roles separated by <c>;</c>, value: the contact's name) or <c>asset</c> (item_kind: asset kind, value: the asset).
/// Export writes it, import reads it; every field is validated before anything is written.
/// </summary>
public static class DirectoryCsv
{
    public static readonly string[] Header =
        ["organisation", "kind", "region", "country", "languages", "time_zone", "item", "item_kind", "value", "email", "phone", "language"];

    public static IReadOnlyList<ImportOrganisation> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var groups = new Dictionary<string, (List<string> Fields, List<ImportContact> Contacts, List<ImportAsset> Assets)>(StringComparer.Ordinal);
        var order = new List<string>();
        var line = 0;
        foreach (var row in Csv.Read(reader))
        {
            line++;
            if (line == 1 && row.Count > 0 && row[0] == Header[0])
            {
                continue;
            }

            if (row.Count == 1 && row[0].Length == 0)
            {
                continue;
            }

            if (row.Count != Header.Length)
            {
                throw new ValidationException($"line {line}", $"expected {Header.Length} fields ({string.Join(",", Header)}), found {row.Count}");
            }

            string At(string field) => $"line {line}: {field}";
            var name = DirectoryValidation.Name(row[0], At("organisation"));
            if (!groups.TryGetValue(name, out var group))
            {
                groups[name] = group = ([], [], []);
                order.Add(name);
            }

            switch (row[6].Trim().ToLowerInvariant())
            {
                case "organisation":
                    Codes.Parse<OrganisationKind>(row[1].Length == 0 ? "other" : row[1], At("kind"));
                    Codes.Parse<IcannRegion>(row[2].Length == 0 ? "unknown" : row[2], At("region"));
                    DirectoryValidation.Country(row[3], At("country"));
                    DirectoryValidation.Languages(row[4].Split(';', ' '), At("languages"));
                    DirectoryValidation.TimeZone(row[5], At("time_zone"));
                    group.Fields.Clear();
                    group.Fields.AddRange(row);
                    break;
                case "contact":
                    var roles = row[7].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(r => Codes.Parse<ContactRole>(r, At("item_kind"))).ToList();
                    if (roles.Count == 0)
                    {
                        throw new ValidationException(At("item_kind"), "a contact needs at least one role");
                    }

                    var email = DirectoryValidation.Email(row[9], At("email"));
                    var contact = new ContactInput(DirectoryValidation.Name(row[8], At("value")), false, roles, email,
                        DirectoryValidation.Phone(row[10], At("phone")),
                        row[11].Length == 0 ? null : DirectoryValidation.Language(row[11], At("language")), null, null, null);
                    group.Contacts.Add(new ImportContact($"csv:{name}:{email.ToLowerInvariant()}", contact));
                    break;
                case "asset":
                    var kind = Codes.Parse<AssetKind>(row[7], At("item_kind"));
                    group.Assets.Add(new ImportAsset(kind, DirectoryValidation.AssetValue(kind, row[8], At("value")), []));
                    break;
                default:
                    throw new ValidationException(At("item"), $"'{row[6]}' is not organisation, contact or asset");
            }
        }

        return [.. order.Select(name =>
        {
            var (fields, contacts, assets) = groups[name];
            var has = fields.Count == Header.Length;
            return new ImportOrganisation("csv:" + name, name,
                has && fields[1].Length > 0 ? Codes.Parse<OrganisationKind>(fields[1], "kind") : OrganisationKind.Other,
                has ? DirectoryValidation.Country(fields[3]) : null,
                has ? DirectoryValidation.Languages(fields[4].Split(';', ' ')) : [],
                has && fields[5].Length > 0 ? DirectoryValidation.TimeZone(fields[5]) : null,
                contacts, assets,
                has && fields[2].Length > 0 ? Codes.Parse<IcannRegion>(fields[2], "region") : IcannRegion.Unknown);
        })];
    }

    public static void Write(TextWriter writer, IEnumerable<OrganisationDetails> organisations)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(organisations);
        WriteHeader(writer);
        foreach (var details in organisations)
        {
            WriteOrganisation(writer, details);
        }

        writer.Flush();
    }

    /// <summary>The header line; then <see cref="WriteOrganisation"/> per organisation, so an export streams.</summary>
    public static void WriteHeader(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Csv.Line(Header) + "\n");
    }

    public static void WriteOrganisation(TextWriter writer, OrganisationDetails details)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(details);
        var o = details.Organisation;
        string Line(string item, string itemKind, string value, string? email = null, string? phone = null, string? language = null) =>
            Csv.Line([o.Name, o.Kind.ToCode(), o.Region.ToCode(), o.Country, string.Join(';', o.Languages), o.TimeZone, item, itemKind, value, email, phone, language]);

        writer.Write(Line("organisation", "", "") + "\n");
        foreach (var c in details.Contacts)
        {
            writer.Write(Line("contact", string.Join(';', c.Roles.Select(r => r.ToCode())), c.Name, c.Email, c.Phone, c.Language) + "\n");
        }

        foreach (var a in details.Assets.DistinctBy(a => (a.Kind, a.Value)))
        {
            writer.Write(Line("asset", a.Kind.ToCode(), a.Value) + "\n");
        }
    }
}
