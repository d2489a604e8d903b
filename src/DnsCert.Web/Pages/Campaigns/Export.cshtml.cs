using System.Globalization;
using System.Text;
using DnsCert.Core.Campaigns;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Campaigns;

/// <summary>
/// The after-action export: one CSV row per name (registry, day requested, reported outcome, DNS verification state and
/// time), written to the response as the rows are read, so a campaign of millions of names never sits in memory.
/// </summary>
[Authorize(Roles = CampaignPages.CoreTeamRoles)]
public sealed class ExportModel(ICampaignStore campaigns, ICampaignConsoleStore console) : PageModel
{
    public const string Header = "name,tld,registry,requested_day,status,reported_outcome,reported_at,dns_state,dns_detail,dns_checked_at";

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var viewer = Viewers.From(User);
        if (await campaigns.GetAsync(viewer, Id, cancellationToken) is not { } campaign)
        {
            return NotFound();
        }

        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"campaign-{Infrastructure.Campaigns.CampaignStore.Reference(campaign.Id)}.csv\"";
        await using var writer = new StreamWriter(Response.Body, new UTF8Encoding(false), 64 * 1024);
        await writer.WriteAsync(Header + "\n");
        await foreach (var row in console.ExportAsync(viewer, Id, cancellationToken))
        {
            await writer.WriteAsync(Line(row));
        }

        await writer.FlushAsync(cancellationToken);
        return new EmptyResult();
    }

    internal static string Line(CampaignNameRow row) => string.Join(',',
        Cell(row.Name.TrimEnd('.')), Cell(row.Tld), Cell(row.Registry), row.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Status.Code(),
        Cell(row.ReportedOutcome), Time(row.ReportedAt), Cell(row.DnsState), Cell(row.DnsDetail), Time(row.DnsCheckedAt)) + "\n";

    private static string Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "";

    /// <summary>RFC 4180 quoting; a leading =, +, - or @ is prefixed so a spreadsheet never runs a registry's text as a formula.</summary>
    private static string Cell(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (text[0] is '=' or '+' or '-' or '@')
        {
            text = "'" + text;
        }

        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
