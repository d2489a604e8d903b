using DnsCert.Core.Constituency;
using DnsCert.TestSupport;

namespace DnsCert.Core.Tests.Constituency;

public class ImportSourceTests
{
    private static IReadOnlyList<TldListing> Tlds()
    {
        using var reader = new StreamReader(Path.Combine(RepoPaths.SharedData, "tlds", "tlds.tsv"));
        return TldList.Read(reader);
    }

    [Fact]
    public void Root_zone_2017_gives_one_organisation_per_tld_with_its_name_servers_and_glue()
    {
        var delegations = RootZoneDelegations.ReadFile(Path.Combine(RepoPaths.SharedData, "root-zone", "root-2017-08-21-signed.zone.gz"));
        var organisations = DirectoryImportSources.FromRootZone(delegations, Tlds());

        organisations.Count.ShouldBe(delegations.Count);
        organisations.Count.ShouldBeGreaterThan(1500);
        organisations.Select(o => o.Key).Distinct().Count().ShouldBe(organisations.Count);
        var com = organisations.Single(o => o.Key == "tld:com");
        com.Name.ShouldBe("Commercial organizations (.com)");
        com.Kind.ShouldBe(OrganisationKind.GTldRegistry);
        com.Assets.Where(a => a.Kind == AssetKind.NameServer).Select(a => a.Value).ShouldContain("a.gtld-servers.net");
        com.Assets.Single(a => a.Value == "a.gtld-servers.net").Addresses.ShouldContain("192.5.6.30");
        organisations.Single(o => o.Key == "tld:ml").Kind.ShouldBe(OrganisationKind.CcTldRegistry);
    }

    [Fact]
    public void Tlds_of_one_manager_merge_into_one_organisation()
    {
        var listings = Tlds();
        var organisations = DirectoryImportSources.FromTldList(listings);
        var binky = organisations.Single(o => o.Name == "Binky Moon, LLC");
        binky.Key.ShouldBe("manager:Binky Moon, LLC");
        binky.Assets.Count.ShouldBe(listings.Count(l => l.Manager == "Binky Moon, LLC"));
        binky.Assets.Count.ShouldBeGreaterThan(100);
        organisations.Single(o => o.Key == "tld:com").Name.ShouldBe("Commercial organizations (.com)");
        organisations.ShouldNotContain(o => o.Name == "Retired");
        listings.ShouldContain(l => l.AsciiTld.StartsWith("xn--", StringComparison.Ordinal));
    }

    [Fact]
    public void Security_txt_contacts_are_read()
    {
        var info = SecurityTxtContacts.Parse(
            """
            -----BEGIN PGP SIGNED MESSAGE-----
            Hash: SHA256

            # Our team
            Contact: mailto:security@example.org
            contact: tel:+41-22-555-0100
            Contact: https://example.org/report
            Expires: 2027-01-01T00:00:00.000Z
            Encryption: https://example.org/key.asc
            Preferred-Languages: fr, en
            -----BEGIN PGP SIGNATURE-----
            Contact: mailto:not-this@example.org
            -----END PGP SIGNATURE-----
            """);
        info.Emails.ShouldBe(["security@example.org"]);
        info.Languages.ShouldBe(["fr", "en"]);
        info.Expires.ShouldBe(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var contact = SecurityTxtContacts.ToContacts(info).Single();
        contact.Phone.ShouldBe("+41225550100");
        contact.Roles.ShouldBe([ContactRole.SecurityAbuse]);
        contact.Language.ShouldBe("fr");
    }

    [Fact]
    public void Csv_round_trips_and_bad_lines_name_line_and_field()
    {
        var csv = string.Join('\n', Csv.Line(DirectoryCsv.Header),
            "\"Registre, Test\",cctld-registry,africa,ML,fr;en,Africa/Bamako,organisation,,,,,",
            "\"Registre, Test\",,,,,,contact,emergency;technical,NOC,noc@example.org,+223 20 22 00 00,fr",
            "\"Registre, Test\",,,,,,asset,zone,ML.,,,");
        var organisation = DirectoryCsv.Read(new StringReader(csv)).Single();
        organisation.Name.ShouldBe("Registre, Test");
        organisation.TimeZone.ShouldBe("Africa/Bamako");
        organisation.Contacts.Single().Contact.Roles.ShouldBe([ContactRole.Emergency, ContactRole.Technical]);
        organisation.Assets.Single().Value.ShouldBe("ml");

        var bad = csv + "\n\"Registre, Test\",,,,,,contact,emergency,Bob,bob-at-example.org,,";
        var e = Should.Throw<ValidationException>(() => DirectoryCsv.Read(new StringReader(bad)));
        e.Field.ShouldBe("line 5: email");
    }
}
