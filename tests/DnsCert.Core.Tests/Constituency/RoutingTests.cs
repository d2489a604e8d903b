using System.IO.Compression;
using System.Net;
using DnsCert.Core.Constituency;
using DnsCert.TestSupport;

namespace DnsCert.Core.Tests.Constituency;

public class RoutingTests
{
    private static readonly Lazy<PublicSuffixList> s_psl = new(() => PublicSuffixList.Load());

    private static readonly Guid s_registry = Guid.NewGuid();
    private static readonly Guid s_second = Guid.NewGuid();
    private static readonly Guid s_hoster = Guid.NewGuid();
    private static readonly Guid s_isp = Guid.NewGuid();

    private static ResponsiblePartyRouter Router() => new(s_psl.Value, new RoutingSnapshot(
        new Dictionary<string, Guid> { ["uk"] = s_registry, ["co.uk"] = s_second, ["shop.co.uk"] = s_hoster },
        new Dictionary<string, Guid> { ["ns1.hoster.example"] = s_hoster },
        [(IPNetwork.Parse("192.0.2.0/24"), s_isp), (IPNetwork.Parse("192.0.0.0/16"), s_registry)],
        new Dictionary<Guid, RoutingOrganisation>
        {
            [s_registry] = new(s_registry, "UK Registry", OrganisationKind.CcTldRegistry, "en",
                [new("Abuse desk", "abuse@registry.example", null, [ContactRole.SecurityAbuse]), new("NOC", "noc@registry.example", "en", [ContactRole.Emergency])]),
            [s_second] = new(s_second, "Second Level", OrganisationKind.CcTldRegistry, "fr", [new("Tech", "tech@second.example", null, [ContactRole.Technical])]),
            [s_hoster] = new(s_hoster, "Hoster", OrganisationKind.DnsOperator, "es", []),
            [s_isp] = new(s_isp, "ISP", OrganisationKind.Isp, "pt", [new("NOC", "noc@isp.example", "pt", [ContactRole.Emergency])]),
        }));

    [Fact]
    public void The_most_specific_registry_zone_wins_and_the_contact_fits_the_purpose()
    {
        var result = Router().Route("www.example.co.uk", RoutingPurpose.Abuse);
        result.Tld.ShouldBe("uk");
        result.RegistrableDomain.ShouldBe("example.co.uk");
        result.Registry!.OrganisationName.ShouldBe("Second Level");
        result.Registry.ContactEmail.ShouldBe("tech@second.example");
        result.Registry.Language.ShouldBe("fr");
    }

    [Fact]
    public void Purpose_picks_the_contact()
    {
        Router().Route("example.uk", RoutingPurpose.Abuse).Registry!.ContactEmail.ShouldBe("abuse@registry.example");
        Router().Route("example.uk", RoutingPurpose.Emergency).Registry!.ContactEmail.ShouldBe("noc@registry.example");
    }

    [Fact]
    public void Name_servers_and_held_domains_name_their_dns_operator()
    {
        Router().Route("ns1.hoster.example").Chain.ShouldContain(p => p.Role == PartyRole.DnsOperator && p.OrganisationName == "Hoster");
        Router().Route("www.shop.co.uk").Chain.Select(p => p.Role).ShouldBe([PartyRole.Registry, PartyRole.DnsOperator]);
    }

    [Fact]
    public void A_registrys_back_end_operator_follows_it_in_the_chain()
    {
        var registry = Guid.NewGuid();
        var backEnd = Guid.NewGuid();
        var router = new ResponsiblePartyRouter(s_psl.Value, new RoutingSnapshot(
            new Dictionary<string, Guid> { ["ml"] = registry }, new Dictionary<string, Guid>(), [],
            new Dictionary<Guid, RoutingOrganisation>
            {
                [registry] = new(registry, "Agence", OrganisationKind.CcTldRegistry, "fr", [], BackEndOperatorId: backEnd),
                [backEnd] = new(backEnd, "Back End", OrganisationKind.RegistryBackEndOperator, "en", [new("NOC", "noc@backend.example", null, [ContactRole.Emergency])]),
            }));

        var chain = router.Route("www.example.ml").Chain;

        chain.Select(p => (p.Role, p.OrganisationName)).ShouldBe([(PartyRole.Registry, "Agence"), (PartyRole.RegistryBackEndOperator, "Back End")]);
        chain[1].ContactEmail.ShouldBe("noc@backend.example");
        Router().Route("www.example.co.uk").Chain.ShouldNotContain(p => p.Role == PartyRole.RegistryBackEndOperator);
    }

    [Fact]
    public void Addresses_go_to_the_longest_prefix()
    {
        Router().Route("192.0.2.7").Chain.Single().OrganisationName.ShouldBe("ISP");
        Router().Route("192.0.9.9").Chain.Single().OrganisationName.ShouldBe("UK Registry");
        Router().Route("198.51.100.1").Routed.ShouldBeFalse();
    }

    [Fact]
    public void Unknown_tlds_are_unroutable_and_counted()
    {
        string[] names = ["a.example.uk", "b.uk", "x.invalid", "y.invalid", ""];
        var summary = RoutingSummary.Of(names.Select(n => Router().Route(n)));
        summary.Lines.Single().Count.ShouldBe(2);
        summary.Unroutable.ShouldBe(3);
        summary.UnroutableTlds.ShouldBe(["invalid"]);
    }

    /// <summary>
    /// The real Conficker-B names of 2020 against the real 2017 root zone (one organisation per TLD): every name is
    /// routed to its TLD's registry, with the per-TLD counts computed here independently from the last label.
    /// </summary>
    [Fact]
    public void Conficker_b_2020_routes_to_its_eight_registries()
    {
        var delegations = RootZoneDelegations.ReadFile(Path.Combine(RepoPaths.SharedData, "root-zone", "root-2017-08-21-signed.zone.gz"));
        var organisations = delegations.ToDictionary(d => d.Tld, _ => Guid.NewGuid());
        var router = new ResponsiblePartyRouter(s_psl.Value, new RoutingSnapshot(
            organisations,
            new Dictionary<string, Guid>(),
            [],
            organisations.ToDictionary(o => o.Value, o => new RoutingOrganisation(o.Value, "." + o.Key, OrganisationKind.GTldRegistry, "en", []))));
        var names = ReadLines(Path.Combine(RepoPaths.SharedData, "conficker", "conficker-b-2020.txt.gz"));
        names.Count.ShouldBe(91_500);

        var summary = RoutingSummary.Of(names.Select(n => router.Route(n)));

        var expected = names.GroupBy(n => n[(n.LastIndexOf('.') + 1)..]).ToDictionary(g => "." + g.Key, g => g.Count());
        expected.Count.ShouldBe(8);
        summary.Unroutable.ShouldBe(0);
        summary.Lines.ToDictionary(l => l.OrganisationName, l => l.Count).ShouldBe(expected, ignoreOrder: true);
    }

    internal static List<string> ReadLines(string gz)
    {
        using var stream = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
