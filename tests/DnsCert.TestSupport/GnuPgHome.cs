namespace DnsCert.TestSupport;

/// <summary>A throw-away GNUPGHOME for checking our OpenPGP output with the reference implementation (Debian's gnupg).</summary>
public sealed class GnuPgHome : IDisposable
{
    public GnuPgHome()
    {
        // CreateTempSubdirectory makes it 0700, as gpg wants.
        Path = Directory.CreateTempSubdirectory("dnscert-gnupg-").FullName;
    }

    public string Path { get; }

    public Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("gpg", ["--homedir", Path, "--batch", "--no-tty", "--pinentry-mode", "loopback", .. arguments],
            null, TimeSpan.FromMinutes(1));

    /// <summary>Creates an RSA key (signing primary; with an encryption subkey when asked) and returns its fingerprint.</summary>
    public async Task<string> CreateKeyAsync(string userId, string passphrase, bool encryptionSubkey)
    {
        await Check(RunAsync("--passphrase", passphrase, "--quick-gen-key", userId, "rsa2048", "sign", "never"));
        var listing = await Check(RunAsync("--with-colons", "--list-keys", userId));
        var fingerprint = listing.StandardOutput.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        if (encryptionSubkey)
        {
            await Check(RunAsync("--passphrase", passphrase, "--quick-add-key", fingerprint, "rsa2048", "encr", "never"));
        }

        return fingerprint;
    }

    public async Task<string> ExportPublicAsync(string fingerprint) => (await Check(RunAsync("--armor", "--export", fingerprint))).StandardOutput;

    public async Task<string> ExportSecretAsync(string fingerprint, string passphrase) =>
        (await Check(RunAsync("--passphrase", passphrase, "--armor", "--export-secret-keys", fingerprint))).StandardOutput;

    public static async Task<ProcessResult> Check(Task<ProcessResult> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var result = await run;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("gpg failed: " + result.StandardError);
        }

        return result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // gpg-agent may still hold a socket here for a moment.
        }
    }
}
