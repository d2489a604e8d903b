using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace DnsCert.Infrastructure.Persistence;

/// <summary>One versioned SQL file from <c>Persistence/Migrations</c>, named <c>NNNN_description.sql</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum);

/// <summary>The migrations this build knows, read once from the embedded SQL files.</summary>
public static partial class MigrationCatalog
{
    private const string ResourcePrefix = "DnsCert.Migrations.";

    private static readonly Lazy<IReadOnlyList<Migration>> s_all = new(() => Load(typeof(MigrationCatalog).Assembly));

    public static IReadOnlyList<Migration> All => s_all.Value;

    /// <summary>The schema version this build expects: the highest migration it carries.</summary>
    public static int LatestVersion => All[^1].Version;

    internal static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[ResourcePrefix.Length..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException(
                    $"migration file '{fileName}' is not named NNNN_description.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            migrations.Add(new Migration(
                int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
                match.Groups[2].Value,
                sql,
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))))));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            // Gaps or duplicates mean two branches numbered a migration alike: refuse rather than guess an order.
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"migrations must be numbered 1, 2, 3, ... without gaps; found {migrations[i].Version} at position {i + 1}");
            }
        }

        if (migrations.Count == 0)
        {
            throw new InvalidOperationException("no migrations are embedded in DnsCert.Infrastructure");
        }

        return migrations;
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
