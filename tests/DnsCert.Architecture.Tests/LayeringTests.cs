using DnsCert.TestSupport;

namespace DnsCert.Architecture.Tests;

public class LayeringTests
{
    private static string Source => Path.Combine(RepoPaths.Root, "src");

    [Fact]
    public void The_source_tree_obeys_the_layering_rules()
    {
        var violations = LayeringRules.Check(ProjectGraph.Read(Source));

        violations.ShouldBeEmpty();
    }

    [Fact]
    public void The_graph_is_read_from_the_real_project_files()
    {
        var graph = ProjectGraph.Read(Source);

        graph.Keys.ShouldBe(LayeringRules.Layers, ignoreOrder: true);
        graph["DnsCert.Monitoring"].Projects.ShouldBe(["DnsCert.Dns"]);
        graph["DnsCert.Infrastructure"].Packages.ShouldContain("Npgsql");
        graph["DnsCert.Web"].Sdk.ShouldBe("Microsoft.NET.Sdk.Web");
    }

    // The rule fails when a forbidden reference is added: each case edits a copy of a real project file.
    [Theory]
    [InlineData("DnsCert.Dns", "<ProjectReference Include=\"../DnsCert.Core/DnsCert.Core.csproj\" />", "DnsCert.Dns must not reference DnsCert.Core")]
    [InlineData("DnsCert.Monitoring", "<ProjectReference Include=\"../DnsCert.Core/DnsCert.Core.csproj\" />", "DnsCert.Monitoring must not reference DnsCert.Core")]
    [InlineData("DnsCert.Core", "<ProjectReference Include=\"../DnsCert.Infrastructure/DnsCert.Infrastructure.csproj\" />", "DnsCert.Core must not reference DnsCert.Infrastructure")]
    [InlineData("DnsCert.Core", "<ProjectReference Include=\"../DnsCert.Web/DnsCert.Web.csproj\" />", "DnsCert.Core must not reference DnsCert.Web")]
    [InlineData("DnsCert.Core", "<PackageReference Include=\"Npgsql\" />", "DnsCert.Core must not use package Npgsql")]
    [InlineData("DnsCert.Core", "<FrameworkReference Include=\"Microsoft.AspNetCore.App\" />", "DnsCert.Core must not reference framework Microsoft.AspNetCore.App")]
    [InlineData("DnsCert.Infrastructure", "<ProjectReference Include=\"../DnsCert.Web/DnsCert.Web.csproj\" />", "DnsCert.Infrastructure must not reference DnsCert.Web")]
    public void A_forbidden_reference_added_to_a_real_project_is_reported(string project, string item, string expected)
    {
        var copy = Directory.CreateTempSubdirectory("dnscert-arch-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(Source, "*.csproj", SearchOption.AllDirectories))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                var text = File.ReadAllText(file);
                if (name == project)
                {
                    text = text.Replace("</Project>", $"  <ItemGroup>{item}</ItemGroup>\n</Project>", StringComparison.Ordinal);
                }

                Directory.CreateDirectory(Path.Combine(copy.FullName, name));
                File.WriteAllText(Path.Combine(copy.FullName, name, name + ".csproj"), text);
            }

            var violations = LayeringRules.Check(ProjectGraph.Read(copy.FullName));

            violations.ShouldHaveSingleItem().ShouldStartWith(expected);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_project_outside_the_layer_list_is_reported()
    {
        var graph = ProjectGraph.Read(Source).ToDictionary();
        graph["DnsCert.Helpers"] = new ProjectNode("DnsCert.Helpers", new HashSet<string>(), new HashSet<string>(), new HashSet<string>(), "Microsoft.NET.Sdk");

        LayeringRules.Check(graph).ShouldHaveSingleItem().ShouldContain("DnsCert.Helpers is not in the DESIGN §4 layer list");
    }
}
