using Svcsim.Engine;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Scenarios;

/// <summary>How a mapping treats keys it does not know.</summary>
internal enum UnknownKeys
{
    /// <summary>Not checked (Kubernetes objects whose other fields svcsim ignores).</summary>
    Ignore,
    /// <summary>A warning (Kubernetes itself warns about unknown fields).</summary>
    Warn,
    /// <summary>An error with a "did you mean" (scenario files).</summary>
    Error,
}

/// <summary>
/// A YAML node with the field path that leads to it, the file it is in and where errors go. The typed
/// readers of scenario sections and manifests see only this and <see cref="Map"/>, never raw YamlDotNet
/// nodes, so every problem is reported with a file, a line, a column and a field path.
/// </summary>
internal readonly record struct Node(YamlNode Yaml, string Path, SourceFile File, Diagnostics Diag)
{
    /// <summary>An empty value, <c>~</c> or <c>null</c>: treated as absent.</summary>
    public bool IsNull => Yaml is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s
        && (string.IsNullOrEmpty(s.Value) || s.Value is "~" or "null" or "Null" or "NULL");

    public void Error(string message) => Diag.Error(File, Yaml, Path, message);

    public void Warn(string message) => Diag.Warn(File, Yaml, Path, message);

    public Node Child(string key, YamlNode value) => this with { Yaml = value, Path = JoinPath(Path, key) };

    public Node Item(int index, YamlNode value) => this with { Yaml = value, Path = $"{Path}[{index}]" };

    /// <summary>The text of a scalar; an error and null for a mapping or a list.</summary>
    public string? Text(string expected)
    {
        if (Yaml is YamlScalarNode s)
        {
            return s.Value ?? "";
        }
        Error($"expected {expected}, found {Describe(Yaml)}");
        return null;
    }

    /// <summary>Parses the scalar with <paramref name="parse"/>, then applies <paramref name="check"/> (null: fine).</summary>
    public bool TryParse<T>(Func<string, Parsed<T>> parse, string expected, out T value, Func<T, string?>? check = null)
    {
        value = default!;
        string? text = Text(expected);
        if (text is null)
        {
            return false;
        }
        var parsed = parse(text);
        if (!parsed.Ok)
        {
            Error(parsed.Error!);
            return false;
        }
        if (check?.Invoke(parsed.Value) is { } problem)
        {
            Error(problem);
            return false;
        }
        value = parsed.Value;
        return true;
    }

    /// <summary>The mapping at this node; an error and null when it is something else.</summary>
    public Map? AsMap(string expected = "a mapping of keys to values")
    {
        if (Yaml is YamlMappingNode m)
        {
            return new Map(this, m);
        }
        Error($"expected {expected}, found {Describe(Yaml)}");
        return null;
    }

    /// <summary>The items of a list; with <paramref name="allowSingle"/> a lone scalar counts as a list of one.</summary>
    public IReadOnlyList<Node> AsList(string expected = "a list", bool allowSingle = false)
    {
        if (IsNull)
        {
            return [];
        }
        if (Yaml is YamlSequenceNode seq)
        {
            var items = new List<Node>(seq.Children.Count);
            for (int i = 0; i < seq.Children.Count; i++)
            {
                items.Add(Item(i, seq.Children[i]));
            }
            return items;
        }
        if (allowSingle && Yaml is YamlScalarNode)
        {
            return [this];
        }
        Error($"expected {expected}, found {Describe(Yaml)}");
        return [];
    }

    /// <summary>A list of strings (a single string is a list of one).</summary>
    public IReadOnlyList<(string Value, Node At)> Strings(string expected)
    {
        var result = new List<(string, Node)>();
        foreach (var item in AsList(expected, allowSingle: true))
        {
            if (item.Text(expected) is { } t)
            {
                result.Add((t.Trim(), item));
            }
        }
        return result;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s when string.IsNullOrEmpty(s.Value) => "nothing",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "something else",
    };

    /// <summary><c>a.b</c>, or <c>a['x.y']</c> when the key is not a plain word.</summary>
    public static string JoinPath(string path, string key)
    {
        bool plain = key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        if (!plain)
        {
            return $"{path}['{key}']";
        }
        return path.Length == 0 ? key : $"{path}.{key}";
    }
}

