using DnsCert.Core;
using DnsCert.Core.Constituency;
using DnsCert.Lab.Definition;

namespace DnsCert.Cli.Commands;

/// <summary>The lab's fictional TLD operators and contacts as a directory import (operators sharing a name merge).</summary>
internal static class LabDirectory
{
    public static IReadOnlyList<ImportOrganisation> ToImport(LabDefinition lab, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(lab);
        return [.. lab.Tlds.GroupBy(t => t.Operator.Name, StringComparer.Ordinal).Select(g =>
        {
            var op = g.First().Operator;
            var contacts = op.Contacts.Select(c => new ImportContact($"lab:{op.Name}:{c.Email.ToLowerInvariant()}", new ContactInput(
                c.Name, c.Role == "noc", Roles(c.Role), DirectoryValidation.Email(c.Email), Phone(c.Phone, op.Name, warnings),
                DirectoryValidation.Language(op.Language), null, null, null))).ToList();
            return new ImportOrganisation("lab:" + op.Name, op.Name, g.Count() > 1 || g.First().Name.Length > 2 ? OrganisationKind.GTldRegistry : OrganisationKind.CcTldRegistry,
                DirectoryValidation.Country(op.Country), [DirectoryValidation.Language(op.Language)], DirectoryValidation.TimeZone(op.TimeZone),
                contacts, [.. g.Select(t => new ImportAsset(AssetKind.Zone, t.Name.ToLowerInvariant(), []))]);
        })];
    }

    /// <summary>
    /// A lab registry's NOC is its 24x7 contact and also its abuse desk, so requests sent to a registry's abuse contact
    /// (campaign coordination requests, issue 11) reach every lab registry.
    /// </summary>
    private static ContactRole[] Roles(string role) => role == "noc" ? [ContactRole.Emergency, ContactRole.SecurityAbuse] : [Role(role)];

    /// <summary>The lab's roles: its NOC is the 24x7 contact, its administrative contact is management.</summary>
    private static ContactRole Role(string role) => role switch
    {
        "noc" => ContactRole.Emergency,
        "administrative" => ContactRole.Management,
        "abuse" or "security" => ContactRole.SecurityAbuse,
        _ => ContactRole.Technical,
    };

    /// <summary>The lab's numbers are fictional (+000 …, not E.164): kept out rather than stored invalid.</summary>
    private static string? Phone(string phone, string organisation, List<string> warnings)
    {
        try
        {
            return DirectoryValidation.Phone(phone);
        }
        catch (ValidationException)
        {
            warnings.Add($"{organisation}: phone '{phone}' is not E.164; left empty");
            return null;
        }
    }
}
