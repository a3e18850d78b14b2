using Svcsim.Engine;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Scenarios;

public class UnitParsingTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("250ms", 0.25)]
    [InlineData("2.5s", 2.5)]
    [InlineData("1h30m", 5400)]
    [InlineData("1m 30s", 90)]
    [InlineData("100us", 1e-4)]
    [InlineData("10ns", 1e-8)]
    [InlineData("2d", 172800)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData(".5s", 0.5)]
    [InlineData(" 3 min ", 180)]
    public void Durations_Read_As_Seconds(string text, double seconds)
    {
        var parsed = Units.Duration(text);

        Assert.True(parsed.Ok, parsed.Error);
        Assert.Equal(seconds, parsed.Value, 12);
    }

    [Theory]
    [InlineData("never")]
    [InlineData("infinity")]
    [InlineData("Never")]
    public void Never_Is_An_Infinite_Duration_Where_Allowed(string text)
    {
        Assert.Equal(double.PositiveInfinity, Units.Duration(text, allowNever: true).Value);
        Assert.Contains("not allowed here", Units.Duration(text).Error);
    }

    [Theory]
    [InlineData("5 parsecs", "unknown duration unit 'parsecs'")]
    [InlineData("90", "has no unit")]
    [InlineData("-5s", "negative")]
    [InlineData("fast", "not a duration")]
    [InlineData("\u0665s", "not a duration")] // an Arabic-Indic five
    [InlineData("", "found nothing")]
    [InlineData("1h30", "number without a unit")]
    public void Bad_Durations_Say_What_Was_Expected(string text, string message)
    {
        var parsed = Units.Duration(text);

        Assert.False(parsed.Ok);
        Assert.Contains(message, parsed.Error);
        Assert.Contains("expected a duration like 90s", parsed.Error);
    }

    [Theory]
    [InlineData("200/s", 200)]
    [InlineData("12000/min", 200)]
    [InlineData("7200/h", 2)]
    [InlineData("0.1/s", 0.1)]
    [InlineData("5/ms", 5000)]
    [InlineData("10/5s", 2)]
    [InlineData("150", 150)]
    public void Rates_Read_As_Per_Second(string text, double perSecond)
    {
        var parsed = Units.Rate(text);

        Assert.True(parsed.Ok, parsed.Error);
        Assert.Equal(perSecond, parsed.Value, 9);
    }

    [Theory]
    [InlineData("200/fortnight", "unknown time unit 'fortnight'")]
    [InlineData("lots/s", "not a rate")]
    [InlineData("-3/s", "negative")]
    [InlineData("2\u0CEC0/s", "not a rate")] // a Kannada digit: only ASCII digits are numbers
    public void Bad_Rates_Say_What_Was_Expected(string text, string message)
    {
        var parsed = Units.Rate(text);

        Assert.False(parsed.Ok);
        Assert.Contains(message, parsed.Error);
        Assert.Contains("expected a rate like 200/s", parsed.Error);
    }

    [Theory]
    [InlineData("512B", 512)]
    [InlineData("1KiB", 1024)]
    [InlineData("2MB", 2e6)]
    [InlineData("1.5 kB", 1500)]
    [InlineData("3MiB", 3 * 1024 * 1024)]
    [InlineData("1GiB", 1024.0 * 1024 * 1024)]
    [InlineData("100", 100)]
    public void Sizes_Read_As_Bytes(string text, double bytes)
    {
        var parsed = Units.Size(text);

        Assert.True(parsed.Ok, parsed.Error);
        Assert.Equal(bytes, parsed.Value);
    }

    [Theory]
    [InlineData("2Mb", "reads as bits")]
    [InlineData("3 furlongs", "unknown size unit 'furlongs'")]
    [InlineData("big", "not a size")]
    [InlineData("-1KiB", "negative")]
    public void Bad_Sizes_Say_What_Was_Expected(string text, string message)
    {
        var parsed = Units.Size(text);

        Assert.False(parsed.Ok);
        Assert.Contains(message, parsed.Error);
    }

    [Theory]
    [InlineData("1Gbps", 1e9)]
    [InlineData("100Mbps", 1e8)]
    [InlineData("10Mbit/s", 1e7)]
    [InlineData("125MB/s", 1e9)]
    [InlineData("64kbps", 64e3)]
    [InlineData("unlimited", double.PositiveInfinity)]
    public void Bandwidths_Read_As_Bits_Per_Second(string text, double bps)
    {
        var parsed = Units.Bandwidth(text);

        Assert.True(parsed.Ok, parsed.Error);
        Assert.Equal(bps, parsed.Value);
    }

    [Theory]
    [InlineData("100", "has no unit")]
    [InlineData("1 Gbaud", "unknown bandwidth unit 'Gbaud'")]
    [InlineData("0Mbps", "must be positive")]
    [InlineData("quick", "not a bandwidth")]
    public void Bad_Bandwidths_Say_What_Was_Expected(string text, string message)
    {
        var parsed = Units.Bandwidth(text);

        Assert.False(parsed.Ok);
        Assert.Contains(message, parsed.Error);
        Assert.Contains("expected a bandwidth like 1Gbps", parsed.Error);
    }

    [Theory]
    [InlineData("0.99", 0.99)]
    [InlineData("99%", 0.99)]
    [InlineData("99.9 %", 0.999)]
    [InlineData("1", 1)]
    public void Fractions_Read_As_Plain_Numbers_Or_Percentages(string text, double value)
    {
        Assert.Equal(value, Units.Fraction(text).Value, 12);
    }

    [Theory]
    [InlineData("1.5", "outside 0..1")]
    [InlineData("120%", "outside 0..1")]
    [InlineData("most", "not a fraction")]
    public void Bad_Fractions_Say_What_Was_Expected(string text, string message) =>
        Assert.Contains(message, Units.Fraction(text).Error);

    [Theory]
    [InlineData("192.168.1.10", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("192.168.1.256", false)]
    [InlineData("192.168.1", false)]
    [InlineData("10.0.0.1.5", false)]
    [InlineData("a.b.c.d", false)]
    [InlineData("1", false)]
    public void Ipv4_Addresses_Are_Four_Numbers_Up_To_255(string text, bool ok)
    {
        Assert.Equal(ok, Units.Ipv4(text).Ok);
    }

    public static TheoryData<string, Quantity, Distribution> Distributions() => new()
    {
        { "exp(mean=5ms)", Quantity.Duration, Distribution.Exponential(0.005) },
        { "exponential(mean=5ms)", Quantity.Duration, Distribution.Exponential(0.005) },
        { "exp(5ms)", Quantity.Duration, Distribution.Exponential(0.005) },
        { "constant(2ms)", Quantity.Duration, Distribution.Constant(0.002) },
        { "constant(value=2ms)", Quantity.Duration, Distribution.Constant(0.002) },
        { "2ms", Quantity.Duration, Distribution.Constant(0.002) },
        { "uniform(min=1ms, max=3ms)", Quantity.Duration, Distribution.Uniform(0.001, 0.003) },
        { "uniform(1ms,3ms)", Quantity.Duration, Distribution.Uniform(0.001, 0.003) },
        { "normal(mean=10ms, sd=2ms)", Quantity.Duration, Distribution.Normal(0.01, 0.002) },
        { "lognormal(mean=2ms, sd=0.5ms)", Quantity.Duration, Distribution.LogNormal(0.002, 0.0005) },
        { "weibull(shape=1.5, scale=10m)", Quantity.Duration, Distribution.Weibull(1.5, 600) },
        { "erlang(k=2, mean=5ms)", Quantity.Duration, Distribution.Erlang(2, 0.005) },
        { "gamma(shape=2, mean=5ms)", Quantity.Duration, Distribution.Gamma(2, 0.005) },
        { "Gamma(mean=5ms, shape=2)", Quantity.Duration, Distribution.Gamma(2, 0.005) },
        { "exp(mean=1KiB)", Quantity.Size, Distribution.Exponential(1024) },
        { "1KiB", Quantity.Size, Distribution.Constant(1024) },
        { "uniform(min=100B, max=2kB)", Quantity.Size, Distribution.Uniform(100, 2000) },
    };

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Every_Distribution_Notation_Reads(string text, Quantity quantity, Distribution expected)
    {
        var parsed = DistributionNotation.Parse(text, quantity);

        Assert.True(parsed.Ok, parsed.Error);
        Assert.Equal(expected.Kind, parsed.Value.Kind);
        Assert.Equal(expected.A, parsed.Value.A, 12);
        Assert.Equal(expected.B, parsed.Value.B, 12);
    }

    [Fact]
    public void Empirical_Keeps_Its_Values_In_Seconds()
    {
        var parsed = DistributionNotation.Parse("empirical(1ms, 2ms, 5ms)", Quantity.Duration);

        Assert.True(parsed.Ok, parsed.Error);
        Assert.Equal(DistributionKind.Empirical, parsed.Value.Kind);
        Assert.Equal([0.001, 0.002, 0.005], parsed.Value.Values!.Select(v => Math.Round(v, 12)));
    }

    [Theory]
    [InlineData("poisson(mean=5ms)", "unknown distribution 'poisson'")]
    [InlineData("exponentail(mean=5ms)", "did you mean 'exponential'")]
    [InlineData("exp(mena=5ms)", "unknown parameter 'mena' (did you mean 'mean'?)")]
    [InlineData("uniform(min=1ms)", "lacks max")]
    [InlineData("uniform(min=3ms, max=1ms)", "max must be at least min")]
    [InlineData("exp(mean=0s)", "mean must be positive")]
    [InlineData("exp(mean=5 parsecs)", "unknown duration unit 'parsecs'")]
    [InlineData("erlang(k=1.5, mean=5ms)", "whole number")]
    [InlineData("weibull(shape=-1, scale=10m)", "positive number")]
    [InlineData("exp(mean=5ms", "closing ')'")]
    [InlineData("exp(5ms, 6ms)", "too many parameters")]
    [InlineData("exp(mean=5ms, mean=6ms)", "given twice")]
    [InlineData("empirical()", "has no values")]
    [InlineData("empirical(1ms, soon)", "value 2 of")]
    [InlineData("fast", "or a distribution like exp(mean=5ms)")]
    public void Bad_Distributions_Say_What_Was_Expected(string text, string message)
    {
        var parsed = DistributionNotation.Parse(text, Quantity.Duration);

        Assert.False(parsed.Ok);
        Assert.Contains(message, parsed.Error);
    }

    [Fact]
    public void A_Size_Distribution_Refuses_Durations()
    {
        Assert.Contains("unknown size unit 'ms'", DistributionNotation.Parse("exp(mean=5ms)", Quantity.Size).Error);
    }
}
