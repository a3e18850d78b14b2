namespace Svcsim.Experiments;

/// <summary>One swept parameter: a scenario path and the values it takes.</summary>
/// <param name="Path">A <c>--set</c> path such as <c>clients[0].rate</c>.</param>
/// <param name="Values">Values as written (<c>200/s</c>, <c>40s</c>...).</param>
public sealed record SweepAxis(string Path, IReadOnlyList<string> Values);

/// <summary>One point of a sweep grid.</summary>
/// <param name="Index">Position in the grid, from 0 (the last axis varies fastest).</param>
/// <param name="Settings">(path, value) of each axis at this point.</param>
public sealed record SweepPoint(int Index, IReadOnlyList<(string Path, string Value)> Settings)
{
    /// <summary>The overrides that turn the base scenario into this point.</summary>
    public IReadOnlyList<string> Overrides => Settings.Select(s => $"{s.Path}={s.Value}").ToList();
}

/// <summary>The grid of all combinations of a sweep's axes, and its division into shards.</summary>
public static class SweepGrid
{
    /// <summary>Every combination, numbered so that the last axis varies fastest.</summary>
    public static IReadOnlyList<SweepPoint> Points(IReadOnlyList<SweepAxis> axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        var points = new List<SweepPoint>();
        int total = axes.Aggregate(1, (n, a) => checked(n * a.Values.Count));
        for (int i = 0; i < total; i++)
        {
            var settings = new (string, string)[axes.Count];
            int rest = i;
            for (int a = axes.Count - 1; a >= 0; a--)
            {
                int k = axes[a].Values.Count;
                settings[a] = (axes[a].Path, axes[a].Values[rest % k]);
                rest /= k;
            }
            points.Add(new SweepPoint(i, settings));
        }
        return points;
    }

    /// <summary>How many points the grid has, saturating at <see cref="long.MaxValue"/> (so it can be checked before any is made).</summary>
    public static long Count(IReadOnlyList<SweepAxis> axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        long n = 1;
        foreach (var a in axes)
        {
            n = a.Values.Count == 0 ? 0 : n > long.MaxValue / a.Values.Count ? long.MaxValue : n * a.Values.Count;
        }
        return n;
    }

    /// <summary>Whether shard <paramref name="shard"/> (1-based) of <paramref name="shards"/> runs point <paramref name="index"/>: every N-th point.</summary>
    public static bool InShard(int index, int shard, int shards) => index % shards == shard - 1;

    /// <summary>Parses <c>I/N</c> (1 &lt;= I &lt;= N); null when malformed.</summary>
    public static (int Shard, int Shards)? ParseShard(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int n) && n >= 1 && i >= 1 && i <= n)
        {
            return (i, n);
        }
        return null;
    }

    /// <summary>
    /// Parses <c>path=v1,v2,v3</c>; null when malformed. Only commas outside (), [] and {} separate values, so a
    /// value may be flow YAML, as in <c>--set</c>: <c>variants[0].addresses=[cp1],[w1, w2]</c> has two values.
    /// </summary>
    public static SweepAxis? ParseAxis(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == text.Length - 1 || text[..eq].Trim().Length == 0)
        {
            return null;
        }
        var values = SplitTopLevel(text[(eq + 1)..]);
        return values is null || values.Any(v => v.Length == 0) ? null : new SweepAxis(text[..eq].Trim(), values);
    }

    /// <summary>Splits at commas outside (), [] and {}; null when the brackets do not balance.</summary>
    private static List<string>? SplitTopLevel(string text)
    {
        var values = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    if (--depth < 0)
                    {
                        return null;
                    }
                    break;
                case ',' when depth == 0:
                    values.Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }
        if (depth != 0)
        {
            return null;
        }
        values.Add(text[start..].Trim());
        return values;
    }
}
