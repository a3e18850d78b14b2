using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Scenarios;

/// <summary>Turns YAML text into representation-model documents, reporting syntax errors with their place.</summary>
internal static partial class YamlText
{
    /// <summary>
    /// The root nodes of every non-empty document of <paramref name="file"/>, or null after reporting a
    /// syntax error (YamlDotNet stops at the first one).
    /// </summary>
    public static IReadOnlyList<YamlNode>? Parse(SourceFile file, Diagnostics diag)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(file.Text));
        }
        catch (YamlException e)
        {
            diag.Errors.Add(new ScenarioError(file.Path, (int)e.Start.Line, (int)e.Start.Column, "", "invalid YAML: " + Clean(e.Message)));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet throws this (not a YamlException) for an unclosed flow collection; the last event
            // the parser produced gives the user a place to look.
            var (line, column) = LastGoodPosition(file.Text);
            diag.Errors.Add(new ScenarioError(file.Path, line, column, "",
                "invalid YAML after this point: is a '[' or '{' left unclosed?"));
            return null;
        }
        var roots = new List<YamlNode>();
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                continue; // an empty document, as between two "---"
            }
            roots.Add(doc.RootNode);
        }
        return roots;
    }

    /// <summary>Parses a value given on the command line: flow YAML when it starts with '[' or '{', else the text itself.</summary>
    public static YamlNode ParseValue(string text)
    {
        string t = text.Trim();
        if (t.StartsWith('[') || t.StartsWith('{'))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(t));
            return stream.Documents[0].RootNode;
        }
        if (t.Length >= 2 && ((t[0] == '"' && t[^1] == '"') || (t[0] == '\'' && t[^1] == '\'')))
        {
            return new YamlScalarNode(t[1..^1]) { Style = ScalarStyle.DoubleQuoted };
        }
        return new YamlScalarNode(t);
    }

    private static (int Line, int Column) LastGoodPosition(string text)
    {
        var parser = new Parser(new StringReader(text));
        Mark last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                last = parser.Current!.Start;
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (YamlException)
        {
        }
        return ((int)last.Line, (int)last.Column);
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    private static string Clean(string message)
    {
        string m = MarkPrefix().Replace(message, "");
        if (m.StartsWith("Duplicate key ", StringComparison.Ordinal))
        {
            return $"duplicate key '{m["Duplicate key ".Length..]}'";
        }
        return m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : m;
    }
}
