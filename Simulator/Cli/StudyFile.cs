using System.Globalization;
using Svcsim.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Cli;

/// <summary>One scenario of a study: the fault it stands for (a row of the decision matrix) and its file.</summary>
/// <param name="Fault">The row's name, for example <c>worker crash</c>.</param>
/// <param name="File">The scenario file, as resolved against the study file's folder.</param>
/// <param name="Overrides">The study's <c>set</c> entries for this scenario, applied before the command line's.</param>
internal sealed record StudyEntry(string Fault, string File, IReadOnlyList<string> Overrides);

/// <summary>
/// A study file: several scenarios of one cluster, each standing for one kind of fault, run together and summed up
/// in one decision matrix (<c>svcsim study</c>). Keys: <c>name</c>, <c>description</c>, <c>scenarios</c> (a list of
/// <c>fault</c>, <c>file</c> relative to the study file, optional <c>set</c> list of overrides).
/// </summary>
/// <param name="Name">The study's name.</param>
/// <param name="Description">What it answers.</param>
/// <param name="Path">The study file as named.</param>
/// <param name="Text">Its text.</param>
/// <param name="Entries">Its scenarios, in file order.</param>
internal sealed partial record StudyFile(string Name, string Description, string Path, string Text, IReadOnlyList<StudyEntry> Entries)
{
    private static readonly string[] TopKeys = ["name", "description", "scenarios"];
    private static readonly string[] EntryKeys = ["fault", "file", "set"];

    /// <summary>Whether <paramref name="path"/> is a study file: a YAML mapping with a top-level <c>scenarios</c> list.</summary>
    /// <remarks>
    /// Reads through <see cref="InputFiles"/> (size-capped, regular files only) and looks for the key without parsing
    /// the YAML, so a hostile file (a device, an endless stream, deep nesting) is left to the scenario loader's checks.
    /// </remarks>
    public static bool IsStudy(string path)
    {
        var text = InputFiles.ReadText(path);
        return text.Ok && StudyKey().IsMatch(text.Value);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^scenarios[ \t]*:", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex StudyKey();

    /// <summary>Reads and checks a study file; its scenarios are loaded (and checked) by the caller.</summary>
    /// <exception cref="ScenarioException">The file is not a valid study, with file:line:column errors.</exception>
    public static StudyFile Load(string path)
    {
        var errors = new List<ScenarioError>();
        var read = InputFiles.ReadText(path);
        if (!read.Ok)
        {
            throw new ScenarioException([new ScenarioError(path, 0, 0, "", $"cannot read the study file: {read.Error}")]);
        }

        string text = read.Value;

        // Parsed as scenarios are, with the same limits and syntax errors told at their place.
        var diag = new Diagnostics();
        var docs = YamlText.Parse(new SourceFile(path, text), diag) ?? throw new ScenarioException(diag.Errors);
        YamlNode? root = docs.Count == 0 ? null : docs[0];

        if (root is not YamlMappingNode map)
        {
            throw new ScenarioException([new ScenarioError(path, 1, 1, "", "a study is a mapping with name, description and scenarios")]);
        }

        string name = System.IO.Path.GetFileNameWithoutExtension(path);
        string description = "";
        var entries = new List<StudyEntry>();
        string folder = System.IO.Path.GetDirectoryName(path) is { Length: > 0 } d ? d : ".";
        foreach (var (keyNode, value) in map.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (key)
            {
                case "name":
                    name = Scalar(value, "name", errors, path) ?? name;
                    break;
                case "description":
                    description = Scalar(value, "description", errors, path) ?? "";
                    break;
                case "scenarios":
                    if (value is not YamlSequenceNode list || list.Children.Count == 0)
                    {
                        errors.Add(At(path, value, "scenarios", "expected a non-empty list of { fault, file }"));
                        break;
                    }

                    for (int i = 0; i < list.Children.Count; i++)
                    {
                        ReadEntry(list.Children[i], $"scenarios[{i}]", folder, path, entries, errors);
                    }

                    break;
                default:
                    errors.Add(At(path, keyNode, key, $"unknown key; a study has {string.Join(", ", TopKeys)}"));
                    break;
            }
        }

        if (!map.Children.ContainsKey(new YamlScalarNode("scenarios")))
        {
            errors.Add(new ScenarioError(path, 1, 1, "scenarios", "missing: a study lists its scenarios"));
        }

        foreach (var duplicate in entries.GroupBy(e => e.Fault, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(new ScenarioError(path, 0, 0, "scenarios", $"the fault '{duplicate.Key}' is listed {duplicate.Count()} times; each row of the matrix needs its own name"));
        }

        foreach (var duplicate in entries.GroupBy(e => System.IO.Path.GetFileNameWithoutExtension(e.File), StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(new ScenarioError(path, 0, 0, "scenarios", $"two scenarios would write to the same folder '{duplicate.Key}'"));
        }

        if (errors.Count > 0)
        {
            throw new ScenarioException(errors);
        }

        return new StudyFile(name, description, path, text, entries);
    }

    private static void ReadEntry(YamlNode node, string field, string folder, string path, List<StudyEntry> entries, List<ScenarioError> errors)
    {
        if (node is not YamlMappingNode entry)
        {
            errors.Add(At(path, node, field, "expected { fault: ..., file: ... }"));
            return;
        }

        string? fault = null, file = null;
        var overrides = new List<string>();
        foreach (var (keyNode, value) in entry.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (key)
            {
                case "fault":
                    fault = Scalar(value, $"{field}.fault", errors, path);
                    break;
                case "file":
                    file = Scalar(value, $"{field}.file", errors, path);
                    break;
                case "set":
                    if (value is YamlSequenceNode sets)
                    {
                        for (int j = 0; j < sets.Children.Count; j++)
                        {
                            if (Scalar(sets.Children[j], $"{field}.set[{j}]", errors, path) is { } s)
                            {
                                overrides.Add(s);
                            }
                        }
                    }
                    else
                    {
                        errors.Add(At(path, value, $"{field}.set", "expected a list of path=value overrides"));
                    }

                    break;
                default:
                    errors.Add(At(path, keyNode, $"{field}.{key}", $"unknown key; a study's scenario has {string.Join(", ", EntryKeys)}"));
                    break;
            }
        }

        if (fault is null || fault.Length == 0)
        {
            errors.Add(At(path, node, $"{field}.fault", "missing: the fault this scenario stands for (the row of the matrix)"));
        }

        if (file is null || file.Length == 0)
        {
            errors.Add(At(path, node, $"{field}.file", "missing: the scenario file, relative to the study file"));
            return;
        }

        string resolved = System.IO.Path.IsPathRooted(file) ? file : System.IO.Path.Combine(folder, file);
        if (!File.Exists(resolved))
        {
            errors.Add(At(path, entry.Children[new YamlScalarNode("file")], $"{field}.file", $"no such scenario file: {resolved}"));
            return;
        }

        if (fault is not null)
        {
            entries.Add(new StudyEntry(fault, resolved, overrides));
        }
    }

    private static string? Scalar(YamlNode node, string field, List<ScenarioError> errors, string path)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }

        errors.Add(At(path, node, field, "expected a single value"));
        return null;
    }

    private static ScenarioError At(string path, YamlNode node, string field, string message) =>
        new(path, (int)node.Start.Line, (int)node.Start.Column, field, message);

    /// <summary>The number of scenarios, for messages.</summary>
    public string Count => Entries.Count.ToString(CultureInfo.InvariantCulture);
}
