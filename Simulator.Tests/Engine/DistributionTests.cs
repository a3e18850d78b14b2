using Svcsim.Engine;

namespace Svcsim.Tests.Engine;

public sealed class DistributionTests
{
    private const int Samples = 400_000;

    // Allowed distance between a sample statistic and its true value, in standard errors. With a fixed
    // seed the test is deterministic; 4.5 sigma (two-sided p ~ 7e-6 per check) means a correct sampler
    // would almost never have produced a failing seed, while a wrong mean or spread of a few percent is
    // many standard errors away at 400,000 samples.
    private const double Sigmas = 4.5;

    /// <summary>Each family with its true mean and variance, worked out by hand (not from Distribution).</summary>
    private static (Distribution Distribution, double Mean, double Variance) Family(string name) => name switch
    {
        "exponential" => (Distribution.Exponential(0.25), 0.25, 0.0625),
        "uniform" => (Distribution.Uniform(2, 5), 3.5, 9.0 / 12),
        // Mean 5 sd away from zero: negative draws (P ~ 3e-7) become zero, which moves the mean by
        // sd phi(5) - mu Phi(-5) ~ 1e-7, far below the sampling tolerance.
        "normal" => (Distribution.Normal(10, 2), 10, 4),
        "lognormal" => (Distribution.LogNormal(0.002, 0.0005), 0.002, 0.0005 * 0.0005),
        // Weibull(k=2, lambda=1): mean Gamma(1.5) = sqrt(pi)/2, variance 1 - pi/4.
        "weibull" => (Distribution.Weibull(2, 1), Math.Sqrt(Math.PI) / 2, 1 - Math.PI / 4),
        // Erlang(k, mean m) and Gamma(shape k, mean m): variance m^2 / k.
        "erlang" => (Distribution.Erlang(3, 1.5), 1.5, 1.5 * 1.5 / 3),
        "gamma" => (Distribution.Gamma(2.5, 3), 3, 9 / 2.5),
        // 2 twice as likely as 1 or 7: mean 3, population variance (4 + 1 + 1 + 16) / 4.
        "empirical" => (Distribution.Empirical([1, 2, 2, 7]), 3, 5.5),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [InlineData("exponential")]
    [InlineData("uniform")]
    [InlineData("normal")]
    [InlineData("lognormal")]
    [InlineData("weibull")]
    [InlineData("erlang")]
    [InlineData("gamma")]
    [InlineData("empirical")]
    public void Sample_Mean_And_Spread_Match_The_Distribution(string family)
    {
        // Given a distribution whose mean and variance are known by hand
        var (distribution, mean, variance) = Family(family);
        Assert.Equal(mean, distribution.Mean, 1e-6 * mean);

        // When 400,000 values are drawn from a seeded stream
        var sampler = distribution.CreateSampler(new RandomStreams(2024, 0).Get(family));
        var x = new double[Samples];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = sampler.Next();
        }
        double sampleMean = x.Average();
        double m2 = 0, m4 = 0;
        foreach (double v in x)
        {
            double d = (v - sampleMean) * (v - sampleMean);
            m2 += d;
            m4 += d * d;
        }
        double sampleVariance = m2 / (Samples - 1);
        m4 /= Samples;

        // Then the sample mean is within 4.5 standard errors (sigma / sqrt(n)) of the true mean
        double meanError = Math.Sqrt(variance / Samples);
        Assert.True(Math.Abs(sampleMean - mean) <= Sigmas * meanError,
            $"{distribution}: sample mean {sampleMean:R}, true {mean:R}, standard error {meanError:G3}");

        // Then the sample variance is within 4.5 standard errors of the true variance; for large n the
        // variance of s^2 is (mu4 - sigma^4) / n, with the fourth central moment mu4 taken from the sample.
        double varianceError = Math.Sqrt((m4 - variance * variance) / Samples);
        Assert.True(Math.Abs(sampleVariance - variance) <= Sigmas * varianceError,
            $"{distribution}: sample variance {sampleVariance:R}, true {variance:R}, standard error {varianceError:G3}");
    }

