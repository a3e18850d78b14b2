using Svcsim.Scenarios;

namespace Svcsim.Tests.Scenarios;

/// <summary>Finds the repository's files and writes throwaway scenarios into a temporary folder.</summary>
internal sealed class ScenarioFiles : IDisposable
{
    public ScenarioFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "svcsim-scen-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The temporary folder.</summary>
    public string Directory { get; }

    /// <summary>The repository root (the folder holding Simulator.slnx).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulator.slnx")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("Simulator.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The top-level Scenarios folder.</summary>
    public static string ScenariosDir => Path.Combine(RepoRoot, "Scenarios");

    /// <summary>
    /// The example scenarios, by path relative to <see cref="ScenariosDir"/> with '/': its .yaml files, then the
    /// scenario of each example folder, named after the folder (<c>from-manifests/from-manifests.yaml</c>).
    /// </summary>
    public static IReadOnlyList<string> Examples()
    {
        var top = System.IO.Directory.GetFiles(ScenariosDir, "*.yaml").Select(Path.GetFileName)
            .Where(f => !f!.EndsWith("-study.yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var folders = System.IO.Directory.GetDirectories(ScenariosDir)
            .Select(d => Path.GetFileName(d)!)
            .Where(d => File.Exists(Path.Combine(ScenariosDir, d, d + ".yaml")))
            .Order(StringComparer.Ordinal)
            .Select(d => $"{d}/{d}.yaml");
        return [.. top!, .. folders];
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> in the temporary folder and returns its path.</summary>
    public string Write(string name, string text)
    {
        string path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    /// <summary>Loads <paramref name="name"/> expecting failure, and returns the exception.</summary>
    public ScenarioException Fails(string name, params string[] overrides) =>
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Path.Combine(Directory, name), overrides));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
