using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Svcsim.Tests.Engine;

/// <summary>
/// A Student-t confidence interval for a mean, from the means of independent replications: the
/// replication means are close to normal by the central limit theorem when each replication is long,
/// so mean +- t_{1 - alpha/2, R - 1} x s / sqrt(R) covers the true mean with probability 1 - alpha.
/// </summary>
internal readonly record struct ConfidenceInterval(double Mean, double HalfWidth, double Level, int Replications)
{
    public static ConfidenceInterval FromReplications(IReadOnlyList<double> values, double level)
    {
        int n = values.Count;
        if (n < 2)
        {
            throw new ArgumentException("a confidence interval needs at least two replications", nameof(values));
        }
        double mean = values.Average();
        double ss = 0;
        foreach (double v in values)
        {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.Sqrt(ss / (n - 1));
        double t = StudentT.InvCDF(0, 1, n - 1, 1 - (1 - level) / 2);
        return new ConfidenceInterval(mean, t * sd / Math.Sqrt(n), level, n);
    }

    public bool Contains(double value) => Math.Abs(value - Mean) <= HalfWidth;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Mean:G6} +- {HalfWidth:G3} ({Level:P1}, {Replications} replications)");
}
