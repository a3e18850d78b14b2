using ScottPlot;

namespace Svcsim.Reports;

/// <summary>
/// Keeps a per-node or per-pod plot readable and its cost linear in rows at any cluster size: up to
/// <see cref="MaxLines"/> members get a line each; with more, the busiest few (and any the caller must
/// show) get lines and all members together are drawn as a band from the 10th to the 90th percentile per
/// window, with the median.
/// </summary>
internal static class SeriesCap
{
    /// <summary>Members drawn one line each when there are no more than this.</summary>
    public const int MaxLines = 12;

    /// <summary>Busiest members still drawn as lines when there are more than <see cref="MaxLines"/>.</summary>
    public const int Top = 5;

    /// <summary>Rows grouped by member in first-appearance order, each group in the rows' order: one pass.</summary>
    public static List<(string Name, List<T> Rows)> Group<T>(IReadOnlyList<T> rows, Func<T, string> name)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = new List<(string, List<T>)>();
        foreach (var r in rows)
        {
            string n = name(r);
            if (!index.TryGetValue(n, out int i))
            {
                i = groups.Count;
                index.Add(n, i);
                groups.Add((n, []));
            }
            groups[i].Item2.Add(r);
        }
        return groups;
    }

    /// <summary>
    /// The groups to draw as lines: all of them when few; otherwise those <paramref name="mustShow"/> picks
    /// (at most <see cref="Top"/>) and the <see cref="Top"/> with the highest peak, in their original order.
    /// </summary>
    public static List<int> Lines<T>(List<(string Name, List<T> Rows)> groups, Func<T, double> value, Func<List<T>, bool>? mustShow = null)
    {
        if (groups.Count <= MaxLines)
        {
            return Enumerable.Range(0, groups.Count).ToList();
        }
        var chosen = new HashSet<int>();
        if (mustShow is not null)
        {
            for (int i = 0; i < groups.Count && chosen.Count < Top; i++)
            {
                if (mustShow(groups[i].Rows))
                {
                    chosen.Add(i);
                }
            }
        }
        var peaks = new double[groups.Count];
        for (int i = 0; i < groups.Count; i++)
        {
            double peak = double.NegativeInfinity;
            foreach (var r in groups[i].Rows)
            {
                peak = Math.Max(peak, value(r));
            }
            peaks[i] = peak;
        }
        // Highest peak first; ties keep the original order.
        foreach (int i in Enumerable.Range(0, groups.Count).OrderByDescending(i => peaks[i]).Take(Top))
        {
            chosen.Add(i);
        }
        return chosen.Order().ToList();
    }

    /// <summary>
    /// Draws the 10th-90th percentile band and the median over all members per window, when there are more
    /// than <see cref="MaxLines"/> members; returns a sentence for the caption, or "" when nothing was drawn.
    /// A member without a row in a window counts as 0 there (outputs without idle rows leave idle members
    /// out), so values are taken to be at least 0.
    /// </summary>
    public static string AddBand<T>(Plot plot, IReadOnlyList<T> rows, int members, Func<T, double> time, Func<T, double> value, string what)
    {
        if (members <= MaxLines)
        {
            return "";
        }
        var byWindow = new SortedDictionary<double, List<double>>();
        foreach (var r in rows)
        {
            double t = time(r);
            if (!byWindow.TryGetValue(t, out var list))
            {
                list = [];
                byWindow.Add(t, list);
            }
            list.Add(value(r));
        }
        int n = byWindow.Count;
        var xs = new double[n];
        var p10 = new double[n];
        var p50 = new double[n];
        var p90 = new double[n];
        int k = 0;
        foreach (var (t, values) in byWindow)
        {
            values.Sort();
            int zeros = Math.Max(0, members - values.Count);
            xs[k] = t;
            p10[k] = Percentile(values, zeros, 0.10);
            p50[k] = Percentile(values, zeros, 0.50);
            p90[k] = Percentile(values, zeros, 0.90);
            k++;
        }
        if (n > 1)
        {
            var band = plot.Add.FillY(xs, p10, p90);
            band.FillColor = Colors.Gray.WithAlpha(0.25);
            band.LineWidth = 0;
            band.LegendText = $"10th-90th percentile of {members} {what}";
        }
        var median = plot.Add.ScatterLine(xs, p50, Colors.Gray);
        median.LineWidth = 1.5f;
        median.LinePattern = LinePattern.Dashed;
        median.LegendText = $"median of {members} {what}";
        return $" With {members} {what}, the {Top} with the highest peak are drawn one line each and the others as the grey band (10th to 90th percentile per window) and dashed median.";
    }

    /// <summary>Linear interpolation between closest ranks, on <paramref name="zeros"/> zeros followed by the sorted values.</summary>
    private static double Percentile(List<double> sorted, int zeros, double q)
    {
        int count = zeros + sorted.Count;
        double pos = q * (count - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, count - 1);
        double At(int rank) => rank < zeros ? 0 : sorted[rank - zeros];
        return At(lo) + (pos - lo) * (At(hi) - At(lo));
    }
}
