using DnsCert.Core.Incidents;
using DnsCert.Core.Printing;
using DnsCert.Core.Visibility;
using DnsCert.Web.PublicSite;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Incidents;

/// <summary>
/// The after-action report as PDF, for the page and the API alike: the same visibility-filtered text as the Markdown
/// export (an incident the viewer may not see is <see cref="IncidentNotFoundException"/>, a 404), laid out for print
/// with the team's name and the TLP label on every page, printed by headless Chromium.
/// </summary>
public sealed class AfterActionPdf(IncidentService service, IPdfPrinter printer, IOptions<TeamOptions> team)
{
    public async Task<(byte[] Pdf, string FileName)> RenderAsync(Viewer viewer, long incidentId, CancellationToken cancellationToken)
    {
        var document = await service.AfterActionDocumentAsync(viewer, incidentId, cancellationToken);
        var pdf = await printer.PrintAsync(AfterActionHtml.Render(document, team.Value.Name), cancellationToken);
        return (pdf, $"{document.Reference}-after-action.pdf");
    }
}
