namespace DnsCert.Core.Printing;

/// <summary>Turns a self-contained HTML document (no scripts, no outside resources) into a PDF.</summary>
public interface IPdfPrinter
{
    /// <summary>The PDF bytes; <see cref="PdfPrintException"/> with a sentence a person can act on when it cannot.</summary>
    Task<byte[]> PrintAsync(string html, CancellationToken cancellationToken);
}

/// <summary>Printing failed (the printer is missing, timed out or refused): the message says which, for the page or problem.</summary>
public sealed class PdfPrintException : Exception
{
    public PdfPrintException()
    {
    }

    public PdfPrintException(string message)
        : base(message)
    {
    }

    public PdfPrintException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
