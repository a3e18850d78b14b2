using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Scenarios;

/// <summary>One step of a parameter path: a mapping key or a list index.</summary>
/// <param name="Key">The key, for a step into a mapping.</param>
/// <param name="Index">The index, for a step into a list.</param>
public readonly record struct PathStep(string? Key, int? Index)
{
    /// <summary>The step as written: <c>.key</c> or <c>[2]</c>.</summary>
    public override string ToString() => Key ?? $"[{Index}]";
}

/// <summary>
/// <c>--set path=value</c> overrides, applied to the parsed YAML tree before it is read, so that a bad
/// value is reported like any other, naming the override. Paths are keys joined by dots with list
/// indexes in brackets: <c>clients[0].rate</c>, <c>controlPlane.nodeMonitorGracePeriod</c>,
/// <c>variants[1].preset</c>. A value starting with '[' or '{' is read as flow YAML
/// (<c>variants[0].addresses=[w1, w2]</c>); any other value is taken as written.
/// </summary>
public static class Overrides
{
    /// <summary>Parses a parameter path such as <c>clients[0].rate</c>.</summary>
    public static Parsed<IReadOnlyList<PathStep>> ParsePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var steps = new List<PathStep>();
        string p = path.Trim();
        int i = 0;
        while (i < p.Length)
        {
            if (p[i] == '[')
            {
                int close = p.IndexOf(']', i);
                if (close < 0 || !int.TryParse(p.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    return Parsed<IReadOnlyList<PathStep>>.Fail($"'{path}' has a bad list index; expected a path like clients[0].rate");
                }
                steps.Add(new PathStep(null, index));
                i = close + 1;
                if (i < p.Length && p[i] == '.')
                {
                    i++;
                    if (i == p.Length)
                    {
                        return Parsed<IReadOnlyList<PathStep>>.Fail($"'{path}' ends with '.'; expected a path like clients[0].rate");
                    }
                }
                else if (i < p.Length && p[i] != '[')
                {
                    return Parsed<IReadOnlyList<PathStep>>.Fail($"'{path}' needs a '.' after ']'; expected a path like clients[0].rate");
                }
                continue;
            }
            int end = i;
            while (end < p.Length && p[end] != '.' && p[end] != '[')
            {
                end++;
            }
            string key = p[i..end];
            if (key.Length == 0 || key.Any(char.IsWhiteSpace))
            {
                return Parsed<IReadOnlyList<PathStep>>.Fail($"'{path}' has an empty or spaced key; expected a path like clients[0].rate");
            }
            steps.Add(new PathStep(key, null));
            i = end < p.Length && p[end] == '.' ? end + 1 : end;
            if (end < p.Length && p[end] == '.' && i == p.Length)
            {
                return Parsed<IReadOnlyList<PathStep>>.Fail($"'{path}' ends with '.'; expected a path like clients[0].rate");
            }
        }
        return steps.Count == 0
            ? Parsed<IReadOnlyList<PathStep>>.Fail("the path is empty; expected a path like clients[0].rate")
            : Parsed<IReadOnlyList<PathStep>>.Of(steps);
    }

    /// <summary>Splits <c>path=value</c>.</summary>
    public static Parsed<(string Path, string Value)> Split(string assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        int eq = assignment.IndexOf('=', StringComparison.Ordinal);
        return eq <= 0
            ? Parsed<(string, string)>.Fail($"'{assignment}' is not path=value; expected something like duration=60s or clients[0].rate=500/s")
            : Parsed<(string, string)>.Of((assignment[..eq].Trim(), assignment[(eq + 1)..].Trim()));
    }

    /// <summary>Applies one override to <paramref name="root"/>; problems go to <paramref name="diag"/> naming the override.</summary>
    internal static void Apply(YamlMappingNode root, string assignment, SourceFile file, Diagnostics diag)
    {
        void Fail(string message) => diag.Errors.Add(new ScenarioError(file.Path, 0, 0, "", message, assignment));
        var split = Split(assignment);
        if (!split.Ok)
        {
            Fail(split.Error!);
            return;
        }
        var (pathText, valueText) = split.Value;
        var parsed = ParsePath(pathText);
        if (!parsed.Ok)
        {
            Fail(parsed.Error!);
            return;
        }
        YamlNode value;
        try
        {
            value = YamlText.ParseValue(valueText);
        }
        catch (YamlException e)
        {
            Fail($"'{valueText}' is not valid flow YAML: {e.Message}");
            return;
        }
        diag.MarkOverride(value, assignment);
        var steps = parsed.Value;
        YamlNode current = root;
        string where = "";
        for (int i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            bool last = i == steps.Count - 1;
            YamlNode Next() => last ? value : Created(steps[i + 1].Key is null ? new YamlSequenceNode() : new YamlMappingNode(), assignment, diag);
            if (step.Key is { } key)
            {
                if (current is not YamlMappingNode map)
                {
                    Fail($"{Describe(where)} is {Node.Describe(current)}, not a mapping with key '{key}'");
                    return;
                }
                var existing = map.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k.Value == key);
                if (existing is null || last)
                {
                    YamlNode keyNode = existing ?? Created(new YamlScalarNode(key), assignment, diag);
                    map.Children[keyNode] = Next();
                }
                else if (map.Children[existing] is YamlScalarNode { Value: null or "" or "~" or "null" })
                {
                    map.Children[existing] = Next(); // an empty section: fill it in
                }
                current = map.Children[existing ?? map.Children.Keys.OfType<YamlScalarNode>().First(k => k.Value == key)];
                where = Node.JoinPath(where, key);
            }
            else
            {
                int index = step.Index!.Value;
                if (current is not YamlSequenceNode seq)
                {
                    Fail($"{Describe(where)} is {Node.Describe(current)}, not a list");
                    return;
                }
                if (index > seq.Children.Count)
                {
                    Fail($"{Describe(where)} has {seq.Children.Count} item(s); [{index}] would leave a gap (the next new item is [{seq.Children.Count}])");
                    return;
                }
                if (index == seq.Children.Count)
                {
                    seq.Children.Add(Next());
                }
                else if (last)
                {
                    seq.Children[index] = value;
                }
                current = seq.Children[index];
                where = $"{where}[{index}]";
            }
        }
    }

    private static YamlNode Created(YamlNode node, string assignment, Diagnostics diag)
    {
        diag.MarkOverride(node, assignment);
        return node;
    }

    private static string Describe(string where) => where.Length == 0 ? "the scenario" : where;
}
