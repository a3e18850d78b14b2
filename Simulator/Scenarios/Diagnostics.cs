using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Scenarios;

/// <summary>A file that was read: its name as shown in messages and its text.</summary>
internal sealed record SourceFile(string Path, string Text);

/// <summary>
/// Collects the errors and warnings of one load. Knows which YAML nodes came from a <c>--set</c>
/// override, so that a problem in such a value names the override rather than a line of the file.
/// </summary>
internal sealed class Diagnostics
{
    private readonly Dictionary<YamlNode, string> _overrideOf = new(ReferenceEqualityComparer.Instance);

    public List<ScenarioError> Errors { get; } = [];

    public List<ScenarioError> Warnings { get; } = [];

    public bool HasErrors => Errors.Count > 0;

    private readonly List<string> _files = [];

    /// <summary>Names a file in the order errors are sorted by (the scenario first, then its manifests).</summary>
    public void RegisterFile(string path)
    {
        if (!_files.Contains(path))
        {
            _files.Add(path);
        }
    }

    /// <summary>Records that <paramref name="node"/> and everything under it came from <paramref name="overrideText"/>.</summary>
    public void MarkOverride(YamlNode node, string overrideText)
    {
        foreach (var n in node.AllNodes)
        {
            _overrideOf[n] = overrideText;
        }
    }

    /// <summary>Errors past <see cref="InputLimits.MaxErrors"/>, counted but not kept.</summary>
    public int DroppedErrors { get; private set; }

    /// <summary>The errors in file order, with a last line counting those past the limit.</summary>
    public IReadOnlyList<ScenarioError> Report()
    {
        var sorted = Sorted(Errors);
        if (DroppedErrors == 0 || sorted.Count == 0)
        {
            return sorted;
        }
        return [.. sorted, new ScenarioError(sorted[^1].File, 0, 0, "", $"and {DroppedErrors} more errors (only the first {InputLimits.MaxErrors} are shown)")];
    }

    public ScenarioError Locate(SourceFile file, YamlNode? node, string field, string message)
    {
        message = Shorten(message, InputLimits.MaxMessageChars);
        field = Shorten(field, InputLimits.MaxMessageChars / 2);
        if (node is not null && _overrideOf.TryGetValue(node, out var text))
        {
            return new ScenarioError(file.Path, 0, 0, field, message, text);
        }
        Mark? mark = node?.Start;
        return new ScenarioError(file.Path, (int)(mark?.Line ?? 0), (int)(mark?.Column ?? 0), field, message);
    }

    public void Error(SourceFile file, YamlNode? node, string field, string message)
    {
        if (Errors.Count >= InputLimits.MaxErrors)
        {
            DroppedErrors++;
            return;
        }
        Errors.Add(Locate(file, node, field, message));
    }

    public void Warn(SourceFile file, YamlNode? node, string field, string message)
    {
        if (Warnings.Count < InputLimits.MaxErrors)
        {
            Warnings.Add(Locate(file, node, field, message));
        }
    }

    /// <summary><paramref name="text"/> cut in the middle to at most <paramref name="max"/> characters.</summary>
    public static string Shorten(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }
        int tail = max / 3;
        return string.Concat(text.AsSpan(0, max - tail - 5), $" ... ", text.AsSpan(text.Length - tail));
    }

    /// <summary>Problems sorted by file (in the order files were registered), then position; stable otherwise.</summary>
    public IReadOnlyList<ScenarioError> Sorted(IEnumerable<ScenarioError> list)
    {
        var fileOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string f in _files)
        {
            fileOrder.TryAdd(f, fileOrder.Count);
        }
        foreach (var e in list)
        {
            fileOrder.TryAdd(e.File, fileOrder.Count);
        }
        return list
            .Select((e, i) => (e, i))
            .OrderBy(x => fileOrder[x.e.File]).ThenBy(x => x.e.Line).ThenBy(x => x.e.Column).ThenBy(x => x.i)
            .Select(x => x.e)
            .ToArray();
    }
}
