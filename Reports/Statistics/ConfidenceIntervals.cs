namespace Svcsim.Reports;

/// <summary>The mean of a sample and its two-sided confidence interval.</summary>
/// <param name="Count">The number of finite values the estimate is based on.</param>
/// <param name="Mean">The sample mean (NaN without values).</param>
/// <param name="Low">The lower bound (NaN with fewer than two values).</param>
/// <param name="High">The upper bound (NaN with fewer than two values).</param>
public readonly record struct Estimate(int Count, double Mean, double Low, double High)
{
    /// <summary>Half the width of the interval, NaN when it is not defined.</summary>
    public double HalfWidth => (High - Low) / 2;

    /// <summary>Whether the interval is defined and does not contain zero.</summary>
    public bool ExcludesZero => Low > 0 || High < 0;

    /// <summary>Whether <paramref name="value"/> lies in the interval (bounds included).</summary>
    public bool Contains(double value) => value >= Low && value <= High;
}

/// <summary>
/// 95 % Student-t confidence intervals over replications, and the <c>summary_ci.csv</c> and <c>sweep_ci.csv</c>
/// rows built from them. Groups and rows come out in the order in which their keys first appear in the input, so
/// the same input always gives the same output.
/// </summary>
public static class ConfidenceIntervals
{
    /// <summary>The confidence level of every interval in the reports.</summary>
    public const double Level = 0.95;

    /// <summary>
    /// The mean of the finite values of <paramref name="values"/> (NaN and infinities are left out and not counted)
    /// with its Student-t interval at <paramref name="level"/> (<see cref="Level"/> unless told).
    /// </summary>
    public static Estimate Of(IEnumerable<double> values, double level = Level)
    {
        ArgumentNullException.ThrowIfNull(values);
        var finite = new List<double>();
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                finite.Add(v);
            }
        }

        int n = finite.Count;
        if (n == 0)
        {
            return new(0, double.NaN, double.NaN, double.NaN);
        }

        double sum = 0;
        foreach (double v in finite)
        {
            sum += v;
        }

        double mean = sum / n;
        if (n == 1)
        {
            return new(1, mean, double.NaN, double.NaN);
        }

        // Two passes: the sum of squared deviations from the mean keeps its precision when values are close together
        // (availabilities of 0.9999x).
        double squares = 0;
        foreach (double v in finite)
        {
            squares += (v - mean) * (v - mean);
        }

        double standardError = Math.Sqrt(squares / (n - 1) / n);
        double half = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, n - 1, 0.5 + level / 2) * standardError;
        return new(n, mean, mean - half, mean + half);
    }

    /// <summary>
    /// The interval of the mean paired difference <paramref name="a"/>[i] − <paramref name="b"/>[i] (the same
    /// replication run two ways, with common random numbers): narrower than comparing two separate intervals.
    /// </summary>
    public static Estimate OfPairedDifferences(IReadOnlyList<double> a, IReadOnlyList<double> b, double level = Level)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException("paired samples need the same number of values", nameof(b));
        }
        return Of(a.Select((x, i) => x - b[i]), level);
    }

    /// <summary>
    /// The rows of <c>summary_ci.csv</c>: for each scenario and way of access, every metric of
    /// <see cref="SummaryRow.Metrics"/>; then, for each pair of ways of access (A listed after B in
    /// <paramref name="rows"/>), the paired difference A − B over the replications both have. A plain row's
    /// <see cref="SummaryCiRow.Pooled"/> is <paramref name="pooled"/>(scenario, variant, metric) for the metrics of
    /// <see cref="SummaryCiRow.PooledLatencies"/> (NaN without it, and for every other row).
    /// </summary>
    public static IReadOnlyList<SummaryCiRow> ForSummary(IReadOnlyList<SummaryRow> rows, Func<string, string, string, double>? pooled = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var result = new List<SummaryCiRow>();
        foreach (string scenario in Order.FirstAppearance(rows, r => r.Scenario))
        {
            // Variants keep the input's order; replications are summed in ascending order whatever the input's.
            var ofScenario = rows.Where(r => r.Scenario == scenario).ToList();
            var variants = Order.FirstAppearance(ofScenario, r => r.Variant);
            ofScenario = [.. ofScenario.OrderBy(r => r.Replication)];
            foreach (string variant in variants)
            {
                var ofVariant = ofScenario.Where(r => r.Variant == variant).ToList();
                foreach (var metric in SummaryRow.Metrics)
                {
                    var e = Of(ofVariant.Select(metric.Read));
                    double p = pooled is not null && SummaryCiRow.PooledLatencies.Any(l => l.Metric == metric.Name) ? pooled(scenario, variant, metric.Name) : double.NaN;
                    result.Add(new(scenario, variant, "", metric.Name, e.Count, e.Mean, e.Low, e.High, p));
                }
            }

            for (int b = 0; b < variants.Count; b++)
            {
                for (int a = b + 1; a < variants.Count; a++)
                {
                    var pairs = Pair(ofScenario, variants[a], variants[b]);
                    foreach (var metric in SummaryRow.Metrics)
                    {
                        var e = Of(pairs.Select(p => metric.Read(p.A) - metric.Read(p.B)));
                        result.Add(new(scenario, variants[a], variants[b], metric.Name, e.Count, e.Mean, e.Low, e.High, double.NaN));
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The rows of <c>sweep_ci.csv</c>: for each sweep point and way of access, every metric of
    /// <see cref="SweepRow.Metrics"/>.
    /// </summary>
    public static IReadOnlyList<SweepCiRow> ForSweep(IReadOnlyList<SweepRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var result = new List<SweepCiRow>();
        foreach (int point in Order.FirstAppearance(rows, r => r.Point))
        {
            var ofPoint = rows.Where(r => r.Point == point).ToList();
            string parameters = ofPoint[0].Parameters;
            var variants = Order.FirstAppearance(ofPoint, r => r.Variant);
            ofPoint = [.. ofPoint.OrderBy(r => r.Replication)];
            foreach (string variant in variants)
            {
                var ofVariant = ofPoint.Where(r => r.Variant == variant).ToList();
                foreach (var metric in SweepRow.Metrics)
                {
                    var e = Of(ofVariant.Select(metric.Read));
                    result.Add(new(point, parameters, variant, metric.Name, e.Count, e.Mean, e.Low, e.High));
                }
            }
        }

        return result;
    }

    private static List<(SummaryRow A, SummaryRow B)> Pair(List<SummaryRow> rows, string a, string b)
    {
        var pairs = new List<(SummaryRow, SummaryRow)>();
        foreach (var rowA in rows.Where(r => r.Variant == a))
        {
            var rowB = rows.FirstOrDefault(r => r.Variant == b && r.Replication == rowA.Replication);
            if (rowB is not null)
            {
                pairs.Add((rowA, rowB));
            }
        }

        return pairs;
    }
}
