using System.Globalization;
using Svcsim.Benchmarks;

namespace Svcsim.Tests.Cli;

/// <summary>
/// The measuring tools the README's speed figures come from: <see cref="Alternation"/>'s statistics, and
/// <c>Benchmarks.dll side-by-side</c>, which loads two builds into one process and runs them in turn.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class SideBySideTests
{
    [Fact]
    public void Alternation_Takes_Turns_And_Reports_Medians_And_Quartiles_Of_The_Ratios()
    {
        // Given two measurements that record the order they ran in and return known figures
        var order = new List<char>();
        double calls = 0;
        double First()
        {
            order.Add('a');
            return 100 + 10 * calls++; // 100, 110, 120, ...
        }
        double Second()
        {
            order.Add('b');
            return 50;
        }

        // When it runs two warm-up rounds and five measured ones
        var m = Alternation.Measure(First, Second, rounds: 5, warmup: 2);

        // Then the warm-ups run first then second, and the measured rounds alternate who goes first
        Assert.Equal("abab" + "ab" + "ba" + "ab" + "ba" + "ab", new string([.. order]));
        // and the figures are the measured ones only (the warm-ups' 100 and 110 dropped), sorted
        Assert.Equal(new double[] { 120, 130, 140, 150, 160 }, m.First);
        Assert.Equal(140, m.FirstMedian);
        Assert.Equal(50, m.SecondMedian);
        // and the ratios are taken round by round: 2.4 ... 3.2, median 2.8, quartiles at the 1st and 3rd of five
        Assert.Equal(2.8, m.Median, 12);
        Assert.Equal(2.6, m.LowerQuartile, 12);
        Assert.Equal(3.0, m.UpperQuartile, 12);
    }

    [Theory]
    [InlineData("--rounds", "2")] // below its minimum of 4
    [InlineData("--reuse", "sometimes")]
    [InlineData("--chunk", "ten")]
    [InlineData("--frobnicate", "1")]
    public void Side_By_Side_Refuses_A_Bad_Argument_With_Exit_2(string option, string value)
    {
        var (code, _, err) = Run("--baseline", AppContext.BaseDirectory, option, value);

        Assert.Equal(2, code);
        Assert.Contains("usage: side-by-side", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Side_By_Side_Refuses_A_Folder_Without_A_Build()
    {
        string empty = Directory.CreateTempSubdirectory("svcsim-sbs-").FullName;
        try
        {
            var (code, output, err) = Run("--baseline", empty);

            Assert.Equal(2, code);
            Assert.Contains($"no svcsim.dll in {empty}", err, StringComparison.Ordinal);
            Assert.Equal("", output);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void Side_By_Side_Refuses_A_Way_Of_Access_The_Scenario_Lacks()
    {
        var (code, _, err) = Run("--baseline", AppContext.BaseDirectory, "--variant", "9", "--rounds", "4", "--chunk", "1000");

        Assert.Equal(2, code);
        Assert.Contains("has 4 ways of access", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("perRequest")]
    [InlineData("keepAlive")]
    public void One_Build_Against_Itself_Costs_About_The_Same(string reuse)
    {
        // Given this build loaded twice, each in its own load context, on the seed scenario's NodePort
        var (code, output, err) = Run("--baseline", AppContext.BaseDirectory, "--reuse", reuse, "--rounds", "6", "--chunk", "20000");

        // Then it prints one line with both costs and their ratio
        Assert.True(code == 0, err);
        var fields = output.Trim().Split(' ').Where(f => f.Contains('=', StringComparison.Ordinal))
            .ToDictionary(f => f[..f.IndexOf('=', StringComparison.Ordinal)], f => f[(f.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        Assert.Equal("seed.yaml", fields["scenario"]);
        Assert.Equal(reuse, fields["reuse"]);
        double current = double.Parse(fields["current_ns"], CultureInfo.InvariantCulture);
        double baseline = double.Parse(fields["baseline_ns"], CultureInfo.InvariantCulture);
        double ratio = double.Parse(fields["ratio_median"], CultureInfo.InvariantCulture);
        // A request costs some hundreds of nanoseconds; a world that did no work (or failed every request at
        // once) would show tens, one that did far more microseconds.
        Assert.InRange(current, 50, 50_000);
        Assert.InRange(baseline, 50, 50_000);
        // The same code on the same requests: the ratio is near 1 however busy the machine is, since the chunks
        // alternate; a pairing of different work (another scenario, another setting) would move it far off.
        Assert.InRange(ratio, 0.5, 2.0);
    }

    private static CliResult Run(params string[] args) => SvcsimCli.Capture(() => SideBySide.Run(args));
}