    [Fact]
    public void LogNormal_Given_By_Mean_And_Sd_Has_That_Mean_And_Sd()
    {
        // Given a log-normal stated as latencies are, by its own mean and sd (here a wide one: sd 1.5 x mean)
        var distribution = Distribution.LogNormal(0.010, 0.015);
        var sampler = distribution.CreateSampler(new RandomStreams(99, 0).Get("latency"));

        // When 400,000 values are drawn
        double sum = 0, sumSq = 0;
        for (int i = 0; i < Samples; i++)
        {
            double v = sampler.Next();
            sum += v;
            sumSq += v * v;
        }
        double mean = sum / Samples;
        double sd = Math.Sqrt((sumSq - sum * mean) / (Samples - 1));

        // Then mean and sd match those given. Standard errors from the log-normal's own moments: with
        // s2 = ln(1 + (sd/mean)^2), the kurtosis is e^{4 s2} + 2 e^{3 s2} + 3 e^{2 s2} - 3, and for large
        // n, SE(s) ~ sd * sqrt((kurtosis - 1) / (4 n)).
        double s2 = Math.Log(1 + 1.5 * 1.5);
        double kurtosis = Math.Exp(4 * s2) + 2 * Math.Exp(3 * s2) + 3 * Math.Exp(2 * s2) - 3;
        double meanError = 0.015 / Math.Sqrt(Samples);
        double sdError = 0.015 * Math.Sqrt((kurtosis - 1) / (4.0 * Samples));
        Assert.True(Math.Abs(mean - 0.010) <= Sigmas * meanError, $"mean {mean:R}, standard error {meanError:G3}");
        Assert.True(Math.Abs(sd - 0.015) <= Sigmas * sdError, $"sd {sd:R}, standard error {sdError:G3}");
    }

    [Fact]
    public void A_Constant_Always_Gives_Its_Value()
    {
        var sampler = Distribution.Constant(0.125).CreateSampler(new RandomStreams(1, 0).Get("c"));
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(0.125, sampler.Next());
        }
        Assert.Equal(0.125, Distribution.Constant(0.125).Mean);
    }

    // Bug: NextNanoseconds truncated seconds x 1e9, so a constant 1.001 s became 1,000,999,999 ns (1.001 x 1e9
    // is 1000999999.9999999 in floating point) while Time.FromSeconds(1.001) rounds to 1,001,000,000 ns; a
    // stated delay fired a nanosecond early and lost ties against times computed by Time.FromSeconds.
    [Theory]
    [InlineData(1.001)]
    [InlineData(1.003)]
    [InlineData(0.3)]
    [InlineData(2.5e-9)]
    public void A_Sampled_Duration_Converts_To_Nanoseconds_As_Time_FromSeconds_Does(double seconds)
    {
        var sampler = Distribution.Constant(seconds).CreateSampler(new RandomStreams(1, 0).Get("c"));
        Assert.Equal(Time.FromSeconds(seconds), sampler.NextNanoseconds());
    }

    [Fact]
    public void A_Normal_Whose_Negative_Draws_Become_Zero_Reports_The_Mean_It_Draws()
    {
        // Given N(0, 1), whose draws below zero become zero: E[max(0, X)] = 1 / sqrt(2 pi)
        var distribution = Distribution.Normal(0, 1);
        double expected = 1 / Math.Sqrt(2 * Math.PI);

        // Then its Mean says so, and 400,000 draws agree within 4.5 standard errors (sd of max(0, X) < 1)
        Assert.Equal(expected, distribution.Mean, 1e-12);
        var sampler = distribution.CreateSampler(new RandomStreams(5, 0).Get("n"));
        double sum = 0;
        for (int i = 0; i < Samples; i++)
        {
            sum += sampler.Next();
        }
        Assert.InRange(sum / Samples, expected - 4.5 / Math.Sqrt(Samples), expected + 4.5 / Math.Sqrt(Samples));
    }

    [Fact]
    public void Two_Empirical_Distributions_With_The_Same_Values_Are_Equal()
    {
        Assert.Equal(Distribution.Empirical([1, 2, 5]), Distribution.Empirical([1, 2, 5]));
        Assert.NotEqual(Distribution.Empirical([1, 2, 5]), Distribution.Empirical([1, 2, 6]));
        Assert.Equal(Distribution.Exponential(2), Distribution.Exponential(2));
    }

    [Fact]
    public void No_Family_Draws_Negative_Values()
    {
        // A normal with mean 0 draws negative values half the time: they become zero
        var sampler = Distribution.Normal(0, 1).CreateSampler(new RandomStreams(3, 0).Get("n"));
        int zeros = 0;
        for (int i = 0; i < 10_000; i++)
        {
            double v = sampler.Next();
            Assert.True(v >= 0);
            zeros += v == 0 ? 1 : 0;
        }
        // Binomial(10,000, 0.5): 4.5 sd = 225
        Assert.InRange(zeros, 5000 - 225, 5000 + 225);
    }
}
