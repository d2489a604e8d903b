using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DnsCert.Web.Api;

/// <summary>
/// <c>/api/v1/organisations</c>, contacts, asset claims and <c>/api/v1/route</c>. Reads go through the visibility
/// predicate (the repository takes the viewer); bad input is a 400 ProblemDetails naming the field; nothing is half-written.
/// </summary>
public static class DirectoryApi
{
    public sealed record ContactRequest(string Name, bool IsRoleMailbox, IReadOnlyList<string> Roles, string Email, string? Phone,
        string? Language, string? OpenPgpKey, string? WorkingHours, DateOnly? LastVerified);

    public sealed record OrganisationRequest(string Name, string Kind, string? Region, string? Country, IReadOnlyList<string>? Languages,
        string? TimeZone, bool ResourceConstrained);

    public sealed record ClaimRequest(string Kind, string Value);

    public sealed record SaveResult(Guid? Id, Guid? PendingChangeId);

    /// <summary>The registry's back-end operator; null removes it.</summary>
    public sealed record BackEndOperatorRequest(Guid? BackEndOperatorId);

    public sealed record AccreditationRequest(Guid RegistrarId);

    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").WithTags("Directory");
        group.MapGet("/organisations", async (HttpContext http, IDirectoryRepository directory, string? q, string? kind, string? region,
                string? language, string? vetting, int? limit, int? offset, CancellationToken ct) =>
            {
                return await GuardAsync(async () => TypedResults.Ok(await directory.SearchAsync(Viewers.From(http.User), new DirectorySearch(q,
                    kind is null ? null : Codes.Parse<OrganisationKind>(kind, "kind"),
                    region is null ? null : Codes.Parse<IcannRegion>(region, "region"), language,
                    vetting is null ? null : Codes.Parse<VettingLevel>(vetting, "vetting"), limit ?? 100, offset ?? 0), ct)));
            })
            .RequireAuthorization(ApiScopes.Read).WithName("SearchOrganisations").WithSummary("Search the directory (text, kind, region, language, vetting).");

        group.MapGet("/organisations/{id:guid}", async Task<Results<Ok<OrganisationDetails>, NotFound>> (HttpContext http, IDirectoryRepository directory, Guid id, CancellationToken ct) =>
                await directory.GetAsync(Viewers.From(http.User), id, ct) is { } details ? TypedResults.Ok(details) : TypedResults.NotFound())
            .RequireAuthorization(ApiScopes.Read).WithName("GetOrganisation").WithSummary("An organisation with the contacts and assets the caller may see.");

        group.MapGet("/organisations/{id:guid}/rfc2350", async Task<Results<ContentHttpResult, NotFound>> (HttpContext http, IDirectoryRepository directory, TimeProvider time, Guid id, CancellationToken ct) =>
                await directory.GetAsync(Viewers.From(http.User), id, ct) is { } d
                    ? TypedResults.Text(Rfc2350Profile.Render(d.Organisation, d.Contacts, d.Assets, time.GetUtcNow()), "text/plain; charset=utf-8")
                    : TypedResults.NotFound())
            .RequireAuthorization(ApiScopes.Read).WithName("GetRfc2350Profile").WithSummary("The organisation's RFC 2350 profile as text.");

