using System.Security.Claims;
using System.Text.Encodings.Web;
using DnsCert.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Identity;

/// <summary>
/// <c>Authorization: Bearer dnsc_…</c> on <c>/api</c> paths. The principal carries the owner's identity and roles (so
/// the visibility predicate treats the token as its owner) plus one <c>scope</c> claim per scope, which policies check.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiTokenStore tokens, UserManager<DnsCertUser> users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string ScopeClaim = "scope";
    public const string TokenIdClaim = "dnscert:token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        var owner = token is null ? null : await users.FindByIdAsync(token.OwnerId.ToString());
        if (token is null || owner is null)
        {
            // One answer for unknown, wrong, expired and revoked tokens: nothing to learn from probing.
            return AuthenticateResult.Fail("invalid, expired or revoked API token");
        }

        var identity = new ClaimsIdentity(SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, owner.Id.ToString()));
        identity.AddClaim(new Claim(ClaimTypes.Name, owner.UserName));
        identity.AddClaim(new Claim(TokenIdClaim, token.Id.ToString()));
        identity.AddClaims(owner.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        identity.AddClaims(token.Scopes.Select(s => new Claim(ScopeClaim, s)));
        if (owner.OrganisationId is { } org)
        {
            identity.AddClaim(new Claim(DnsCertClaims.OrganisationId, org.ToString()));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"DnsCert\"";
        return Task.CompletedTask;
    }
}

/// <summary>
/// Authorisation policies of the API: a scope for tokens; a signed-in browser session holds the people's scopes
/// (read, write). The machine scopes — an agent pushing probe results, the mail gateway handing in mail — feed every
/// organisation's monitoring and intake, so they need a token whose owner is an administrator, never a browser session.
/// </summary>
public static class ApiPolicies
{
    private static readonly string[] s_machineScopes = [Core.Accounts.ApiScopes.Agent, Core.Accounts.ApiScopes.MailIntake];

    public static void AddScopePolicies(this AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var scope in s_machineScopes)
        {
            options.AddPolicy(scope, policy => policy
                .AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiTokenAuthenticationHandler.ScopeClaim, scope)
                .RequireRole(Core.Accounts.Roles.Administrator));
        }

        foreach (var scope in Core.Accounts.ApiScopes.All.Except(s_machineScopes))
        {
            options.AddPolicy(scope, policy => policy
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, ApiTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireAssertion(context =>
                    context.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == IdentityConstants.ApplicationScheme)
                    || context.User.HasClaim(ApiTokenAuthenticationHandler.ScopeClaim, scope)));
        }
    }
}
