using MathNet.Numerics.Distributions;

namespace Svcsim.Tests.Model;

/// <summary>
/// Acceptance regions the model's tests compare against: exact binomial quantiles and chi-square
/// quantiles. Every test runs on fixed seeds, so a region at level 1 − α does not make a test flaky: it
/// states how far from theory a correct model may land, and a model off by more fails every time.
/// </summary>
internal static class Tolerances
{
    /// <summary>
    /// The central acceptance region [lo, hi] of a Binomial(n, p) count at <paramref name="level"/>: the largest
    /// lo with P(X &lt; lo) ≤ α/2 and the smallest hi with P(X &gt; hi) ≤ α/2, from the exact CDF.
    /// </summary>
    public static (long Low, long High) BinomialRegion(long n, double p, double level = 0.99)
    {
        double tail = (1 - level) / 2;
        int size = checked((int)n);
        // Smallest lo with P(X <= lo) > tail, i.e. P(X < lo) <= tail.
        long lo = FirstWhere(0, n, k => Binomial.CDF(p, size, k) > tail);
        // Smallest hi with P(X > hi) <= tail, i.e. CDF(hi) >= 1 - tail.
        long hi = FirstWhere(0, n, k => Binomial.CDF(p, size, k) >= 1 - tail);
        return (lo, hi);
    }

    /// <summary>The chi-square statistic of <paramref name="observed"/> counts against equal expected counts.</summary>
    public static double ChiSquareUniform(IReadOnlyList<long> observed)
    {
        double total = observed.Sum();
        double expected = total / observed.Count;
        return observed.Sum(o => (o - expected) * (o - expected) / expected);
    }

    /// <summary>The <paramref name="level"/> quantile of the chi-square distribution with <paramref name="df"/> degrees of freedom.</summary>
    public static double ChiSquareQuantile(int df, double level = 0.99) => ChiSquared.InvCDF(df, level);

    private static long FirstWhere(long from, long to, Func<long, bool> holds)
    {
        // holds is monotone in k (a CDF): binary search for the first k where it holds.
        while (from < to)
        {
            long mid = from + (to - from) / 2;
            if (holds(mid))
            {
                to = mid;
            }
            else
            {
                from = mid + 1;
            }
        }
        return from;
    }
}
