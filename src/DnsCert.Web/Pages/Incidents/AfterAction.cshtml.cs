using System.Text;
using DnsCert.Core;
using DnsCert.Core.Incidents;
using DnsCert.Core.Printing;
using DnsCert.Web.Identity;
using DnsCert.Web.Incidents;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DnsCert.Web.Pages.Incidents;

/// <summary>The after-action report: drafted from the timeline the viewer may see, edited by handlers, exported as Markdown and PDF.</summary>
[Authorize]
public sealed class AfterActionModel(IncidentService service, AfterActionPdf pdf) : PageModel
{
    public long Id { get; private set; }

    public string Text { get; private set; } = "";

    public bool IsHandler { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            (Id, Text, IsHandler) = (id, await service.AfterActionAsync(Viewers.From(User), id, cancellationToken), IncidentService.IsHandler(Viewers.From(User)));
            return Page();
        }
        catch (IncidentNotFoundException)
        {
            return NotFound();
        }
    }

    public async Task<IActionResult> OnGetMarkdownAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            var text = await service.AfterActionAsync(Viewers.From(User), id, cancellationToken);
            return File(Encoding.UTF8.GetBytes(text), "text/markdown; charset=utf-8", $"{IncidentReferences.Format(id)}-after-action.md");
        }
        catch (IncidentNotFoundException)
        {
            return NotFound();
        }
    }

    /// <summary>The PDF (headless Chromium); when printing is impossible, this page with the reason instead of a stack trace.</summary>
    public async Task<IActionResult> OnGetPdfAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            var (bytes, name) = await pdf.RenderAsync(Viewers.From(User), id, cancellationToken);
            return File(bytes, "application/pdf", name);
        }
        catch (IncidentNotFoundException)
        {
            return NotFound();
        }
        catch (PdfPrintException e)
        {
            var page = await OnGetAsync(id, cancellationToken);
            Error = e.Message;
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return page;
        }
    }

    public async Task<IActionResult> OnPostAsync(long id, string? text, CancellationToken cancellationToken)
    {
        try
        {
            await service.SaveAfterActionAsync(Viewers.From(User), id, text, IncidentsApi.Actor(HttpContext), cancellationToken);
            return Redirect($"/incidents/{id}/after-action");
        }
        catch (ValidationException e)
        {
            (Id, Text, IsHandler, Error) = (id, text ?? "", true, e.Message);
            return Page();
        }
        catch (IncidentNotFoundException)
        {
            return NotFound();
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }
    }
}
