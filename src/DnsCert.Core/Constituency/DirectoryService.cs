using DnsCert.Core.Visibility;

namespace DnsCert.Core.Constituency;

/// <summary>What became of a contact edit: applied at once, or held for staff approval (24x7 contacts).</summary>
public sealed record ContactEditOutcome(Guid? ContactId, Guid? PendingChangeId)
{
    public bool Pending => PendingChangeId is not null;
}

/// <summary>
/// The directory's write use cases: validate everything first, then decide who may do what, then write in one
/// transaction (the repository's) with its audit entry. Staff (the core team) edit directly; a constituent edits
/// its own organisation's contacts, and a change touching a 24x7 emergency contact waits for staff approval.
/// </summary>
public sealed class DirectoryService(IDirectoryRepository repository, IOpenPgpKeyReader keys)
{
    public static bool IsStaff(Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return viewer.IsCoreTeam;
    }

    public static bool MayEditContacts(Viewer viewer, Guid organisationId)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return IsStaff(viewer) || (viewer.HasRole(Accounts.Roles.Constituent) && viewer.OrganisationId == organisationId);
    }

    public async Task<Guid> CreateOrganisationAsync(Viewer viewer, OrganisationInput input, DirectoryActor actor, CancellationToken cancellationToken)
    {
        RequireStaff(viewer);
        return await repository.CreateOrganisationAsync(DirectoryValidation.Organisation(input), actor, cancellationToken);
    }

    public async Task UpdateOrganisationAsync(Viewer viewer, Guid organisationId, OrganisationInput input, DirectoryActor actor, CancellationToken cancellationToken)
    {
        RequireStaff(viewer);
        await repository.UpdateOrganisationAsync(organisationId, DirectoryValidation.Organisation(input), actor, cancellationToken);
    }

    /// <summary>
    /// Saves an organisation's facts and, when it differs from the stored one, its vetting — validated first, then
    /// written in one transaction, so a failure leaves neither part saved.
    /// </summary>
    public async Task SaveOrganisationAsync(Viewer viewer, Guid organisationId, OrganisationInput input, VettingLevel vetting, string? vouchedBy,
        DirectoryActor actor, CancellationToken cancellationToken)
    {
        RequireStaff(viewer);
        var valid = DirectoryValidation.Organisation(input);
        if (vetting != VettingLevel.Unvetted && string.IsNullOrWhiteSpace(vouchedBy))
        {
            throw new ValidationException("vouchedBy", "say who vouched for the organisation");
        }

        var current = (await repository.GetAsync(viewer, organisationId, cancellationToken))?.Organisation
            ?? throw new ValidationException("organisation", "no such organisation");
        var voucher = string.IsNullOrWhiteSpace(vouchedBy) ? null : vouchedBy.Trim();
        var change = vetting != current.Vetting || voucher != current.VouchedBy ? new VettingChange(vetting, voucher) : null;
        await repository.SaveOrganisationAsync(organisationId, valid, change, actor, cancellationToken);
    }

    public async Task<ContactEditOutcome> SaveContactAsync(Viewer viewer, Guid organisationId, Guid? contactId, ContactInput input,
        DirectoryActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var valid = DirectoryValidation.Contact(input, keys, out var key);
        if (!MayEditContacts(viewer, organisationId))
        {
            throw new UnauthorizedAccessException("only staff and the organisation's own constituents edit its contacts");
        }

        Contact? existing = null;
        if (contactId is { } id)
        {
            existing = await repository.GetContactAsync(viewer, id, cancellationToken);
            if (existing is null || existing.OrganisationId != organisationId)
            {
                throw new ValidationException("contact", "no such contact at this organisation");
            }
        }

        var touchesEmergency = valid.Roles.Contains(ContactRole.Emergency) || existing?.HasRole(ContactRole.Emergency) == true;
        if (touchesEmergency && !IsStaff(viewer))
        {
            return new ContactEditOutcome(contactId, await repository.RequestContactChangeAsync(organisationId, contactId, valid, actor, cancellationToken));
        }

        if (existing is null)
        {
            return new ContactEditOutcome(await repository.AddContactAsync(organisationId, valid, key, actor, cancellationToken), null);
        }

        await repository.UpdateContactAsync(existing.Id, valid, key, actor, cancellationToken);
        return new ContactEditOutcome(existing.Id, null);
    }

    public async Task DecideContactChangeAsync(Viewer viewer, Guid changeId, bool approve, DirectoryActor actor, CancellationToken cancellationToken)
    {
        RequireStaff(viewer);
        var change = await repository.GetPendingChangeAsync(changeId, cancellationToken)
            ?? throw new ValidationException("change", "no such pending change");
        OpenPgpKeyInfo? key = null;
        if (approve)
        {
            DirectoryValidation.Contact(change.Change, keys, out key);
        }

        await repository.DecideContactChangeAsync(changeId, approve, key, actor, cancellationToken);
    }

    public async Task<Guid> ClaimAssetAsync(Viewer viewer, Guid organisationId, AssetKind kind, string value, DirectoryActor actor, CancellationToken cancellationToken)
    {
        var normalised = DirectoryValidation.AssetValue(kind, value);
        if (!MayEditContacts(viewer, organisationId))
        {
            throw new UnauthorizedAccessException("only staff and the organisation's own constituents claim its assets");
        }

        return await repository.ClaimAssetAsync(organisationId, kind, normalised, actor, cancellationToken);
    }

    public async Task DecideClaimAsync(Viewer viewer, Guid claimId, bool approve, DirectoryActor actor, CancellationToken cancellationToken)
    {
        RequireStaff(viewer);
        await repository.DecideClaimAsync(claimId, approve, actor, cancellationToken);
    }

    public async Task<Guid> AddAssetAsync(Viewer viewer, Guid organisationId, AssetKind kind, string value, DirectoryActor actor, CancellationToken cancellationToken)
    {
        var normalised = DirectoryValidation.AssetValue(kind, value);
        RequireStaff(viewer);
        return await repository.AddAssetAsync(organisationId, kind, normalised, actor, cancellationToken);
    }

    public async Task SetVettingAsync(Viewer viewer, Guid organisationId, VettingLevel level, string? vouchedBy, DirectoryActor actor, CancellationToken cancellationToken)
    {
        RequireStaff(viewer);
        if (level != VettingLevel.Unvetted && string.IsNullOrWhiteSpace(vouchedBy))
        {
            throw new ValidationException("vouchedBy", "say who vouched for the organisation");
        }

        await repository.SetVettingAsync(organisationId, level, vouchedBy?.Trim(), actor, cancellationToken);
    }

    /// <summary>
    /// Sets (or with null, removes) the back-end operator of a registry. Relationships are facts like the others: the
    /// core team edits them, audited; routing names the back-end operator after the registry.
    /// </summary>
    public async Task SetBackEndOperatorAsync(Viewer viewer, Guid registryId, Guid? backEndOperatorId, DirectoryActor actor, CancellationToken cancellationToken)
    {
        RequireStaff(viewer);
        var registry = await RequireOrganisationAsync(viewer, registryId, "organisation", cancellationToken);
        if (!IsRegistry(registry.Kind))
        {
            throw new ValidationException("backEndOperator", "only a registry (ccTLD or gTLD) has a back-end operator");
        }

        if (backEndOperatorId is { } id)
        {
            if (id == registryId)
            {
                throw new ValidationException("backEndOperator", "an organisation is not its own back-end operator");
            }

            var backEnd = await RequireOrganisationAsync(viewer, id, "backEndOperator", cancellationToken);
            if (backEnd.Kind is not (OrganisationKind.RegistryBackEndOperator or OrganisationKind.DnsOperator) && !IsRegistry(backEnd.Kind))
            {
                throw new ValidationException("backEndOperator", "a back-end operator is a registry back-end operator, a DNS operator or a registry");
            }
        }

        await repository.SetBackEndOperatorAsync(registryId, backEndOperatorId, actor, cancellationToken);
    }

    /// <summary>Records that a registry accredits a registrar.</summary>
    public async Task AddAccreditationAsync(Viewer viewer, Guid registryId, Guid registrarId, DirectoryActor actor, CancellationToken cancellationToken)
    {
        RequireStaff(viewer);
        var registry = await RequireOrganisationAsync(viewer, registryId, "organisation", cancellationToken);
        if (!IsRegistry(registry.Kind))
        {
            throw new ValidationException("registrar", "only a registry (ccTLD or gTLD) accredits registrars");
        }

        var registrar = await RequireOrganisationAsync(viewer, registrarId, "registrar", cancellationToken);
        if (registrar.Kind != OrganisationKind.Registrar)
        {
            throw new ValidationException("registrar", $"{registrar.Name} is not a registrar");
        }

        await repository.AddAccreditationAsync(registryId, registrarId, actor, cancellationToken);
    }

    public async Task RemoveAccreditationAsync(Viewer viewer, Guid registryId, Guid registrarId, DirectoryActor actor, CancellationToken cancellationToken)
    {
        RequireStaff(viewer);
        await repository.RemoveAccreditationAsync(registryId, registrarId, actor, cancellationToken);
    }

    public static bool IsRegistry(OrganisationKind kind) => kind is OrganisationKind.CcTldRegistry or OrganisationKind.GTldRegistry;

    private async Task<Organisation> RequireOrganisationAsync(Viewer viewer, Guid id, string field, CancellationToken cancellationToken) =>
        (await repository.GetAsync(viewer, id, cancellationToken))?.Organisation ?? throw new ValidationException(field, "no such organisation");

    private static void RequireStaff(Viewer viewer)
    {
        if (!IsStaff(viewer))
        {
            throw new UnauthorizedAccessException("only the core team changes the directory");
        }
    }
}
