using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Scenarios;

/// <summary>
/// Loads scenario files: YAML (with the Kubernetes manifests it names) into a validated
/// <see cref="ScenarioSpec"/>. Every problem found is reported together in one
/// <see cref="ScenarioException"/>, each with its file, line, column and field path.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Loads and validates the scenario at <paramref name="path"/>.</summary>
    /// <exception cref="ScenarioException">The file cannot be read, or the scenario is invalid.</exception>
    public static ScenarioFile Load(string path) => Load(path, []);

    /// <summary>
    /// Loads the scenario at <paramref name="path"/> with <c>--set path=value</c> overrides applied to its
    /// YAML before it is read (<c>duration=60s</c>, <c>clients[0].rate=500/s</c>, <c>variants[1].preset=aws-nlb</c>).
    /// </summary>
    /// <exception cref="ScenarioException">The file cannot be read, or the scenario is invalid.</exception>
    public static ScenarioFile Load(string path, IReadOnlyList<string> overrides) => Load(path, overrides, allowExternalManifests: false);

    /// <summary>
    /// Loads the scenario at <paramref name="path"/> with overrides; with <paramref name="allowExternalManifests"/>
    /// its manifests may lie outside the scenario's folder tree (by default they are refused unread).
    /// </summary>
    /// <exception cref="ScenarioException">The file cannot be read, or the scenario is invalid.</exception>
    public static ScenarioFile Load(string path, IReadOnlyList<string> overrides, bool allowExternalManifests)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = InputFiles.ReadText(path);
        if (!text.Ok)
        {
            throw new ScenarioException([new ScenarioError(path, 0, 0, "", $"the scenario file {text.Error}")]);
        }
        return LoadText(text.Value, path, overrides, allowExternalManifests);
    }

    /// <summary>
    /// Loads a scenario from <paramref name="text"/> as if read from <paramref name="sourcePath"/> (which
    /// names it in messages and anchors relative manifest paths).
    /// </summary>
    /// <exception cref="ScenarioException">The scenario is invalid.</exception>
    public static ScenarioFile LoadText(string text, string sourcePath, IReadOnlyList<string>? overrides = null, bool allowExternalManifests = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourcePath);
        var file = Load(text, sourcePath, overrides ?? [], checkSweep: true, allowExternalManifests, out var diag);
        if (file is null)
        {
            throw new ScenarioException(diag.Report(), diag.Sorted(diag.Warnings));
        }
        return file;
    }

    private static ScenarioFile? Load(string text, string sourcePath, IReadOnlyList<string> overrides, bool checkSweep, bool allowExternalManifests, out Diagnostics diag)
    {
        diag = new Diagnostics();
        var source = new SourceFile(sourcePath, text);
        diag.RegisterFile(sourcePath);
        var docs = YamlText.Parse(source, diag);
        if (docs is null)
        {
            return null;
        }
        if (docs.Count != 1 || docs[0] is not YamlMappingNode tree)
        {
            var at = docs.Count > 1 ? docs[1] : docs.FirstOrDefault();
            diag.Error(source, at, "", docs.Count switch
            {
                0 => "the scenario is empty; expected a mapping with name, duration, cluster, manifests, clients and variants",
                1 => $"expected a mapping of scenario sections, found {Node.Describe(docs[0])}",
                _ => "a scenario file holds one YAML document; put Kubernetes objects in the manifests file it names",
            });
            return null;
        }
        foreach (string o in overrides)
        {
            Overrides.Apply(tree, o, source, diag);
        }
        if (diag.HasErrors)
        {
            return null;
        }
        var result = ScenarioReader.Read(tree, source, diag, allowExternalManifests);
        if (result.Spec is null)
        {
            return null;
        }
        if (checkSweep)
        {
            CheckSweep(result.Sweep, text, sourcePath, overrides, allowExternalManifests, diag);
            if (diag.HasErrors)
            {
                return null;
            }
        }
        return new ScenarioFile(result.Spec, sourcePath, text, Hash(text, result.Manifests, overrides),
            result.Sweep.Select(s => s.Parameter).ToArray())
        {
            ManifestPaths = result.Manifests.Select(m => m.Path).ToArray(),
            Overrides = overrides.ToArray(),
            Warnings = diag.Sorted(diag.Warnings),
        };
    }

    /// <summary>Loads the scenario once per sweep value, so a value that cannot work is reported now, at its line.</summary>
    private static void CheckSweep(IReadOnlyList<SweepEntry> sweep, string text, string sourcePath, IReadOnlyList<string> overrides, bool allowExternalManifests, Diagnostics diag)
    {
        long points = 1;
        foreach (var entry in sweep)
        {
            points = Math.Min(points * entry.ValueNodes.Count, long.MaxValue / 2);
            if (points > InputLimits.MaxSweepPoints)
            {
                entry.At.Error($"the sweep's grid has more than {InputLimits.MaxSweepPoints} points; svcsim runs at most {InputLimits.MaxSweepPoints} points per sweep");
                return;
            }
        }
        foreach (var entry in sweep)
        {
            for (int i = 0; i < entry.ValueNodes.Count; i++)
            {
                string set = entry.Parameter.Override(i);
                if (Load(text, sourcePath, [.. overrides, set], checkSweep: false, allowExternalManifests, out var inner) is null)
                {
                    var first = inner.Sorted(inner.Errors)[0];
                    string field = first.Field.Length > 0 ? first.Field + ": " : "";
                    entry.ValueNodes[i].Error($"with {set}: {field}{first.Message}");
                }
            }
        }
    }

    private static string Hash(string text, IReadOnlyList<SourceFile> manifests, IReadOnlyList<string> overrides)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(text));
        foreach (var m in manifests)
        {
            sha.AppendData([0]);
            sha.AppendData(Encoding.UTF8.GetBytes(m.Text));
        }
        foreach (string o in overrides)
        {
            sha.AppendData([0, 1]);
            sha.AppendData(Encoding.UTF8.GetBytes(o));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
