using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Svcsim.Engine;

/// <summary>The families a <see cref="Distribution"/> can have.</summary>
public enum DistributionKind
{
    /// <summary>Always the same value.</summary>
    Constant,
    /// <summary>Exponential with the given mean.</summary>
    Exponential,
    /// <summary>Uniform between Min and Max.</summary>
    Uniform,
    /// <summary>Normal (truncated at zero when sampled as a duration).</summary>
    Normal,
    /// <summary>Log-normal given by its own mean and standard deviation, as latencies are stated.</summary>
    LogNormal,
    /// <summary>Weibull with shape and scale.</summary>
    Weibull,
    /// <summary>Erlang with integer shape k and the given mean (a gamma with integer shape).</summary>
    Erlang,
    /// <summary>Gamma with shape and the given mean.</summary>
    Gamma,
    /// <summary>Resampling of the given observed values, each equally likely.</summary>
    Empirical,
}

/// <summary>
/// A distribution of non-negative values (durations in seconds, sizes in bytes...), as a scenario states
/// it. Immutable; <see cref="CreateSampler"/> binds it to one random stream. Sampling uses
/// MathNet.Numerics' distributions.
/// </summary>
public sealed record Distribution
{
    private Distribution(DistributionKind kind, double a, double b, IReadOnlyList<double>? values = null)
    {
        Kind = kind;
        A = a;
        B = b;
        Values = values;
    }

    /// <summary>The family.</summary>
    public DistributionKind Kind { get; }

    /// <summary>First parameter (value, mean, min, shape...; see the factory methods).</summary>
    public double A { get; }

    /// <summary>Second parameter (sd, max, scale...; see the factory methods).</summary>
    public double B { get; }

    /// <summary>Observed values of an empirical distribution.</summary>
    public IReadOnlyList<double>? Values { get; }

    /// <summary>A constant.</summary>
    public static Distribution Constant(double value) => new(DistributionKind.Constant, Check(value, nameof(value)), 0);

    /// <summary>Exponential with mean <paramref name="mean"/> (rate 1/mean).</summary>
    public static Distribution Exponential(double mean) => new(DistributionKind.Exponential, Positive(mean, nameof(mean)), 0);

    /// <summary>Uniform on [min, max].</summary>
    public static Distribution Uniform(double min, double max)
    {
        Check(min, nameof(min));
        if (!(max >= min))
        {
            throw new ArgumentException("max must be at least min", nameof(max));
        }
        return new(DistributionKind.Uniform, min, max);
    }

    /// <summary>Normal with the given mean and standard deviation; negative draws become zero.</summary>
    public static Distribution Normal(double mean, double sd) => new(DistributionKind.Normal, Check(mean, nameof(mean)), Check(sd, nameof(sd)));

    /// <summary>Log-normal whose own mean and standard deviation are given (not those of its logarithm).</summary>
    public static Distribution LogNormal(double mean, double sd) => new(DistributionKind.LogNormal, Positive(mean, nameof(mean)), Check(sd, nameof(sd)));

    /// <summary>Weibull with shape k and scale λ.</summary>
    public static Distribution Weibull(double shape, double scale) => new(DistributionKind.Weibull, Positive(shape, nameof(shape)), Positive(scale, nameof(scale)));

    /// <summary>Erlang with integer shape k and mean m.</summary>
    public static Distribution Erlang(int k, double mean) => new(DistributionKind.Erlang, Positive(k, nameof(k)), Positive(mean, nameof(mean)));

    /// <summary>Gamma with shape k and mean m.</summary>
    public static Distribution Gamma(double shape, double mean) => new(DistributionKind.Gamma, Positive(shape, nameof(shape)), Positive(mean, nameof(mean)));

