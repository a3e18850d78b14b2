namespace Svcsim.Reports;

/// <summary>Looks up the means and intervals of a run by way of access and metric, for the page and its conclusion.</summary>
internal sealed class RunFigures(RunResults results, IReadOnlyList<string> variants)
{
    public RunResults Results { get; } = results;

    public IReadOnlyList<string> Variants { get; } = variants;

    /// <summary>The plain estimate of <paramref name="metric"/> for <paramref name="variant"/>, NaN when absent.</summary>
    public Estimate Of(string variant, string metric)
    {
        var row = Results.SummaryCi.FirstOrDefault(c => !c.IsDifference && c.Variant == variant && c.Metric == metric);
        return row is null ? new(0, double.NaN, double.NaN, double.NaN) : new(row.Replications, row.Mean, row.CiLow, row.CiHigh);
    }

    /// <summary>
    /// The pooled figure of <paramref name="metric"/> for <paramref name="variant"/> (a latency percentile over the
    /// requests of all replications together), NaN when absent.
    /// </summary>
    public double Pooled(string variant, string metric) =>
        Results.SummaryCi.FirstOrDefault(c => !c.IsDifference && c.Variant == variant && c.Metric == metric)?.Pooled ?? double.NaN;

    /// <summary>The paired difference <paramref name="a"/> − <paramref name="b"/> of <paramref name="metric"/>, whichever way round it was stored.</summary>
    public Estimate Difference(string a, string b, string metric)
    {
        foreach (var row in Results.SummaryCi)
        {
            if (row.Metric != metric)
            {
                continue;
            }

            if (row.Variant == a && row.ComparedTo == b)
            {
                return new(row.Replications, row.Mean, row.CiLow, row.CiHigh);
            }

            if (row.Variant == b && row.ComparedTo == a)
            {
                return new(row.Replications, -row.Mean, -row.CiHigh, -row.CiLow);
            }
        }

        return new(0, double.NaN, double.NaN, double.NaN);
    }

    /// <summary>The variant with the best mean of <paramref name="metric"/>; the first listed wins ties.</summary>
    public string? Best(string metric, bool higherIsBetter)
    {
        string? best = null;
        double bestValue = double.NaN;
        foreach (string variant in Variants)
        {
            double value = Of(variant, metric).Mean;
            if (double.IsFinite(value) && (best is null || (higherIsBetter ? value > bestValue : value < bestValue)))
            {
                best = variant;
                bestValue = value;
            }
        }

        return best;
    }

    /// <summary>The number of replications of <paramref name="variant"/> in summary.csv.</summary>
    public int Replications(string variant) => Results.Summary.Count(s => s.Variant == variant);
}
