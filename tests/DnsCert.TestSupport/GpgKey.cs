namespace DnsCert.TestSupport;

/// <summary>A real OpenPGP public key made by GnuPG (Debian <c>gpg</c>) in a throw-away home directory.</summary>
public sealed record GpgKey(string Armoured, string Fingerprint, DateTimeOffset? ExpiresAt)
{
    /// <param name="userId">The user id, e.g. NOC &lt;noc@example.org&gt;.</param>
    /// <param name="algorithm">gpg's name: ed25519, rsa2048, …</param>
    /// <param name="expires">gpg's expiry: 2y, 30d, never.</param>
    public static async Task<GpgKey> CreateAsync(string userId, string algorithm = "ed25519", string expires = "2y")
    {
        using var home = new GnuPgHome();
        await GnuPgHome.Check(home.RunAsync("--passphrase", "", "--quick-gen-key", userId, algorithm, "sign", expires));
        var list = await GnuPgHome.Check(home.RunAsync("--with-colons", "--list-keys", userId));
        var lines = list.StandardOutput.Split('\n');
        var pub = lines.First(l => l.StartsWith("pub:", StringComparison.Ordinal)).Split(':');
        var fingerprint = lines.First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        DateTimeOffset? expiry = pub[6].Length > 0
            ? DateTimeOffset.FromUnixTimeSeconds(long.Parse(pub[6], System.Globalization.CultureInfo.InvariantCulture))
            : null;
        return new GpgKey(await home.ExportPublicAsync(userId), fingerprint, expiry);
    }
}