        group.MapPost("/organisations", async (HttpContext http, DirectoryService service, OrganisationRequest request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    var id = await service.CreateOrganisationAsync(Viewers.From(http.User), ToInput(request), Viewers.Actor(http), ct);
                    return TypedResults.Created($"/api/v1/organisations/{id}", new SaveResult(id, null));
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("CreateOrganisation").WithSummary("Create an organisation (staff).");

        group.MapPost("/organisations/{id:guid}/contacts", async (HttpContext http, DirectoryService service, Guid id, ContactRequest request, CancellationToken ct) =>
                await SaveContactAsync(http, service, id, null, request, ct))
            .RequireAuthorization(ApiScopes.Write).WithName("AddContact")
            .WithSummary("Add a contact. 201 when saved; 202 when a constituent's 24x7 change waits for staff approval.");

        group.MapPut("/organisations/{id:guid}/contacts/{contactId:guid}", async (HttpContext http, DirectoryService service, Guid id, Guid contactId, ContactRequest request, CancellationToken ct) =>
                await SaveContactAsync(http, service, id, contactId, request, ct))
            .RequireAuthorization(ApiScopes.Write).WithName("UpdateContact").WithSummary("Change a contact (same rules as adding).");

        group.MapPost("/organisations/{id:guid}/asset-claims", async (HttpContext http, DirectoryService service, Guid id, ClaimRequest request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    var claim = await service.ClaimAssetAsync(Viewers.From(http.User), id, Codes.Parse<AssetKind>(request.Kind, "kind"), request.Value, Viewers.Actor(http), ct);
                    return TypedResults.Created($"/api/v1/organisations/{id}", new SaveResult(claim, null));
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("ClaimAsset").WithSummary("Claim an asset for the organisation; staff approve it.");

        group.MapPut("/organisations/{id:guid}/back-end-operator", async (HttpContext http, DirectoryService service, Guid id, BackEndOperatorRequest request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    await service.SetBackEndOperatorAsync(Viewers.From(http.User), id, request.BackEndOperatorId, Viewers.Actor(http), ct);
                    return TypedResults.NoContent();
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("SetBackEndOperator")
            .WithSummary("Set (or with null remove) a registry's back-end operator (staff). Routing names it after the registry.");

        group.MapPost("/organisations/{id:guid}/accredited-registrars", async (HttpContext http, DirectoryService service, Guid id, AccreditationRequest request, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    await service.AddAccreditationAsync(Viewers.From(http.User), id, request.RegistrarId, Viewers.Actor(http), ct);
                    return TypedResults.NoContent();
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("AddAccreditedRegistrar").WithSummary("Record that a registry accredits a registrar (staff).");

        group.MapDelete("/organisations/{id:guid}/accredited-registrars/{registrarId:guid}", async (HttpContext http, DirectoryService service, Guid id, Guid registrarId, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    await service.RemoveAccreditationAsync(Viewers.From(http.User), id, registrarId, Viewers.Actor(http), ct);
                    return TypedResults.NoContent();
                }))
            .RequireAuthorization(ApiScopes.Write).WithName("RemoveAccreditedRegistrar").WithSummary("End a registry's accreditation of a registrar (staff).");

        group.MapGet("/route", async (HttpContext http, IDirectoryRepository directory, PublicSuffixListHolder psl, string name, string? purpose, CancellationToken ct) =>
                await GuardAsync(async () =>
                {
                    var router = new ResponsiblePartyRouter(psl.List, await directory.LoadRoutingSnapshotAsync(Viewers.From(http.User), ct));
                    return TypedResults.Ok(router.Route(name, purpose is null ? RoutingPurpose.Emergency : Codes.Parse<RoutingPurpose>(purpose, "purpose")));
                }))
            .RequireAuthorization(ApiScopes.Read).WithName("Route")
            .WithSummary("Responsible parties for a domain name, name server or IP address, with the contact for the purpose and the language.");
        return endpoints;
    }

    private static async Task<IResult> SaveContactAsync(HttpContext http, DirectoryService service, Guid organisationId, Guid? contactId, ContactRequest request, CancellationToken ct) =>
        await GuardAsync(async () =>
        {
            var input = new ContactInput(request.Name, request.IsRoleMailbox, [.. (request.Roles ?? []).Select(r => Codes.Parse<ContactRole>(r, "roles"))],
                request.Email, request.Phone, request.Language, request.OpenPgpKey, request.WorkingHours, request.LastVerified);
            var outcome = await service.SaveContactAsync(Viewers.From(http.User), organisationId, contactId, input, Viewers.Actor(http), ct);
            return outcome.Pending
                ? TypedResults.Accepted($"/api/v1/organisations/{organisationId}", new SaveResult(contactId, outcome.PendingChangeId))
                : TypedResults.Created($"/api/v1/organisations/{organisationId}", new SaveResult(outcome.ContactId, null));
        });

    private static OrganisationInput ToInput(OrganisationRequest r) => new(r.Name, Codes.Parse<OrganisationKind>(r.Kind, "kind"),
        r.Region is null ? IcannRegion.Unknown : Codes.Parse<IcannRegion>(r.Region, "region"), r.Country, r.Languages ?? [], r.TimeZone ?? "UTC", r.ResourceConstrained);

    /// <summary>Typed failures become RFC 9457 problems: 400 naming the field, 403 for a forbidden change.</summary>
    private static async Task<IResult> GuardAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (ValidationException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Reason] }, detail: $"{e.Field}: {e.Reason}");
        }
        catch (UnauthorizedAccessException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden);
        }
    }
}

/// <summary>The public suffix list, loaded once from Debian's publicsuffix package.</summary>
public sealed class PublicSuffixListHolder
{
    private readonly Lazy<PublicSuffixList> _list = new(() => PublicSuffixList.Load());

    public PublicSuffixList List => _list.Value;
}
