using System.Globalization;
using DnsCert.Core.Accounts;
using DnsCert.Core.Campaigns;

namespace DnsCert.Web.Pages.Campaigns;

/// <summary>What the campaign pages share: who runs campaigns, and how counts and times are written.</summary>
public static class CampaignPages
{
    /// <summary>The core team creates campaigns and reads their coverage; registries use the portal.</summary>
    public const string CoreTeamRoles = $"{Roles.Administrator},{Roles.DutyOfficer},{Roles.IncidentHandler},{Roles.Analyst}";

    /// <summary>Rows per page of names: a page of a slice stays small on a slow link.</summary>
    public const int PageSize = 100;

    public static string Percent(double share) => share.ToString("P0", CultureInfo.CurrentCulture);

    public static string Share(long part, long total) => total == 0 ? "–" : Percent((double)part / total);

    public static string Utc(DateTimeOffset? time) => time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "";

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The resource key of an action's label (Campaigns.Action.block, …).</summary>
    public static string ActionKey(CampaignAction action) => "Campaigns.Action." + action.Code();

    public static string StatusKey(NameStatus status) => "Campaigns.Status." + status.Code();
}
