namespace DnsCert.Core.Constituency;

/// <summary>An organisation as an import source describes it. <see cref="Key"/> identifies it across re-imports.</summary>
public sealed record ImportOrganisation(
    string Key,
    string Name,
    OrganisationKind Kind,
    string? Country,
    IReadOnlyList<string> Languages,
    string? TimeZone,
    IReadOnlyList<ImportContact> Contacts,
    IReadOnlyList<ImportAsset> Assets,
    IcannRegion Region = IcannRegion.Unknown);

public sealed record ImportContact(string Key, ContactInput Contact);

public sealed record ImportAsset(AssetKind Kind, string Value, IReadOnlyList<string> Addresses);

/// <summary>What an import did. A re-import of the same data reports only <see cref="Unchanged"/>.</summary>
public sealed record ImportResult(int Created, int Updated, int Unchanged, int ContactsWritten, int AssetsWritten, int AssetsRemoved, IReadOnlyList<string> Warnings)
{
    public bool ChangedNothing => Created == 0 && Updated == 0 && ContactsWritten == 0 && AssetsWritten == 0 && AssetsRemoved == 0;
}

/// <summary>
/// Writes an import into the directory in one transaction: creates or updates organisations by key, leaves fields a
/// person changed (manual_fields) alone, writes only what differs, and — for a complete source — removes the assets
/// the source no longer lists.
/// </summary>
public interface IDirectoryImporter
{
    Task<ImportResult> ImportAsync(string source, IReadOnlyList<ImportOrganisation> organisations, bool complete, DirectoryActor actor,
        IProgress<int>? progress, CancellationToken cancellationToken);
}

/// <summary>Turns the shared data files into import batches.</summary>
public static class DirectoryImportSources
{
    /// <summary>
    /// One organisation per TLD of the root zone, with its zone and name servers (glue as addresses). Names come from
    /// tlds.tsv where present ("Andorra (Principality of) (.ad)").
    /// </summary>
    public static IReadOnlyList<ImportOrganisation> FromRootZone(IReadOnlyList<TldDelegation> delegations, IReadOnlyList<TldListing>? listings)
    {
        ArgumentNullException.ThrowIfNull(delegations);
        var labels = (listings ?? []).GroupBy(l => l.AsciiTld, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return [.. delegations.Select(d =>
        {
            labels.TryGetValue(d.Tld, out var listing);
            var assets = new List<ImportAsset> { new(AssetKind.Zone, d.Tld, []) };
            assets.AddRange(d.NameServers.Select(ns => new ImportAsset(AssetKind.NameServer, ns, d.Glue.TryGetValue(ns, out var glue) ? glue : [])));
            return new ImportOrganisation("tld:" + d.Tld, TldOrganisationName(d.Tld, listing), KindOf(d.Tld, listing), null, [], null, [], assets);
        })];
    }

    /// <summary>
    /// tlds.tsv: TLDs whose manager names the same organisation become one organisation (keyed by the manager);
    /// the others one organisation per TLD, the same key and name the root-zone import uses.
    /// </summary>
    public static IReadOnlyList<ImportOrganisation> FromTldList(IReadOnlyList<TldListing> listings)
    {
        ArgumentNullException.ThrowIfNull(listings);
        var keys = TldList.OrganisationKeys(listings);
        return [.. listings.Where(l => !l.NamesNoOperator)
            .GroupBy(l => keys[l.AsciiTld], StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                var name = g.Key.StartsWith("manager:", StringComparison.Ordinal) ? first.Manager : TldOrganisationName(first.AsciiTld, first);
                return new ImportOrganisation(g.Key, name, first.Kind, null, [], null, [],
                    [.. g.Select(l => new ImportAsset(AssetKind.Zone, l.AsciiTld, [])).DistinctBy(a => a.Value)]);
            })];
    }

    public static string TldOrganisationName(string tld, TldListing? listing) =>
        listing is null || listing.Manager.Length == 0 ? "." + tld : $"{listing.Manager} (.{tld})";

    private static OrganisationKind KindOf(string tld, TldListing? listing) =>
        listing?.Kind ?? (tld.Length == 2 ? OrganisationKind.CcTldRegistry : OrganisationKind.GTldRegistry);
}
