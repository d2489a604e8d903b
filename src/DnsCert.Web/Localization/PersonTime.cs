using System.Globalization;
using System.Security.Claims;
using DnsCert.Web.Identity;

namespace DnsCert.Web.Localization;

/// <summary>Times as the person reads them: stored in UTC, shown in their own time zone (DESIGN §4).</summary>
public static class PersonTime
{
    public static string Format(ClaimsPrincipal person, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(person);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(person.FindFirstValue(DnsCertClaims.TimeZone) ?? "UTC", out var tz) ? tz : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + zone.Id;
    }
}
