namespace DnsCert.TestSupport;

/// <summary>Where things are, found from the test assembly upwards, so tests run from any working directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DnsCert.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("DnsCert.slnx not found above " + AppContext.BaseDirectory);
    });

    public static string Root => s_root.Value;

    /// <summary>The shared real data (../shared/data beside the checkout), read in place and never copied.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    public static string Artifact(string project, string file) =>
        Path.Combine(Root, "artifacts", "bin", project, "debug", file);
}
