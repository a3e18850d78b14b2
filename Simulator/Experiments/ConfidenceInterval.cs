using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Svcsim.Experiments;

/// <summary>
/// A two-sided Student-t confidence interval for a mean, from independent replications: each replication
/// gives one value (its availability, its mean wait...), and mean ± t(1 − α/2, R − 1) · s / √R covers the
/// true mean with probability 1 − α when the replication values are close to normal (long replications,
/// by the central limit theorem).
/// </summary>
/// <param name="Mean">The mean of the replication values.</param>
/// <param name="HalfWidth">Half the width of the interval.</param>
/// <param name="Level">The confidence level, for example 0.95.</param>
/// <param name="Count">The number of replications it rests on.</param>
public readonly record struct ConfidenceInterval(double Mean, double HalfWidth, double Level, int Count)
{
    /// <summary>The lower bound.</summary>
    public double Low => Mean - HalfWidth;

    /// <summary>The upper bound.</summary>
    public double High => Mean + HalfWidth;

    /// <summary>Whether <paramref name="value"/> lies inside the interval (bounds included).</summary>
    public bool Contains(double value) => Math.Abs(value - Mean) <= HalfWidth;

    /// <summary>Whether zero lies outside the interval (a paired difference is significant).</summary>
    public bool ExcludesZero => !Contains(0);

    /// <summary>The interval at <paramref name="level"/> from the values of independent replications (at least two).</summary>
    public static ConfidenceInterval Of(IReadOnlyList<double> values, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count;
        if (n < 2)
        {
            throw new ArgumentException("a confidence interval needs at least two replications", nameof(values));
        }
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "must lie strictly between 0 and 1");
        }
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += values[i];
        }
        double mean = sum / n;
        // Two passes: squared deviations from the mean keep their precision when values are close together
        // (availabilities of 0.9999x), which the one-pass sum of squares would lose.
        double squares = 0;
        for (int i = 0; i < n; i++)
        {
            double d = values[i] - mean;
            squares += d * d;
        }
        double standardError = Math.Sqrt(squares / (n - 1) / n);
        double t = StudentT.InvCDF(0, 1, n - 1, 1 - (1 - level) / 2);
        return new ConfidenceInterval(mean, t * standardError, level, n);
    }

    /// <summary>
    /// The interval of the mean difference a − b over replications run in pairs (the same replication of two
    /// variants, which share their random numbers): the differences are what varies, so the interval is much
    /// narrower than the two separate ones when the variants are positively correlated.
    /// </summary>
    public static ConfidenceInterval OfPairedDifferences(IReadOnlyList<double> a, IReadOnlyList<double> b, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException("paired differences need the same number of replications on both sides", nameof(b));
        }
        var d = new double[a.Count];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = a[i] - b[i];
        }
        return Of(d, level);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Mean:G6} ± {HalfWidth:G3} ({Level:P0}, n = {Count})");
}
