namespace DnsCert.Architecture.Tests;

/// <summary>
/// DESIGN §4: arrows point down this list, never up. A project may reference only projects listed before it; Dns
/// references none; Monitoring only Dns; Core knows neither HTTP nor SQL (no web SDK, no ASP.NET framework, no
/// database driver). Returns every violation as a sentence naming both ends.
/// </summary>
public static class LayeringRules
{
    public static IReadOnlyList<string> Layers { get; } =
    [
        "DnsCert.Dns", "DnsCert.Monitoring", "DnsCert.Core", "DnsCert.Infrastructure", "DnsCert.Lab", "DnsCert.Web",
        "DnsCert.Cli",
    ];

    private static readonly Dictionary<string, string[]> s_allowedProjects = new(StringComparer.Ordinal)
    {
        ["DnsCert.Dns"] = [],
        ["DnsCert.Monitoring"] = ["DnsCert.Dns"],
    };

    /// <summary>Packages that would let a project speak SQL or HTTP, forbidden below Infrastructure.</summary>
    private static readonly string[] s_sqlOrHttpPackages =
        ["Npgsql", "Dapper", "Microsoft.EntityFrameworkCore", "Npgsql.EntityFrameworkCore.PostgreSQL", "Microsoft.AspNetCore."];

    public static IReadOnlyList<string> Check(IReadOnlyDictionary<string, ProjectNode> graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var violations = new List<string>();
        foreach (var layer in Layers.Where(l => !graph.ContainsKey(l)))
        {
            violations.Add($"{layer} is missing from src/");
        }

        foreach (var node in graph.Values)
        {
            var rank = IndexOf(node.Name);
            if (rank < 0)
            {
                violations.Add($"{node.Name} is not in the DESIGN §4 layer list; add it there before adding it to src/");
                continue;
            }

            foreach (var reference in node.Projects)
            {
                var target = IndexOf(reference);
                if (s_allowedProjects.TryGetValue(node.Name, out var allowed) && !allowed.Contains(reference, StringComparer.Ordinal))
                {
                    violations.Add($"{node.Name} must not reference {reference} (allowed: {(allowed.Length == 0 ? "none" : string.Join(", ", allowed))})");
                }
                else if (target >= rank)
                {
                    violations.Add($"{node.Name} must not reference {reference}: references point down the layer list, never up or sideways");
                }
            }

            if (rank <= IndexOf("DnsCert.Core"))
            {
                foreach (var package in node.Packages.Where(p => s_sqlOrHttpPackages.Any(f => f.EndsWith('.') ? p.StartsWith(f, StringComparison.OrdinalIgnoreCase) : p.Equals(f, StringComparison.OrdinalIgnoreCase))))
                {
                    violations.Add($"{node.Name} must not use package {package}: it must know neither SQL nor HTTP");
                }

                foreach (var framework in node.Frameworks)
                {
                    violations.Add($"{node.Name} must not reference framework {framework}: it must know neither SQL nor HTTP");
                }

                if (node.Sdk.Contains("Web", StringComparison.OrdinalIgnoreCase))
                {
                    violations.Add($"{node.Name} must not use the web SDK ({node.Sdk})");
                }
            }
        }

        return violations;
    }

    private static int IndexOf(string project)
    {
        for (var i = 0; i < Layers.Count; i++)
        {
            if (Layers[i] == project)
            {
                return i;
            }
        }

        return -1;
    }
}
