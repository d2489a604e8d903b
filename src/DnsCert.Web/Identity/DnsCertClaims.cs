namespace DnsCert.Web.Identity;

/// <summary>Claim types DnsCert adds to a signed-in person's principal.</summary>
public static class DnsCertClaims
{
    /// <summary>The server-side session (table <c>user_sessions</c>) this cookie belongs to.</summary>
    public const string SessionId = "dnscert:sid";

    public const string OrganisationId = "dnscert:org";

    public const string Language = "dnscert:lang";

    public const string TimeZone = "dnscert:tz";

    /// <summary>"true" once the person has a TOTP authenticator; staff cannot work without one.</summary>
    public const string TwoFactorEnrolled = "dnscert:2fa";

    /// <summary>"true" while the password is a generated one that must be changed at first sign-in.</summary>
    public const string MustChangePassword = "dnscert:mcp";
}
