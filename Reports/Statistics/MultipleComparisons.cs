using MathNet.Numerics.Distributions;

namespace Svcsim.Reports;

/// <summary>
/// Significance of several paired differences at once. The pairs of k ways of access make k(k-1)/2 comparisons per
/// metric (ten for five); marking each whose 95 % interval excludes zero would find about one in two families
/// "significant" by chance alone. Holm's step-down correction keeps the chance of any false mark in a family at
/// 5 % without assuming the comparisons independent (Holm 1979, "A simple sequentially rejective multiple test
/// procedure", Scand. J. Statist. 6:65-70).
/// </summary>
public static class MultipleComparisons
{
    /// <summary>
    /// The two-sided p-value of the paired t-test of zero mean difference, from the difference's mean and its
    /// Student-t interval at <paramref name="level"/> (the interval is mean ± t(level, n−1)·s/√n, so the standard
    /// error is its half width over t). NaN with fewer than two pairs; with every pair equal (zero width), 1 when the
    /// mean is zero and 0 otherwise.
    /// </summary>
    public static double PairedPValue(Estimate difference, double level = ConfidenceIntervals.Level)
    {
        if (difference.Count < 2 || !double.IsFinite(difference.Mean) || !double.IsFinite(difference.Low) || !double.IsFinite(difference.High))
        {
            return double.NaN;
        }

        int df = difference.Count - 1;
        double half = difference.HalfWidth;
        if (!(half > 0))
        {
            return difference.Mean == 0 ? 1 : 0;
        }

        double standardError = half / StudentT.InvCDF(0, 1, df, 0.5 + level / 2);
        double t = Math.Abs(difference.Mean) / standardError;
        return Math.Min(1, 2 * StudentT.CDF(0, 1, df, -t));
    }

    /// <summary>
    /// Holm's adjusted p-values of <paramref name="p"/>, in the same order: sorted ascending, the i-th smallest of the
    /// m defined values becomes max over j ≤ i of min(1, (m − j + 1)·p(j)). A comparison is significant at α when its
    /// adjusted value is at most α. Undefined (NaN) values stay NaN and do not count in m.
    /// </summary>
    public static double[] HolmAdjusted(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var adjusted = new double[p.Count];
        Array.Fill(adjusted, double.NaN);
        // Stable order of the defined values: ties keep their input order, so the result does not depend on the sort.
        var order = Enumerable.Range(0, p.Count).Where(i => !double.IsNaN(p[i])).OrderBy(i => p[i]).ThenBy(i => i).ToList();
        int m = order.Count;
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            int i = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * p[i]));
            adjusted[i] = running;
        }

        return adjusted;
    }
}
