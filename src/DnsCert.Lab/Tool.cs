using System.Diagnostics;
using System.Text;

namespace DnsCert.Lab;

/// <summary>The result of a finished external program.</summary>
public sealed record ToolResult(int ExitCode, string Output, string Error)
{
    public bool Ok => ExitCode == 0;
}

/// <summary>Runs the real DNS tools (signers, key generators, control programs) and waits for them.</summary>
public static class Tool
{
    public static async Task<ToolResult> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new LabException("could not start " + program);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LabException($"could not start {program}: {e.Message} (is its Debian package installed?)", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout ?? TimeSpan.FromMinutes(5));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new LabException($"{program} {string.Join(' ', info.ArgumentList)} did not finish in time");
            }

            return new ToolResult(process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>Runs a program that must succeed; its error output becomes the exception message otherwise.</summary>
    public static async Task<string> CheckAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var list = arguments.ToList();
        var result = await RunAsync(program, list, workingDirectory, cancellationToken: cancellationToken);
        return result.Ok
            ? result.Output
            : throw new LabException($"{program} {string.Join(' ', list)} failed ({result.ExitCode}): {(result.Error + result.Output).Trim()}");
    }
}
