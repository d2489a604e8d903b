using System.Net;
using System.Net.Sockets;

namespace DnsCert.Core.Constituency;

/// <summary>Why a message is sent: decides which contact of an organisation is used.</summary>
public enum RoutingPurpose
{
    Emergency,
    Abuse,
}

public enum PartyRole
{
    Registry,
    RegistryBackEndOperator,
    Registrar,
    DnsOperator,
    NetworkOwner,
}

/// <summary>A contact as routing needs it.</summary>
public sealed record RoutingContact(string Name, string Email, string? Language, IReadOnlyList<ContactRole> Roles);

/// <summary>An organisation as routing needs it: name, writing language, contacts, and (a registry's) back-end operator.</summary>
public sealed record RoutingOrganisation(Guid Id, string Name, OrganisationKind Kind, string Language, IReadOnlyList<RoutingContact> Contacts,
    Guid? BackEndOperatorId = null);

/// <summary>One link of the chain: who is responsible in which capacity, whom to write to, in which language.</summary>
public sealed record ResponsibleParty(PartyRole Role, Guid OrganisationId, string OrganisationName, string? ContactName, string? ContactEmail, string Language);

/// <summary>The answer for one name or address. <see cref="Chain"/> is empty when nothing in the directory is responsible.</summary>
public sealed record RouteResult(string Input, string? Tld, string? RegistrableDomain, IReadOnlyList<ResponsibleParty> Chain)
{
    public ResponsibleParty? Registry => Chain.FirstOrDefault(p => p.Role == PartyRole.Registry);

    public bool Routed => Chain.Count > 0;
}

/// <summary>The directory facts routing needs, loaded once (Infrastructure builds it from the effective asset owners).</summary>
public sealed record RoutingSnapshot(
    IReadOnlyDictionary<string, Guid> Zones,
    IReadOnlyDictionary<string, Guid> NameServers,
    IReadOnlyList<(IPNetwork Prefix, Guid OrganisationId)> Prefixes,
    IReadOnlyDictionary<Guid, RoutingOrganisation> Organisations);

/// <summary>
/// Responsible-party routing (issue 7): for a domain name, name-server name or IP address, the chain registry →
/// registrar (where the directory knows it) → DNS operator → network owner, each with the contact for a purpose and
/// the language to write in. Pure and thread-safe: no I/O, so a batch of 100,000 names is a loop over dictionaries.
/// </summary>
public sealed class ResponsiblePartyRouter
{
    private readonly PublicSuffixList _suffixes;
    private readonly RoutingSnapshot _snapshot;
    private readonly (IPNetwork Prefix, Guid OrganisationId)[] _prefixesLongestFirst;

    public ResponsiblePartyRouter(PublicSuffixList suffixes, RoutingSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(suffixes);
        ArgumentNullException.ThrowIfNull(snapshot);
        _suffixes = suffixes;
        _snapshot = snapshot;
        _prefixesLongestFirst = [.. snapshot.Prefixes.OrderByDescending(p => p.Prefix.PrefixLength)];
    }

    public RouteResult Route(string input, RoutingPurpose purpose = RoutingPurpose.Emergency)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = input.Trim();
        if (IPAddress.TryParse(text, out var address) && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            var chain = new List<ResponsibleParty>();
            AddNetworkOwner(chain, address, purpose);
            return new RouteResult(text, null, null, chain);
        }

        var name = text.TrimEnd('.').ToLowerInvariant();
        if (name.Length == 0 || name.StartsWith('.') || name.Contains("..", StringComparison.Ordinal))
        {
            return new RouteResult(text, null, null, []);
        }

        var parties = new List<ResponsibleParty>(2);
        var lastDot = name.LastIndexOf('.');
        var tld = lastDot < 0 ? name : name[(lastDot + 1)..];
        var registrable = _suffixes.RegistrableDomain(name);

        // The registry: the most specific public suffix (or parent of it) the directory holds as a zone asset — a
        // second-level registry such as co.uk's operator before the TLD's.
        var suffix = registrable is null ? name : registrable[(registrable.IndexOf('.', StringComparison.Ordinal) + 1)..];
        for (var candidate = suffix; candidate is not null; candidate = Parent(candidate))
        {
            if (_snapshot.Zones.TryGetValue(candidate, out var registryId))
            {
                Add(parties, PartyRole.Registry, registryId, purpose);
                // The registry's back-end operator (set on the organisation page) runs its name servers and often
                // answers first at night: it follows the registry in the chain.
                if (_snapshot.Organisations.TryGetValue(registryId, out var registry) && registry.BackEndOperatorId is { } backEnd && backEnd != registryId)
                {
                    Add(parties, PartyRole.RegistryBackEndOperator, backEnd, purpose);
                }

                break;
            }
        }

