using System.ComponentModel;
using System.Diagnostics;
using DnsCert.Core.Printing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DnsCert.Infrastructure.Printing;

/// <summary>Settings of the <c>Printing</c> section (PDF exports through headless Chromium).</summary>
public sealed class PrintingOptions
{
    public const string SectionName = "Printing";

    /// <summary>Debian's <c>chromium</c> package (installed by <c>./dnscert up</c>).</summary>
    public string ChromiumPath { get; set; } = "/usr/bin/chromium";

    /// <summary>How long one print may take, waiting for a free slot included, before it is killed.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Chromium processes at once: each takes a few hundred MB and a core for a second or two.</summary>
    public int MaxConcurrent { get; set; } = 2;
}

/// <summary>Checks the <c>Printing</c> section at start-up. A missing Chromium is not an error here: only exports need it.</summary>
public sealed class PrintingOptionsValidator : IValidateOptions<PrintingOptions>
{
    public ValidateOptionsResult Validate(string? name, PrintingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ChromiumPath) || !Path.IsPathRooted(options.ChromiumPath))
        {
            failures.Add($"{PrintingOptions.SectionName}:ChromiumPath must be an absolute path (got '{options.ChromiumPath}')");
        }

        if (options.TimeoutSeconds is < 5 or > 600)
        {
            failures.Add($"{PrintingOptions.SectionName}:TimeoutSeconds must be between 5 and 600 (got {options.TimeoutSeconds})");
        }

        if (options.MaxConcurrent is < 1 or > 16)
        {
            failures.Add($"{PrintingOptions.SectionName}:MaxConcurrent must be between 1 and 16 (got {options.MaxConcurrent})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Prints HTML to PDF with headless Chromium's print-to-PDF, one child process per document. The document is written
/// to a private temporary directory (mode 700) and opened as a file:// URL — never fetched from this server, so no
/// request's Host header and no session is involved — with its own throw-away profile, no network (every host name
/// resolves to nothing), no extensions and no background services; the directory is removed afterwards whatever
/// happened. A print that outlives <see cref="PrintingOptions.TimeoutSeconds"/> is killed with its process tree.
/// </summary>
public sealed partial class ChromiumPdfPrinter(IOptions<PrintingOptions> options, ILogger<ChromiumPdfPrinter> logger) : IPdfPrinter, IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrent));

    public async Task<byte[]> PrintAsync(string html, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(html);
        var settings = options.Value;
        if (!File.Exists(settings.ChromiumPath))
        {
            throw new PdfPrintException(
                $"PDF export needs Chromium at {settings.ChromiumPath}, which is not installed (Debian package chromium; ./dnscert up installs it, or set Printing:ChromiumPath).");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            await _slots.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PdfPrintException($"PDF export is busy: no printer slot became free within {settings.TimeoutSeconds} s. Try again in a moment.");
        }

        var work = Directory.CreateTempSubdirectory("dnscert-pdf-");
        try
        {
            return await RunAsync(settings, work.FullName, html, timeout.Token, cancellationToken);
        }
        finally
        {
            _slots.Release();
            Remove(work);
        }
    }

    private async Task<byte[]> RunAsync(PrintingOptions settings, string work, string html, CancellationToken timeout, CancellationToken cancellationToken)
    {
        var input = Path.Combine(work, "report.html");
        var output = Path.Combine(work, "report.pdf");
        await File.WriteAllTextAsync(input, html, cancellationToken);
        var info = new ProcessStartInfo(settings.ChromiumPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = work,
        };
        // Chromium keeps caches and crash reports under HOME and the XDG directories: all inside the temporary one.
        foreach (var variable in new[] { "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR" })
        {
            info.Environment[variable] = work;
        }

        foreach (var argument in Arguments(work, output, input))
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new PdfPrintException($"PDF export could not start {settings.ChromiumPath}.");
        }
        catch (Win32Exception e)
        {
            LogFailed(logger, settings.ChromiumPath, -1, e.Message);
            throw new PdfPrintException($"PDF export could not start {settings.ChromiumPath}: {e.Message}.", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(timeout);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                LogTimedOut(logger, settings.TimeoutSeconds);
                throw new PdfPrintException($"PDF export timed out: Chromium did not finish within {settings.TimeoutSeconds} s.");
            }

            await stdout;
            var errors = await stderr;
            var pdf = File.Exists(output) ? await File.ReadAllBytesAsync(output, cancellationToken) : [];
            if (process.ExitCode != 0 || pdf.Length < 5 || !pdf.AsSpan(0, 5).SequenceEqual("%PDF-"u8))
            {
                LogFailed(logger, settings.ChromiumPath, process.ExitCode, LastLines(errors));
                throw new PdfPrintException($"PDF export failed: Chromium ended with code {process.ExitCode} without a PDF (details in the server log).");
            }

            return pdf;
        }
    }

    /// <summary>The command line, without the program. Public so a test can see what the printer is allowed to do.</summary>
    public static IReadOnlyList<string> Arguments(string work, string output, string input) =>
    [
        "--headless",
        // The setuid/namespace sandbox cannot start as root (a container, ./dnscert up as root); the document is ours,
        // script-free and behind a CSP that forbids every fetch and script, and the network is cut below. (Turning
        // scripts off with --blink-settings is not possible: headless print-to-PDF then writes no file.)
        .. Environment.IsPrivilegedProcess ? ["--no-sandbox"] : Array.Empty<string>(),
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--mute-audio",
        // No name resolves: nothing in a report can make the printer reach out, not even a DNS query.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--user-data-dir=" + Path.Combine(work, "profile"),
        // Our own page boxes carry the TLP label; Chromium's header (file path, date) would only add noise.
        "--no-pdf-header-footer",
        "--print-to-pdf=" + output,
        new Uri(input).AbsoluteUri,
    ];

    private static string LastLines(string text) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.Contains("dbus", StringComparison.OrdinalIgnoreCase)).TakeLast(3));

    private void Remove(DirectoryInfo work)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                work.Delete(recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException)
            {
                // A Chromium helper may still be closing a file in the profile: a moment later it is gone.
                Thread.Sleep(100);
            }
            catch (UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }

        LogNotRemoved(logger, work.FullName);
    }

    public void Dispose() => _slots.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "PDF export: {Program} failed (exit {ExitCode}): {Errors}")]
    private static partial void LogFailed(ILogger logger, string program, int exitCode, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PDF export: Chromium killed after {Seconds} s")]
    private static partial void LogTimedOut(ILogger logger, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PDF export: could not remove the temporary directory {Directory}")]
    private static partial void LogNotRemoved(ILogger logger, string directory);
}
