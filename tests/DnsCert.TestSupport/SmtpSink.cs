using System.Diagnostics;
using System.Text;

namespace DnsCert.TestSupport;

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd, tests/DnsCert.TestSupport/smtp_sink.py) on a free 127.0.0.1 port,
/// storing each accepted message into a Maildir. It can be stopped and started again on the same port.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    /// <summary>Debian's interpreter: it has python3-aiosmtpd; a pyenv one on PATH may not.</summary>
    public const string Python = "/usr/bin/python3";

    private readonly string? _certificate;
    private readonly string? _key;
    private readonly bool _smtpUtf8;
    private Process? _process;

    private SmtpSink(string maildir, int port, string? certificate, string? key, bool smtpUtf8)
    {
        Maildir = maildir;
        Port = port;
        _certificate = certificate;
        _key = key;
        _smtpUtf8 = smtpUtf8;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string Maildir { get; }

    public static string Script => Path.Combine(RepoPaths.Root, "tests", "DnsCert.TestSupport", "smtp_sink.py");

    /// <summary>
    /// Starts a sink; with a PEM certificate and key it offers STARTTLS. It advertises SMTPUTF8 (RFC 6531) unless
    /// <paramref name="smtpUtf8"/> is false.
    /// </summary>
    public static async Task<SmtpSink> StartAsync(string? certificatePem = null, string? keyPem = null, bool smtpUtf8 = true)
    {
        var maildir = Directory.CreateTempSubdirectory("dnscert-maildir-").FullName;
        var sink = new SmtpSink(maildir, FreePort.Next(), certificatePem, keyPem, smtpUtf8);
        await sink.StartAgainAsync();
        return sink;
    }

    public bool IsRunning => _process is { HasExited: false };

    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            return;
        }

        string[] arguments = _certificate is null ? [Script, Host, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Maildir]
            : [Script, Host, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Maildir, _certificate, _key!];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            _process = ProcessRunner.Start(Python, arguments, new Dictionary<string, string?> { ["SMTP_SINK_SMTPUTF8"] = _smtpUtf8 ? "1" : "0" });
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var line = await _process.StandardOutput.ReadLineAsync(cts.Token);
            if (line == "ready")
            {
                _ = _process.StandardError.ReadToEndAsync();
                return;
            }

            var error = await _process.StandardError.ReadToEndAsync(cts.Token);
            // The port may still be in TIME_WAIT use for a moment after a stop.
            if (DateTime.UtcNow > deadline || !error.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("smtp_sink.py did not start: " + error);
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Stops the server the way an operator would (SIGTERM); messages stored so far stay.</summary>
    public async Task StopAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        await ProcessRunner.RunAsync("kill", ["-TERM", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>The stored messages, as received.</summary>
    public IReadOnlyList<byte[]> Messages() =>
        [.. new[] { "new", "cur" }.Select(d => Path.Combine(Maildir, d)).Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    /// <summary>How many stored messages carry each Message-ID (without angle brackets).</summary>
    public IReadOnlyDictionary<string, int> CountByMessageId() =>
        Messages().Select(MessageId).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public int Count => new[] { "new", "cur" }.Select(d => Path.Combine(Maildir, d)).Where(Directory.Exists).Sum(d => Directory.EnumerateFiles(d).Count());

    /// <summary>The Message-ID header of a raw message ("" when it has none).</summary>
    public static string MessageId(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = Encoding.ASCII.GetString(message, 0, Math.Min(message.Length, 16384));
        foreach (var line in text.Split("\r\n", StringSplitOptions.None).TakeWhile(l => l.Length > 0))
        {
            if (line.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase))
            {
                return line["Message-ID:".Length..].Trim().Trim('<', '>');
            }
        }

        return "";
    }

    public async ValueTask DisposeAsync()
    {
        if (IsRunning)
        {
            try
            {
                await StopAsync();
            }
            catch (OperationCanceledException)
            {
                _process!.Kill();
            }
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(Maildir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