        // Where the directory holds the registered domain itself, its owner is a registrar (if it is one) or the
        // operator of that zone.
        if (registrable is not null && _snapshot.Zones.TryGetValue(registrable, out var holderId)
            && _snapshot.Organisations.TryGetValue(holderId, out var holder))
        {
            Add(parties, holder.Kind == OrganisationKind.Registrar ? PartyRole.Registrar : PartyRole.DnsOperator, holderId, purpose);
        }

        // A name server: its operator, from the name-server assets.
        if (_snapshot.NameServers.TryGetValue(name, out var operatorId) && parties.All(p => p.OrganisationId != operatorId || p.Role != PartyRole.DnsOperator))
        {
            Add(parties, PartyRole.DnsOperator, operatorId, purpose);
        }

        return new RouteResult(text, tld, registrable, parties);
    }

    /// <summary>The contact to use for a purpose: the first contact holding the most fitting role.</summary>
    public static RoutingContact? ContactFor(RoutingOrganisation organisation, RoutingPurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        ContactRole[] order = purpose == RoutingPurpose.Abuse
            ? [ContactRole.SecurityAbuse, ContactRole.Emergency, ContactRole.Technical, ContactRole.Management]
            : [ContactRole.Emergency, ContactRole.SecurityAbuse, ContactRole.Technical, ContactRole.Management];
        foreach (var role in order)
        {
            foreach (var contact in organisation.Contacts)
            {
                if (contact.Roles.Contains(role))
                {
                    return contact;
                }
            }
        }

        return null;
    }

    private void AddNetworkOwner(List<ResponsibleParty> chain, IPAddress address, RoutingPurpose purpose)
    {
        foreach (var (prefix, organisationId) in _prefixesLongestFirst)
        {
            if (prefix.Contains(address))
            {
                Add(chain, PartyRole.NetworkOwner, organisationId, purpose);
                return;
            }
        }
    }

    private void Add(List<ResponsibleParty> chain, PartyRole role, Guid organisationId, RoutingPurpose purpose)
    {
        if (!_snapshot.Organisations.TryGetValue(organisationId, out var organisation))
        {
            return;
        }

        var contact = ContactFor(organisation, purpose);
        chain.Add(new ResponsibleParty(role, organisation.Id, organisation.Name, contact?.Name, contact?.Email,
            contact?.Language ?? organisation.Language));
    }

    private static string? Parent(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? null : name[(dot + 1)..];
    }
}

/// <summary>The <c>--summary</c> view of a batch: one line per registry organisation, plus the unroutable names.</summary>
public sealed record RoutingSummary(IReadOnlyList<RoutingSummaryLine> Lines, int Unroutable, IReadOnlyList<string> UnroutableTlds)
{
    public static RoutingSummary Of(IEnumerable<RouteResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var byOrganisation = new Dictionary<Guid, (ResponsibleParty Party, int Count, SortedSet<string> Tlds)>();
        var unroutable = 0;
        var unroutableTlds = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            if (result.Registry is not { } registry)
            {
                unroutable++;
                if (result.Tld is not null)
                {
                    unroutableTlds.Add(result.Tld);
                }

                continue;
            }

            if (!byOrganisation.TryGetValue(registry.OrganisationId, out var entry))
            {
                entry = (registry, 0, new SortedSet<string>(StringComparer.Ordinal));
            }

            entry.Tlds.Add(result.Tld!);
            byOrganisation[registry.OrganisationId] = (entry.Party, entry.Count + 1, entry.Tlds);
        }

        return new RoutingSummary(
            [.. byOrganisation.Values
                .Select(e => new RoutingSummaryLine(e.Party.OrganisationId, e.Party.OrganisationName, [.. e.Tlds], e.Count, e.Party.ContactEmail, e.Party.Language))
                .OrderByDescending(l => l.Count).ThenBy(l => l.OrganisationName, StringComparer.Ordinal)],
            unroutable,
            [.. unroutableTlds]);
    }
}

public sealed record RoutingSummaryLine(Guid OrganisationId, string OrganisationName, IReadOnlyList<string> Tlds, int Count, string? ContactEmail, string Language);
