using DnsCert.Core.Constituency;

namespace DnsCert.Core.Campaigns;

/// <summary>The registry a slice goes to, as routing found it.</summary>
public sealed record RegistryParty(Guid OrganisationId, string Name, string Language, string? ContactEmail);

/// <summary>
/// One accepted campaign name: the registrable domain (stored spelling), its TLD, and the registry asked to act —
/// null when no organisation in the directory runs the TLD (listed as unroutable, nobody is asked).
/// </summary>
public readonly record struct RoutedName(string Name, string Tld, Guid? RegistryId);

/// <summary>
/// Routes normalised campaign names through the directory's <see cref="ResponsiblePartyRouter"/>. A name whose TLD
/// neither the Public Suffix List nor the directory knows is under no TLD at all: that is bad input, not unroutable.
/// </summary>
public sealed class CampaignRouting(PublicSuffixList suffixes, RoutingSnapshot snapshot)
{
    private readonly ResponsiblePartyRouter _router = new(suffixes, snapshot);
    private readonly Dictionary<Guid, RegistryParty> _registries = [];

    /// <summary>Every registry that received at least one name so far.</summary>
    public IReadOnlyDictionary<Guid, RegistryParty> Registries => _registries;

    /// <summary>Routes a name from <see cref="CampaignNames.Normalise"/>; returns the reason when it is refused.</summary>
    public (RoutedName Name, string? Error) Route(string normalised)
    {
        ArgumentNullException.ThrowIfNull(normalised);
        var bare = normalised.TrimEnd('.');
        var tld = bare[(bare.LastIndexOf('.') + 1)..];
        if (!suffixes.Lists(tld) && !snapshot.Zones.ContainsKey(tld))
        {
            return (default, $"'.{tld}' is not a top-level domain");
        }

        // Registries act on registered names: a host under one (www.example.com) stands for its registrable domain.
        var registrable = suffixes.RegistrableDomain(bare);
        if (registrable is null)
        {
            // A suffix the list names by a rule of its own (co.uk) is a registry's zone, not a name in it. Under a
            // wildcard TLD (*.fk, *.er) every second-level name is a suffix only by that wildcard: the registry can
            // still block it, as Conficker.C's names under such TLDs needed.
            if (suffixes.Lists(bare))
            {
                return (default, "is a public suffix, not a name a registry can act on");
            }

            registrable = bare;
        }

        var registry = _router.Route(registrable, RoutingPurpose.Abuse).Registry;
        if (registry is not null && !_registries.ContainsKey(registry.OrganisationId))
        {
            _registries[registry.OrganisationId] = new RegistryParty(registry.OrganisationId, registry.OrganisationName, registry.Language, registry.ContactEmail);
        }

        return (new RoutedName(registrable + ".", tld, registry?.OrganisationId), null);
    }
}
