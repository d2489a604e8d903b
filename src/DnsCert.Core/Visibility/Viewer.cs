namespace DnsCert.Core.Visibility;

/// <summary>Who is looking: a signed-in person (roles, organisation) or the public.</summary>
public sealed record Viewer(Guid? UserId, IReadOnlySet<string> Roles, Guid? OrganisationId)
{
    /// <summary>Anyone on the Internet, not signed in.</summary>
    public static Viewer Public { get; } = new(null, new HashSet<string>(), null);

    public static Viewer Person(Guid userId, Guid? organisationId, params string[] roles) =>
        new(userId, roles.ToHashSet(StringComparer.Ordinal), organisationId);

    public bool IsSignedIn => UserId is not null;

    public bool HasRole(string role) => Roles.Contains(role);

    /// <summary>Core team roles: the DNS-CERT itself, the organisation every report is shared with.</summary>
    public bool IsCoreTeam => HasRole(Accounts.Roles.DutyOfficer) || HasRole(Accounts.Roles.IncidentHandler)
                              || HasRole(Accounts.Roles.Analyst) || HasRole(Accounts.Roles.Administrator);
}

/// <summary>What a record says about its audience. Every record a person can read carries these four facts.</summary>
public sealed record VisibilityTarget(
    Tlp Tlp,
    IReadOnlyCollection<Guid> RecipientOrganisations,
    IReadOnlyCollection<Guid> RecipientUsers,
    Guid? CreatedBy);
