using System.Security.Claims;
using DnsCert.Core.Accounts;
using DnsCert.Web.Identity;

namespace DnsCert.Web.Api;

/// <summary><c>GET /api/v1/me</c>: who the API takes the caller for — the check a new token or agent starts with.</summary>
public static class MeApi
{
    public sealed record Caller(string UserName, IReadOnlyList<string> Roles, string? OrganisationId, string AuthenticatedBy, IReadOnlyList<string> Scopes);

    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/me", (ClaimsPrincipal user) =>
            {
                var byToken = user.Identity?.AuthenticationType == ApiTokenAuthenticationHandler.SchemeName;
                return TypedResults.Ok(new Caller(
                    user.Identity!.Name!,
                    [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)],
                    user.FindFirstValue(DnsCertClaims.OrganisationId),
                    byToken ? "api-token" : "session",
                    byToken ? [.. user.FindAll(ApiTokenAuthenticationHandler.ScopeClaim).Select(c => c.Value)] : ApiScopes.All));
            })
            .RequireAuthorization(ApiScopes.Read)
            .WithTags("Accounts")
            .WithName("GetMe")
            .WithSummary("The caller: user, roles, organisation, and the scopes of the token used.");
        return endpoints;
    }
}