    /// <summary>Empirical: each of <paramref name="values"/> equally likely.</summary>
    public static Distribution Empirical(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("an empirical distribution needs at least one value", nameof(values));
        }
        foreach (var v in values)
        {
            Check(v, nameof(values));
        }
        return new(DistributionKind.Empirical, 0, 0, values.ToArray());
    }

    /// <summary>The mean of the values drawn (for Normal, after negative draws become zero).</summary>
    public double Mean => Kind switch
    {
        DistributionKind.Constant => A,
        DistributionKind.Exponential => A,
        DistributionKind.Uniform => (A + B) / 2,
        // Negative draws become zero, so the mean is that of max(0, X): mu Phi(mu/sd) + sd phi(mu/sd).
        DistributionKind.Normal => B == 0 ? A : A * MathNet.Numerics.Distributions.Normal.CDF(0, 1, A / B) + B * MathNet.Numerics.Distributions.Normal.PDF(0, 1, A / B),
        DistributionKind.LogNormal => A,
        DistributionKind.Weibull => B * MathNet.Numerics.SpecialFunctions.Gamma(1 + 1 / A),
        DistributionKind.Erlang => B,
        DistributionKind.Gamma => B,
        DistributionKind.Empirical => Values!.Average(),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Binds the distribution to a random stream.</summary>
    public Sampler CreateSampler(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Kind switch
        {
            DistributionKind.Constant => new ConstantSampler(A),
            DistributionKind.Exponential => new ContinuousSampler(new Exponential(1 / A, random)),
            DistributionKind.Uniform => new ContinuousSampler(new ContinuousUniform(A, B, random)),
            DistributionKind.Normal => new ContinuousSampler(new Normal(A, B, random)),
            DistributionKind.LogNormal => new ContinuousSampler(LogNormalOf(A, B, random)),
            DistributionKind.Weibull => new ContinuousSampler(new Weibull(A, B, random)),
            DistributionKind.Erlang => new ContinuousSampler(new Erlang((int)A, A / B, random)),
            DistributionKind.Gamma => new ContinuousSampler(new Gamma(A, A / B, random)),
            DistributionKind.Empirical => new EmpiricalSampler(Values!, random),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>Value equality, the observed values of an empirical distribution compared one by one.</summary>
    public bool Equals(Distribution? other) =>
        other is not null && Kind == other.Kind && A.Equals(other.A) && B.Equals(other.B)
        && (Values is null ? other.Values is null : other.Values is not null && Values.SequenceEqual(other.Values));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, A, B, Values?.Count ?? -1);

    /// <summary>The notation scenario files use, for example <c>lognormal(mean=0.002, sd=0.0005)</c>.</summary>
    public override string ToString() => Kind switch
    {
        DistributionKind.Constant => F(A),
        DistributionKind.Exponential => $"exponential(mean={F(A)})",
        DistributionKind.Uniform => $"uniform(min={F(A)}, max={F(B)})",
        DistributionKind.Normal => $"normal(mean={F(A)}, sd={F(B)})",
        DistributionKind.LogNormal => $"lognormal(mean={F(A)}, sd={F(B)})",
        DistributionKind.Weibull => $"weibull(shape={F(A)}, scale={F(B)})",
        DistributionKind.Erlang => $"erlang(k={F(A)}, mean={F(B)})",
        DistributionKind.Gamma => $"gamma(shape={F(A)}, mean={F(B)})",
        DistributionKind.Empirical => $"empirical({string.Join(", ", Values!.Select(F))})",
        _ => Kind.ToString(),
    };

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static LogNormal LogNormalOf(double mean, double sd, Random random)
    {
        // For X = exp(N(mu, sigma^2)): E[X] = exp(mu + sigma^2/2), Var[X] = (exp(sigma^2) - 1) E[X]^2.
        double sigma2 = Math.Log(1 + (sd * sd) / (mean * mean));
        return new LogNormal(Math.Log(mean) - sigma2 / 2, Math.Sqrt(sigma2), random);
    }

    private static double Check(double v, string name)
    {
        if (double.IsNaN(v) || double.IsInfinity(v) || v < 0)
        {
            throw new ArgumentOutOfRangeException(name, v, "must be a finite non-negative number");
        }
        return v;
    }

    private static double Positive(double v, string name)
    {
        if (double.IsNaN(v) || double.IsInfinity(v) || v <= 0)
        {
            throw new ArgumentOutOfRangeException(name, v, "must be a finite positive number");
        }
        return v;
    }
}

/// <summary>A distribution bound to one random stream. Draws are never negative.</summary>
public abstract class Sampler
{
    /// <summary>Draws one value.</summary>
    public abstract double Next();

    /// <summary>Draws one duration, given in seconds by the distribution, as nanoseconds (rounded, as <see cref="Time.FromSeconds"/>).</summary>
    // Rounded, not truncated: 1.001 x 1e9 is 1000999999.9999999 in floating point, and truncating made a
    // stated 1.001 s one nanosecond shorter than Time.FromSeconds(1.001).
    public virtual long NextNanoseconds() => Time.FromSeconds(Next());
}

internal sealed class ConstantSampler(double value) : Sampler
{
    // Converted once: a constant latency is drawn for every segment on every link.
    private readonly long _nanoseconds = Time.FromSeconds(value);

    public override double Next() => value;

    public override long NextNanoseconds() => _nanoseconds;
}

internal sealed class ContinuousSampler(IContinuousDistribution distribution) : Sampler
{
    public override double Next()
    {
        double v = distribution.Sample();
        return v > 0 ? v : 0;
    }

    public override long NextNanoseconds()
    {
        double v = distribution.Sample();
        return Time.FromSeconds(v > 0 ? v : 0);
    }
}

internal sealed class EmpiricalSampler(IReadOnlyList<double> values, Random random) : Sampler
{
    private readonly double[] _values = values.ToArray();

    public override double Next() => _values[random.Next(_values.Length)];
}
