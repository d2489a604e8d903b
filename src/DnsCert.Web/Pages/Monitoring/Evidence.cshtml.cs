using DnsCert.Core.Monitoring;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Model;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Monitoring;

/// <summary>
/// The proof behind one finding of the latest check: every query exactly as sent and every response as received, in
/// dig's presentation, with the wire bytes for anyone who wants to decode them again.
/// </summary>
[Authorize]
public sealed class EvidenceModel(IMonitoringReadModel monitoring) : PageModel
{
    public static string Link(string zone, int finding) => $"/monitoring/evidence?name={Uri.EscapeDataString(zone)}&finding={finding}";

    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Finding { get; set; }

    public string Zone { get; private set; } = "";

    public ZoneCheckResult Check { get; private set; } = null!;

    public Finding Item { get; private set; } = null!;

    public string Local(DateTimeOffset at) => Localization.PersonTime.Format(User, at);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Name) || !DnsName.TryNormalize(Name, out _)
            || await monitoring.GetAsync(Viewers.From(User), Name, cancellationToken) is not { LatestCheck: { } check } detail
            || Finding < 0 || Finding >= check.Report.Findings.Count)
        {
            return NotFound();
        }

        Zone = detail.Summary.Zone;
        Check = check;
        Item = check.Report.Findings[Finding];
        return Page();
    }

    /// <summary>Wire bytes as a hex dump, 16 bytes a line with the offset, as tcpdump -X and dig +qr show them.</summary>
    public static string Hex(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return "";
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return base64;
        }

        var lines = new System.Text.StringBuilder();
        for (var offset = 0; offset < bytes.Length; offset += 16)
        {
            var line = bytes.AsSpan(offset, Math.Min(16, bytes.Length - offset));
            lines.Append(offset.ToString("x4", System.Globalization.CultureInfo.InvariantCulture)).Append("  ")
                .Append(Convert.ToHexString(line).ToLowerInvariant().Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + " " + b)).Append('\n');
        }

        return lines.ToString();
    }
}
