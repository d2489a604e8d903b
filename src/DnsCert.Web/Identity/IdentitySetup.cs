using System.Security.Claims;
using System.Threading.RateLimiting;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Identity;

/// <summary>People sign in with ASP.NET Core Identity over our own tables, with a required second factor for staff.</summary>
public static class IdentitySetup
{
    public const string SignInRateLimit = "sign-in";

    /// <summary>Roles whose members must have a TOTP authenticator before they can use the console.</summary>
    public static IReadOnlyList<string> StaffRoles { get; } =
        [Roles.Administrator, Roles.HeadOfOperations, Roles.DutyOfficer, Roles.IncidentHandler, Roles.Analyst, Roles.Augmenter];

    public static IServiceCollection AddDnsCertIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();

        services.AddSingleton<PostgresKeyRepository>();
        services.AddDataProtection().SetApplicationName("DnsCert");
        services.AddOptions<KeyManagementOptions>().Configure<PostgresKeyRepository>((o, keys) => o.XmlRepository = keys);

        services.AddSingleton<SessionStore>();
        services.AddScoped<IPasswordHasher<DnsCertUser>, CorePasswordHasher>();
        services.AddScoped<IUserConfirmation<DnsCertUser>, DisabledAccountCheck>();
        services.AddSingleton<AccountAudit>();
        services.AddIdentityCore<DnsCertUser>()
            .AddUserStore<UserStore>()
            .AddSignInManager()
            // Not AddDefaultTokenProviders: its e-mail and phone providers would offer second factors we do not have.
            .AddTokenProvider<DataProtectorTokenProvider<DnsCertUser>>(TokenOptions.DefaultProvider)
            .AddTokenProvider<TotpTokenProvider>(TotpTokenProvider.Name)
            .AddClaimsPrincipalFactory<DnsCertClaimsFactory>();
        services.AddOptions<IdentityOptions>().Configure<IOptions<SecurityOptions>>((o, security) =>
        {
            // NIST SP 800-63B §5.1.1: length, not composition rules.
            o.Password.RequiredLength = 12;
            o.Password.RequireDigit = false;
            o.Password.RequireLowercase = false;
            o.Password.RequireUppercase = false;
            o.Password.RequireNonAlphanumeric = false;
            o.Lockout.MaxFailedAccessAttempts = security.Value.LockoutAttempts;
            o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(security.Value.LockoutMinutes);
            o.Lockout.AllowedForNewUsers = true;
            o.Tokens.AuthenticatorTokenProvider = TotpTokenProvider.Name;
            o.SignIn.RequireConfirmedAccount = true; // "confirmed" means "not disabled": see DisabledAccountCheck
        });
        // Invitation links are password-reset tokens: a week to accept, single use (bound to the security stamp).
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromDays(7));
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(5);
            // A principal rebuilt after a security-stamp check keeps its server-side session.
            o.OnRefreshingPrincipal = context =>
            {
                var sid = context.CurrentPrincipal?.FindFirst(DnsCertClaims.SessionId);
                if (sid is not null && context.NewPrincipal?.Identity is ClaimsIdentity identity)
                {
                    identity.AddClaim(new Claim(DnsCertClaims.SessionId, sid.Value));
                }

                return Task.CompletedTask;
            };
        });

        services.AddSingleton<ApiTokenStore>();
        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthentication().AddIdentityCookies();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<SecurityOptions>>((o, security) =>
            {
                Harden(o.Cookie, "dnscert.session");
                o.LoginPath = "/account/sign-in";
                o.LogoutPath = "/account/sign-out";
                o.AccessDeniedPath = "/account/denied";
                o.ExpireTimeSpan = TimeSpan.FromHours(security.Value.SessionHours);
                o.SlidingExpiration = true;
                o.Events.OnSigningIn = StartSessionAsync;
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
                o.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            });
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o => Harden(o.Cookie, "dnscert.2fa"));
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorRememberMeScheme, o => Harden(o.Cookie, "dnscert.2fa-remember"));
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.ExternalScheme, o => Harden(o.Cookie, "dnscert.external"));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "dnscert.csrf";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
        });
        services.AddAuthorization(o => o.AddScopePolicies());

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancellationToken) =>
            {
                // A person at a sign-in form gets a sentence in their language, not an empty page.
                var localizer = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<Localization.SharedResource>>();
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                var (message, back) = (localizer["SignIn.TooMany"].Value, "/account/sign-in");
                if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Incidents.IncidentsSetup.PublicReportRateLimit)
                {
                    // The public report form: say how many reports the window allows and where to write meanwhile.
                    var reports = context.HttpContext.RequestServices.GetRequiredService<IOptions<Incidents.IncidentOptions>>().Value;
                    var team = context.HttpContext.RequestServices.GetRequiredService<IOptions<PublicSite.TeamOptions>>().Value;
                    (message, back) = (localizer["Report.TooMany", Math.Max(1, reports.PublicReportsPerWindow), Math.Max(1, reports.PublicReportWindowMinutes), team.Email].Value,
                        "/report");
                }

                await context.HttpContext.Response.WriteAsync(
                    $"<!DOCTYPE html><meta charset=\"utf-8\"><title>429</title><p role=\"alert\" id=\"too-many\">{System.Net.WebUtility.HtmlEncode(message)}</p><p><a href=\"{back}\">DnsCert</a></p>",
                    cancellationToken);
            };
            o.AddPolicy(SignInRateLimit, context =>
            {
                var limit = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.SignInAttemptsPerMinute;
                // Only attempts count: showing the form is free, posting it is limited per client address.
                return HttpMethods.IsPost(context.Request.Method)
                    ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("get");
            });
        });
        return services;
    }

    /// <summary>
    /// Staff without a second factor, and anyone with a generated password, can do nothing but fix that: every other
    /// page redirects to the page that fixes it, and the API answers 403. Otherwise a stolen password alone could mint
    /// an API token or read a page before the second factor is in place.
    /// </summary>
    public static IApplicationBuilder UseAccountGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var user = context.User;
        var path = context.Request.Path;
        if (user.Identity?.IsAuthenticated != true || user.Identity.AuthenticationType != IdentityConstants.ApplicationScheme
            || IsAlwaysOpen(path))
        {
            await next(context);
            return;
        }

        string? fix = null;
        if (user.HasClaim(DnsCertClaims.MustChangePassword, "true"))
        {
            fix = "/account/password";
        }
        else if (StaffRoles.Any(user.IsInRole) && !user.HasClaim(DnsCertClaims.TwoFactorEnrolled, "true"))
        {
            fix = "/account/two-factor/setup";
        }

        if (fix is null || path.StartsWithSegments(fix))
        {
            await next(context);
        }
        else if (path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        else
        {
            context.Response.Redirect(fix);
        }
    });

    /// <summary>Paths anyone may reach in any account state: leaving, choosing a language, static files, health.</summary>
    private static bool IsAlwaysOpen(PathString path) =>
        path.StartsWithSegments("/account/sign-out") || path.StartsWithSegments("/account/language")
        || path.StartsWithSegments("/css") || path.StartsWithSegments("/lib") || path.StartsWithSegments("/healthz")
        || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/.well-known");

    private static void Harden(CookieBuilder cookie, string name)
    {
        cookie.Name = name;
        cookie.HttpOnly = true;
        cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.SameSite = SameSiteMode.Strict;
        cookie.IsEssential = true;
    }

    private static async Task StartSessionAsync(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity || identity.HasClaim(c => c.Type == DnsCertClaims.SessionId))
        {
            return;
        }

        var userId = Guid.Parse(identity.FindFirst(ClaimTypes.NameIdentifier)!.Value);
        // A refreshed sign-in (after enrolling a second factor or changing the password) keeps its session.
        var current = context.HttpContext.User;
        if (current.FindFirstValue(ClaimTypes.NameIdentifier) == userId.ToString()
            && current.FindFirstValue(DnsCertClaims.SessionId) is { } existing)
        {
            identity.AddClaim(new Claim(DnsCertClaims.SessionId, existing));
            return;
        }

        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionStore>();
        var id = await sessions.CreateAsync(userId, context.HttpContext.Connection.RemoteIpAddress?.ToString(),
            context.HttpContext.Request.Headers.UserAgent.ToString(), context.HttpContext.RequestAborted);
        identity.AddClaim(new Claim(DnsCertClaims.SessionId, id.ToString()));
    }

    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (!Guid.TryParse(principal?.FindFirstValue(DnsCertClaims.SessionId), out var sid)
            || !Guid.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            || !await context.HttpContext.RequestServices.GetRequiredService<SessionStore>().IsActiveAsync(sid, userId, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    private static Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