/// <summary>A YAML mapping being read: typed getters with defaults, and unknown-key checks with suggestions.</summary>
internal sealed class Map
{
    private readonly Dictionary<string, (YamlNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _unknown = [];
    private UnknownKeys _mode = UnknownKeys.Ignore;

    public Map(Node self, YamlMappingNode mapping)
    {
        Self = self;
        foreach (var (k, v) in mapping.Children)
        {
            if (k is YamlScalarNode { Value: { } key })
            {
                _entries[key] = (k, v);
            }
            else
            {
                self.Diag.Error(self.File, k, self.Path, $"expected a plain key, found {Node.Describe(k)}");
            }
        }
    }

    /// <summary>The mapping itself (for errors about it as a whole).</summary>
    public Node Self { get; }

    /// <summary>Keys in file order.</summary>
    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>Every entry in file order, with the node of its key (for errors about the key itself).</summary>
    public IEnumerable<(string Key, Node KeyNode, Node Value)> Entries =>
        _entries.Select(e => (e.Key, Self with { Yaml = e.Value.Key, Path = Node.JoinPath(Self.Path, e.Key) }, Self.Child(e.Key, e.Value.Value)));

    /// <summary>
    /// Reports keys outside <paramref name="known"/> as <paramref name="mode"/> says, with the closest
    /// known key as a suggestion, or with <paramref name="elsewhere"/>'s note when a key belongs to
    /// another kind.
    /// </summary>
    public Map Check(IReadOnlyCollection<string> known, UnknownKeys mode = UnknownKeys.Error, Func<string, string?>? elsewhere = null, string what = "key")
    {
        _mode = mode;
        if (mode == UnknownKeys.Ignore)
        {
            return this;
        }
        foreach (var (key, (keyNode, _)) in _entries)
        {
            if (known.Contains(key))
            {
                continue;
            }
            if (key.EndsWith(')') && key.Contains('=', StringComparison.Ordinal))
            {
                continue; // the tail of a distribution split at its comma inside { }: reported at the value
            }
            _unknown.Add(key);
            string hint = elsewhere?.Invoke(key) ?? Suggest.Hint(key, known);
            string message = $"unknown {what} '{key}'{hint}; expected one of: {string.Join(", ", known)}";
            if (mode == UnknownKeys.Error)
            {
                Self.Diag.Error(Self.File, keyNode, Node.JoinPath(Self.Path, key), message);
            }
            else
            {
                Self.Diag.Warn(Self.File, keyNode, Node.JoinPath(Self.Path, key), message + " (ignored)");
            }
        }
        return this;
    }

    /// <summary>True when the key is present with a non-null value.</summary>
    public bool Has(string key) => Get(key) is not null;

    /// <summary>The value of <paramref name="key"/>, or null when absent or null.</summary>
    public Node? Get(string key)
    {
        if (!_entries.TryGetValue(key, out var e))
        {
            return null;
        }
        var node = Self.Child(key, e.Value);
        return node.IsNull ? null : node;
    }

    /// <summary>The node of the key itself, for errors about a key's presence.</summary>
    public Node KeyNode(string key) =>
        _entries.TryGetValue(key, out var e) ? Self with { Yaml = e.Key, Path = Node.JoinPath(Self.Path, key) } : Self;

    /// <summary>The value of a key that must be there; an error at the mapping when it is not.</summary>
    public Node? Required(string key, string expected)
    {
        if (Get(key) is { } n)
        {
            return n;
        }
        string? nearMiss = _unknown.FirstOrDefault(u => Suggest.Closest(u, [key]) is not null);
        if (nearMiss is not null && _mode == UnknownKeys.Error)
        {
            return null; // already reported as an unknown key with "did you mean '{key}'"
        }
        string also = nearMiss is null ? "" : $" (found '{nearMiss}': did you mean '{key}'?)";
        Self.Diag.Error(Self.File, Self.Yaml, Node.JoinPath(Self.Path, key), $"is required: {expected}{also}");
        return null;
    }

    public string? RequiredString(string key, string expected) => Required(key, expected)?.Text(expected)?.Trim();

    public string String(string key, string fallback) => Get(key)?.Text("a string")?.Trim() ?? fallback;

    public T Value<T>(string key, T fallback, Func<string, Parsed<T>> parse, string expected, Func<T, string?>? check = null) =>
        Get(key) is { } n && n.TryParse(parse, expected, out T v, check) ? v : fallback;

    public double Duration(string key, double fallback, bool positive = false, bool allowNever = false) =>
        Value(key, fallback, t => Units.Duration(t, allowNever), "a duration like 90s", positive ? MustBePositive : null);

    public int Int(string key, int fallback, int min, int max = int.MaxValue) =>
        Value(key, fallback, ParseInt, "a whole number", v => Range(v, min, max));

    public long Long(string key, long fallback) => Value(key, fallback, ParseLong, "a whole number");

    public double Rate(string key, double fallback, bool positive = true) =>
        Value(key, fallback, Units.Rate, "a rate like 200/s", positive ? MustBePositive : null);

    public double Fraction(string key, double fallback, bool zeroAllowed = true, bool oneAllowed = true) =>
        Value(key, fallback, Units.Fraction, "a fraction like 0.99 or 99%", v =>
            !zeroAllowed && v <= 0 ? "must be more than 0"
            : !oneAllowed && v >= 1 ? "must be less than 1 (100%)"
            : null);

    public double Bandwidth(string key, double fallback) => Value(key, fallback, Units.Bandwidth, "a bandwidth like 1Gbps");

    public bool Bool(string key, bool fallback) => Value(key, fallback, ParseBool, "true or false");

    public Distribution Distribution(string key, Distribution fallback, Quantity quantity, bool positiveMean = false) =>
        Value(key, fallback, t => DistributionNotation.Parse(t, quantity), "a distribution", d =>
            positiveMean && d.Mean <= 0 ? "must have a positive mean" : null);

    /// <summary>
    /// One of a fixed set of words, with a suggestion when misspelt. Scenario words are compared
    /// case-insensitively; Kubernetes fields (<paramref name="exactCase"/>) exactly, as the API server does.
    /// </summary>
    public T Enum<T>(string key, T fallback, IReadOnlyDictionary<string, T> words, bool exactCase = false) =>
        Value(key, fallback, t => ParseWord(t, words, exactCase), string.Join("|", words.Keys));

    public static Parsed<T> ParseWord<T>(string text, IReadOnlyDictionary<string, T> words, bool exactCase = false)
    {
        string t = text.Trim();
        foreach (var (w, v) in words)
        {
            if (w.Equals(t, exactCase ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
            {
                return Parsed<T>.Of(v);
            }
        }
        return Parsed<T>.Fail($"'{t}' is not one of {string.Join(", ", words.Keys)}{Suggest.Hint(t, words.Keys)}");
    }

    public static Parsed<int> ParseInt(string text) =>
        int.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int v)
            ? Parsed<int>.Of(v)
            : Parsed<int>.Fail($"expected a whole number, found '{text.Trim()}'");

    public static Parsed<long> ParseLong(string text) =>
        long.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long v)
            ? Parsed<long>.Of(v)
            : Parsed<long>.Fail($"expected a whole number, found '{text.Trim()}'");

    public static Parsed<bool> ParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" => Parsed<bool>.Of(true),
        "false" => Parsed<bool>.Of(false),
        _ => Parsed<bool>.Fail($"expected true or false, found '{text.Trim()}'"),
    };

    public static string? MustBePositive(double v) => v > 0 ? null : "must be more than 0";

    public static string? Range(int v, int min, int max) =>
        v < min ? (min == 1 ? $"must be at least 1, found {v}" : $"must be at least {min}, found {v}")
        : v > max ? $"must be at most {max}, found {v}"
        : null;
}
