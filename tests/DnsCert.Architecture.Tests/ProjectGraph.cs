using System.Xml.Linq;

namespace DnsCert.Architecture.Tests;

/// <summary>What a project file says it depends on: other projects, NuGet packages, shared frameworks.</summary>
public sealed record ProjectNode(string Name, IReadOnlySet<string> Projects, IReadOnlySet<string> Packages, IReadOnlySet<string> Frameworks, string Sdk);

/// <summary>Reads the dependency graph of <c>src/</c> straight from the csproj files, the source of truth.</summary>
public static class ProjectGraph
{
    public static IReadOnlyDictionary<string, ProjectNode> Read(string sourceDirectory)
    {
        var nodes = new Dictionary<string, ProjectNode>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(sourceDirectory, "*.csproj", SearchOption.AllDirectories))
        {
            var node = ReadProject(file);
            nodes[node.Name] = node;
        }

        return nodes;
    }

    public static ProjectNode ReadProject(string file)
    {
        var xml = XDocument.Load(file);
        var items = xml.Descendants().Where(e => e.Name.LocalName is "ProjectReference" or "PackageReference" or "FrameworkReference").ToList();
        string Include(XElement e) => (string?)e.Attribute("Include") ?? "";
        return new ProjectNode(
            Path.GetFileNameWithoutExtension(file),
            items.Where(e => e.Name.LocalName == "ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(Include(e).Replace('\\', '/'))).ToHashSet(StringComparer.Ordinal),
            items.Where(e => e.Name.LocalName == "PackageReference").Select(Include).ToHashSet(StringComparer.OrdinalIgnoreCase),
            items.Where(e => e.Name.LocalName == "FrameworkReference").Select(Include).ToHashSet(StringComparer.OrdinalIgnoreCase),
            (string?)xml.Root?.Attribute("Sdk") ?? "");
    }
}
