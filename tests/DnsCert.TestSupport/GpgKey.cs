namespace DnsCert.TestSupport;

/// <summary>A real OpenPGP public key made by GnuPG (Debian <c>gpg</c>) in a throw-away home directory.</summary>
public sealed record GpgKey(string Armoured, string Fingerprint, DateTimeOffset? ExpiresAt)
{
    /// <param name="userId">The user id, e.g. NOC &lt;noc@example.org&gt;.</param>
    /// <param name="algorithm">gpg's name: ed25519, rsa2048, …</param>
    /// <param name="expires">gpg's expiry: 2y, 30d, never.</param>
    public static async Task<GpgKey> CreateAsync(string userId, string algorithm = "ed25519", string expires = "2y")
    {
        var home = Directory.CreateTempSubdirectory("dnscert-gpg-");
        try
        {
            string[] common = ["--homedir", home.FullName, "--batch", "--no-tty"];
            var generate = await ProcessRunner.RunAsync("gpg", [.. common, "--passphrase", "", "--quick-gen-key", userId, algorithm, "sign", expires]);
            if (generate.ExitCode != 0)
            {
                throw new InvalidOperationException("gpg --quick-gen-key failed: " + generate.StandardError);
            }

            var export = await ProcessRunner.RunAsync("gpg", [.. common, "--armor", "--export", userId]);
            var list = await ProcessRunner.RunAsync("gpg", [.. common, "--with-colons", "--list-keys", userId]);
            var lines = list.StandardOutput.Split('\n');
            var pub = lines.First(l => l.StartsWith("pub:", StringComparison.Ordinal)).Split(':');
            var fpr = lines.First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
            DateTimeOffset? expiry = pub[6].Length > 0 ? DateTimeOffset.FromUnixTimeSeconds(long.Parse(pub[6], System.Globalization.CultureInfo.InvariantCulture)) : null;
            return new GpgKey(export.StandardOutput, fpr, expiry);
        }
        finally
        {
            // gpg-agent may still hold a socket in the home directory for a moment.
            try
            {
                home.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
