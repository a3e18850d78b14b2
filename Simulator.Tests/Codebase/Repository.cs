namespace Svcsim.Tests.Codebase;

/// <summary>The repository's own source files, found from the test binaries by walking up to Simulator.slnx.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Simulator.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Simulator.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>Files under <paramref name="folder"/> (relative to the root) matching <paramref name="pattern"/>, build output excluded; paths relative to the root with '/'.</summary>
    public static IReadOnlyList<string> Files(string folder, string pattern)
    {
        string start = Path.Combine(Root, folder);
        if (!Directory.Exists(start))
        {
            return [];
        }
        return Directory.EnumerateFiles(start, pattern, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));
}
