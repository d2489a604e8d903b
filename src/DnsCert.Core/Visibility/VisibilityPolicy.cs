using DnsCert.Core.Accounts;

namespace DnsCert.Core.Visibility;

/// <summary>
/// What one viewer may see, as three grants. A record is visible when any grant covers it:
/// <list type="number">
/// <item>its TLP is at or below <see cref="Anyone"/> (whatever its recipients);</item>
/// <item>its TLP is at or below <see cref="OwnOrganisation"/> and the viewer's organisation is a recipient;</item>
/// <item>the viewer is a named recipient or created it (any TLP, RED included).</item>
/// </list>
/// The same filter is evaluated in memory (<see cref="Allows"/>) and rendered to SQL in exactly one place
/// (DnsCert.Infrastructure's <c>VisibilitySql</c>); tests prove the two agree.
/// </summary>
public sealed record VisibilityFilter(Tlp? Anyone, Guid? OrganisationId, Tlp? OwnOrganisation, Guid? UserId)
{
    public bool Allows(VisibilityTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Anyone is { } anyone && target.Tlp <= anyone)
        {
            return true;
        }

        if (OrganisationId is { } org && OwnOrganisation is { } own && target.Tlp <= own
            && target.RecipientOrganisations.Contains(org))
        {
            return true;
        }

        return UserId is { } user && (target.RecipientUsers.Contains(user) || target.CreatedBy == user);
    }
}

/// <summary>
/// The one visibility predicate of DnsCert (DESIGN §4): role × organisation × TLP 2.0 label × explicit recipients.
/// Every read path — pages, API, exports, notifications, search — asks it; nothing else decides who sees a record.
/// </summary>
/// <remarks>
/// The rules, from TLP 2.0 read for a coordination center that is itself the organisation reports are shared with:
/// <list type="bullet">
/// <item>The public sees TLP:CLEAR.</item>
/// <item>Every signed-in person is part of the community: TLP:GREEN.</item>
/// <item>The core team (duty officer, incident handler, analyst, administrator) is the receiving organisation:
/// AMBER and AMBER+STRICT, whatever the recipients.</item>
/// <item>Constituents, partners and augmenters see AMBER and AMBER+STRICT only where their organisation is a recipient.
/// Augmenters are extended-team members at other institutions: their rights are scoped, not the core team's.</item>
/// <item>TLP:RED reaches only named individuals (and whoever created the record), whatever their role — an
/// administrator included.</item>
/// </list>
/// </remarks>
public static class VisibilityPolicy
{
    public static VisibilityFilter For(Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        if (!viewer.IsSignedIn)
        {
            return new VisibilityFilter(Tlp.Clear, null, null, null);
        }

        var anyone = viewer.IsCoreTeam ? Tlp.AmberStrict : Tlp.Green;
        var scoped = viewer.HasRole(Roles.Constituent) || viewer.HasRole(Roles.Partner) || viewer.HasRole(Roles.Augmenter);
        return new VisibilityFilter(
            anyone,
            viewer.OrganisationId,
            scoped && viewer.OrganisationId is not null ? Tlp.AmberStrict : null,
            viewer.UserId);
    }

    public static bool CanSee(Viewer viewer, VisibilityTarget target) => For(viewer).Allows(target);
}
