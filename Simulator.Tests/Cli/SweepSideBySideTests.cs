using System.Globalization;
using Svcsim.Benchmarks;

namespace Svcsim.Tests.Cli;

/// <summary>
/// <c>Benchmarks.dll sweep-side-by-side</c>, which the README's sweep figures come from: one sweep at
/// <c>--parallel 1</c> and <c>--parallel N</c> in turn, in this process and in new ones, with their results compared.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class SweepSideBySideTests
{
    // Two points, one replication, a short run: the tool's work, not the simulation's.
    private static readonly string[] Small =
        ["--param", "clients[0].rate=100/s,200/s", "--set", "duration=20s", "--set", "replications=1", "--rounds", "1", "--warmup", "0"];

    [Theory]
    [InlineData("--rounds", "0")]
    [InlineData("--parallel", "1")] // compared with itself
    [InlineData("--mode", "sometimes")]
    [InlineData("--param", "rate")] // no values
    [InlineData("--frobnicate", "1")]
    public void Refuses_A_Bad_Argument_With_Exit_2(string option, string value)
    {
        var (code, output, err) = Run(option, value);

        Assert.Equal(2, code);
        Assert.Contains("usage: sweep-side-by-side", err, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public void Refuses_What_Svcsim_Refuses_With_Its_Message_And_Exit_2()
    {
        var (code, output, err) = Run("--param", "clients[0].rate=100/s,fast", "--rounds", "1");

        Assert.Equal(2, code);
        Assert.Contains("rate", err, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public void Refuses_A_Scenario_That_Does_Not_Exist()
    {
        var (code, _, err) = Run("--scenario", "/nonexistent/seed.yaml");

        Assert.Equal(2, code);
        Assert.Contains("no scenario file /nonexistent/seed.yaml", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_A_Folder_Without_A_Build()
    {
        using var empty = new Svcsim.Tests.Reports.TempDirectory();

        var (code, output, err) = Run("--svcsim", empty.Path);

        Assert.Equal(2, code);
        Assert.Contains($"no svcsim.dll in {empty.Path}", err, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("in-process")]
    [InlineData("new-process")]
    public void Times_Both_Parallelisms_And_Finds_Their_Results_Identical(string mode)
    {
        // Given a two-point sweep of the seed scenario, one replication of each of its ways of access
        var (code, output, err) = Run([.. Small, "--mode", mode]);

        // Then it prints one line for the mode asked, with both times, their ratio and the comparison
        Assert.True(code == 0, err);
        var lines = output.Trim().Split('\n');
        var line = Assert.Single(lines);
        var fields = line.Split(' ').ToDictionary(f => f[..f.IndexOf('=', StringComparison.Ordinal)], f => f[(f.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        Assert.Equal(mode, fields["mode"]);
        Assert.Equal("seed.yaml", fields["scenario"]);
        Assert.Equal("2", fields["points"]);
        Assert.Equal("8", fields["runs"]); // 2 points x 1 replication x the seed's 4 ways of access
        Assert.Equal("yes", fields["identical"]);
        double p1 = double.Parse(fields["parallel1_s"], CultureInfo.InvariantCulture);
        double p2 = double.Parse(fields["parallel2_s"], CultureInfo.InvariantCulture);
        double ratio = double.Parse(fields["ratio_median"], CultureInfo.InvariantCulture);
        // A sweep that ran takes some milliseconds at least; one round's ratio is the two times' quotient, up to
        // the rounding of the three printed figures (times to 0.0005 s, the ratio to 0.005).
        Assert.InRange(p1, 0.005, 120);
        Assert.InRange(p2, 0.005, 120);
        double rounding = 0.005 + p1 / p2 * (0.0005 / p1 + 0.0005 / p2);
        Assert.InRange(ratio, p1 / p2 - rounding, p1 / p2 + rounding);
    }

    private static CliResult Run(params string[] args) => SvcsimCli.Capture(() => SweepSideBySide.Run(args));
}
