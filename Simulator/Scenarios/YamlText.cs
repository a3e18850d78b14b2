using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
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
        TrailingParser? parser = null;
        try
        {
            // Walked first as a stream of events (no recursion, nothing built), so that a file too deep for the
            // recursive loader or an alias bomb is refused before it costs anything.
            string text = WithoutSpaceOnlyLines(file.Text);
            if (OverBudget(text) is { } problem)
            {
                diag.Errors.Add(new ScenarioError(file.Path, (int)problem.At.Line, (int)problem.At.Column, "", problem.Message));
                return null;
            }
            parser = new TrailingParser(new StringReader(text));
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            diag.Errors.Add(new ScenarioError(file.Path, (int)e.Start.Line, (int)e.Start.Column, "", "invalid YAML: " + Clean(e.Message)));
            return null;
        }
        catch (ArgumentException) when (parser?.Current is not null)
        {
            // YamlDotNet's parser lets some malformed text through as events its loader cannot place (an alias
            // straight after a flow collection, "a: [1]*x", is read as a key, and the mapping ends where its
            // value should be); the loader then throws this, and the event before the misplaced one is where to look.
            var (at, message) = parser.Misplaced();
            diag.Errors.Add(new ScenarioError(file.Path, (int)at.Line, (int)at.Column, "", message));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet throws this (not a YamlException) for an unclosed flow collection, and for a document end
            // marker before any document; the last event the parser produced gives the user a place to look.
            var (line, column) = LastGoodPosition(file.Text);
            string at = file.Text.ReplaceLineEndings("\n").Split('\n').ElementAtOrDefault(line - 1) ?? "";
            diag.Errors.Add(new ScenarioError(file.Path, line, column, "", at.StartsWith("...", StringComparison.Ordinal)
                ? "invalid YAML: '...' ends a document before one has begun; remove it"
                : "invalid YAML after this point: is a '[' or '{' left unclosed?"));
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

    /// <summary>
    /// Empties lines that hold only spaces. YamlDotNet refuses a literal block scalar whose first line is such
    /// a line ("found extra spaces in first line", aaubry/YamlDotNet#523), which Helm-rendered ConfigMaps
    /// (<c>config.yaml: |</c> then a line of spaces) often have and kubectl accepts. In every other place a
    /// line of spaces and an empty line mean the same; inside a block scalar only that line's trailing spaces
    /// change, in values svcsim never reads. Lines keep their numbers, so every position reported stays right.
    /// </summary>
    internal static string WithoutSpaceOnlyLines(string text)
    {
        if (!SpaceOnlyLine().IsMatch(text))
        {
            return text;
        }
        return SpaceOnlyLine().Replace(text, "");
    }

    [GeneratedRegex(@"(?<=^|\n) +(?=\r?\n|$)", RegexOptions.CultureInvariant)]
    private static partial Regex SpaceOnlyLine();

    /// <summary>Parses a value given on the command line: flow YAML when it starts with '[' or '{', else the text itself.</summary>
    public static YamlNode ParseValue(string text)
    {
        string t = text.Trim();
        if (t.StartsWith('[') || t.StartsWith('{'))
        {
            if (OverBudget(t) is { } problem)
            {
                throw new YamlException(problem.At, problem.At, problem.Message);
            }
            var stream = new YamlStream();
            var parser = new TrailingParser(new StringReader(t));
            try
            {
                stream.Load(parser);
            }
            catch (ArgumentException) when (parser.Current is not null)
            {
                var (at, message) = parser.Misplaced();
                throw new YamlException(at, at, message);
            }
            return stream.Documents[0].RootNode;
        }
        if (t.Length >= 2 && ((t[0] == '"' && t[^1] == '"') || (t[0] == '\'' && t[^1] == '\'')))
        {
            return new YamlScalarNode(t[1..^1]) { Style = ScalarStyle.DoubleQuoted };
        }
        return new YamlScalarNode(t);
    }

    /// <summary>
    /// Where and why <paramref name="text"/> exceeds <see cref="InputLimits"/>: nesting deeper than
    /// <see cref="InputLimits.MaxDepth"/>, more than <see cref="InputLimits.MaxNodes"/> nodes, or aliases adding
    /// more than <see cref="InputLimits.MaxAliasNodes"/> (each alias counts as every node of what it names, as
    /// the readers will walk it); an alias inside the node it names (a cycle) is refused too. Null when within.
    /// Syntax errors are left to the loader, which reports them with their place.
    /// </summary>
    internal static (Mark At, string Message)? OverBudget(string text)
    {
        var parser = new Parser(new StringReader(text));
        var open = new List<(long Size, string? Anchor)>();
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        long nodes = 0, aliased = 0;
        void Add(long size)
        {
            if (open.Count > 0)
            {
                open[^1] = (open[^1].Size + size, open[^1].Anchor);
            }
        }
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                switch (e)
                {
                    case DocumentStart:
                        anchors.Clear();
                        break;
                    case MappingStart or SequenceStart:
                        if (open.Count >= InputLimits.MaxDepth)
                        {
                            return (e.Start, $"nested deeper than {InputLimits.MaxDepth} levels of mappings and lists; svcsim reads at most {InputLimits.MaxDepth}");
                        }
                        open.Add((1, ((NodeEvent)e).Anchor.IsEmpty ? null : ((NodeEvent)e).Anchor.Value));
                        nodes++;
                        break;
                    case MappingEnd or SequenceEnd:
                        var (size, anchor) = open[^1];
                        open.RemoveAt(open.Count - 1);
                        if (anchor is not null)
                        {
                            anchors[anchor] = size;
                        }
                        Add(size);
                        break;
                    case Scalar scalar:
                        nodes++;
                        if (!scalar.Anchor.IsEmpty)
                        {
                            anchors[scalar.Anchor.Value] = 1;
                        }
                        Add(1);
                        break;
                    case AnchorAlias alias:
                        string name = alias.Value.Value;
                        if (!anchors.TryGetValue(name, out long expanded))
                        {
                            if (open.Any(o => o.Anchor == name))
                            {
                                return (e.Start, $"the alias *{name} is inside the node &{name} it names: it would never end");
                            }
                            break; // an undefined alias: the loader reports it
                        }
                        aliased += expanded;
                        nodes += expanded;
                        if (aliased > InputLimits.MaxAliasNodes)
                        {
                            return (e.Start, $"aliases expand to more than {InputLimits.MaxAliasNodes} nodes (*{name} alone stands for {expanded}); svcsim refuses such files (an alias bomb?)");
                        }
                        Add(expanded);
                        break;
                }
                if (nodes > InputLimits.MaxNodes)
                {
                    return (e.Start, $"holds more than {InputLimits.MaxNodes} values, mappings and lists; svcsim reads at most {InputLimits.MaxNodes}");
                }
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            return null; // a syntax error: the loader reports it where it is
        }
        return null;
    }

    /// <summary>
    /// A parser that remembers the event before the current one and the first alias written straight after a
    /// flow collection's end (<c>[1]*x</c>), to tell where a misplaced event comes from.
    /// </summary>
    private sealed class TrailingParser(TextReader input) : IParser
    {
        private readonly Parser _inner = new(input);
        private ParsingEvent? _previous;
        private AnchorAlias? _glued;

        public ParsingEvent? Current => _inner.Current;

        public bool MoveNext()
        {
            _previous = _inner.Current;
            bool more = _inner.MoveNext();
            if (_glued is null && _inner.Current is AnchorAlias alias && _previous is SequenceEnd or MappingEnd
                && alias.Start.Index <= _previous.End.Index + 1) // the end event marks the bracket itself
            {
                _glued = alias;
            }
            return more;
        }

        /// <summary>Where and why the current event cannot be placed.</summary>
        public (Mark At, string Message) Misplaced() => (_glued, _previous) switch
        {
            ({ } alias, _) => (alias.Start,
                $"invalid YAML: *{alias.Value} straight after a ']' or '}}' is read as a key, and what follows no longer pairs up; put a ',' or a new line before it"),
            (_, { } before) => (before.End, "invalid YAML: a value was expected after this"),
            _ => (Current!.Start, "invalid YAML: a value was expected here"),
        };
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
