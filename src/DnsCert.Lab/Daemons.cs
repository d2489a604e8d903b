using System.Diagnostics;
using System.Globalization;

namespace DnsCert.Lab;

/// <summary>
/// Starts and stops the lab's processes. Every process has a PID file under the lab's run folder; before a signal is
/// sent, /proc/PID/cmdline must name the program and the lab folder, so a recycled PID is never touched.
/// </summary>
internal static class Daemons
{
    /// <summary>Starts a program detached from us (it daemonizes itself or is put in the background), output to a log.</summary>
    public static async Task StartAsync(string program, IReadOnlyList<string> arguments, string log, bool background = false,
        CancellationToken cancellationToken = default)
    {
        var script = background
            ? "\"$0\" \"$@\" </dev/null >>\"$LAB_LOG\" 2>&1 &"
            : "exec \"$0\" \"$@\" </dev/null >>\"$LAB_LOG\" 2>&1";
        var info = new ProcessStartInfo("/usr/bin/setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LAB_LOG"] = log;
        using var process = Process.Start(info) ?? throw new LabException("could not start " + program);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var tail = File.Exists(log) ? File.ReadLines(log).TakeLast(5) : [];
            throw new LabException($"{program} failed to start ({process.ExitCode}): {string.Join(" | ", tail)}");
        }
    }

    /// <summary>The PID in the file if that process runs and its command line names <paramref name="marker"/>.</summary>
    public static int? Pid(string pidFile, string marker)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ');
            return cmdline.Contains(marker, StringComparison.Ordinal) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static async Task<int?> WaitForPidAsync(string pidFile, string marker, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Pid(pidFile, marker) is { } pid)
            {
                return pid;
            }

            await Task.Delay(50, cancellationToken);
        }

        return null;
    }

    /// <summary>Stops the process of a PID file (TERM, then KILL after 10 s); true when one was stopped.</summary>
    public static async Task<bool> StopAsync(string pidFile, string marker)
    {
        if (Pid(pidFile, marker) is not { } pid)
        {
            File.Delete(pidFile);
            return false;
        }

        using var process = Process.GetProcessById(pid);
        await Tool.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await WaitGoneAsync(pid, cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await WaitGoneAsync(pid, CancellationToken.None);
        }

        File.Delete(pidFile);
        return true;
    }

    private static async Task WaitGoneAsync(int pid, CancellationToken cancellationToken)
    {
        // Daemons are not our children: poll /proc until the process (not a zombie of someone else) is gone.
        var path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        while (File.Exists(path))
        {
            try
            {
                var stat = await File.ReadAllTextAsync(path, cancellationToken);
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state == 'Z')
                {
                    return;
                }
            }
            catch (IOException)
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
