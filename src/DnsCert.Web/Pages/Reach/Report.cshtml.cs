using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Reach;

/// <summary>A reach test's report: rate over time, who never answered, stale 24x7 contacts.</summary>
[Authorize(Roles = $"{Roles.Administrator},{Roles.DutyOfficer},{Roles.IncidentHandler}")]
public sealed class ReportModel(ReachTestService reach) : PageModel
{
    public ReachReport? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Report = await reach.ReportAsync(Viewers.From(User), id, cancellationToken);
        return Report is null ? NotFound() : Page();
    }
}
