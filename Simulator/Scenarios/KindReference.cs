using System.Text;
using Svcsim.Access;
using Svcsim.Faults;
using Svcsim.Kinds;

namespace Svcsim.Scenarios;

/// <summary>
/// The parts of Scenarios/README.md that describe kinds, rendered from the kinds' descriptors: a test keeps
/// the README equal to them, so the reference and the code cannot disagree on a key or a default.
/// </summary>
public static class KindReference
{
    /// <summary>The marker pair around the block of <paramref name="name"/> in the README.</summary>
    public static (string Start, string End) Markers(string name) => ($"<!-- generated: {name} -->", $"<!-- end generated: {name} -->");

    /// <summary>The ways of access, one table each.</summary>
    public static string Variants()
    {
        var md = new StringBuilder();
        foreach (var kind in FrontDoorKinds.All)
        {
            md.Append($"**`kind: {kind.Name}`**: {kind.Summary}\n\n");
            md.Append("| Key | Value | Default | Source of the default |\n|---|---|---|---|\n");
            foreach (var key in kind.Keys)
            {
                md.Append($"| `{key.Name}` | {key.Value} | {key.Default} | {key.Notes} |\n");
            }
            md.Append('\n');
        }
        return md.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>The fault kinds, one row each.</summary>
    public static string Faults()
    {
        var md = new StringBuilder();
        md.Append("| `kind` | Keys | Meaning |\n|---|---|---|\n");
        foreach (var kind in FaultKinds.All)
        {
            md.Append($"| `{kind.Name}` | {string.Join(", ", kind.Keys.Select(Key))} | {kind.Summary} |\n");
        }
        return md.ToString();
    }

    private static string Key(KindKey key) => key.Default switch
    {
        "required" => $"`{key.Name}` ({key.Value}, required)",
        _ => $"`{key.Name}` ({key.Value}, default {key.Default})",
    };
}
