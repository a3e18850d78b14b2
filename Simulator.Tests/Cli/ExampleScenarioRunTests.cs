using Svcsim.Reports;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>Every example scenario validates and runs from the command line, writing every output file.</summary>
[Collection(CliCollection.Name)]
public sealed class ExampleScenarioRunTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Examples() => new(CliPaths.ExampleScenarios());

    private static readonly string[] DataFiles =
    [
        OutputFiles.Summary, OutputFiles.SummaryCi, OutputFiles.Timeseries, OutputFiles.Nodes, OutputFiles.Pods,
        OutputFiles.Outages, OutputFiles.Events, OutputFiles.RunJson, OutputFiles.ScenarioYaml, OutputFiles.ReportHtml,
    ];

    [Fact]
    public void Validate_Accepts_Every_Example_Through_A_Glob()
    {
        // Given the glob a user types
        string glob = Path.Combine(CliPaths.InRepo("Scenarios"), "*.yaml");

        // When (with the example folders' scenarios, which the glob does not reach)
        var folders = CliPaths.ExampleScenarios().Where(f => f.Contains('/', StringComparison.Ordinal)).Select(f => CliPaths.InRepo("Scenarios/" + f));
        var result = SvcsimCli.Run(["validate", glob, .. folders]);

        // Then every example is checked and reported ok
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string file in CliPaths.ExampleScenarios())
        {
            Assert.Contains($"ok: {CliPaths.InRepo("Scenarios/" + file)}:", result.Out, StringComparison.Ordinal);
        }
        Assert.Equal("", result.Err);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_Example_Runs_Short_And_Writes_Every_Output_File(string file)
    {
        // Given
        string scenario = CliPaths.InRepo("Scenarios/" + file);
        string outDir = _temp.File("out");

        // When
        var result = SvcsimCli.Run(["run", scenario, .. ShortRun.For(scenario), "--out", outDir, "--quiet"]);

        // Then
        Assert.True(result.ExitCode == 0, result.ToString());
        string dir = Path.Combine(outDir, Path.GetFileNameWithoutExtension(file));
        foreach (string name in DataFiles)
        {
            var info = new FileInfo(Path.Combine(dir, name));
            Assert.True(info.Exists, $"{name} is missing from {dir}");
            Assert.True(info.Length > 0, $"{name} is empty");
        }
        string plots = Path.Combine(dir, OutputFiles.PlotsDirectory);
        Assert.NotEmpty(Directory.GetFiles(plots, "*.png"));
        Assert.NotEmpty(Directory.GetFiles(plots, "*.svg"));
        Assert.All(Directory.GetFiles(plots), p => Assert.True(new FileInfo(p).Length > 0, $"{p} is empty"));
        // Two replications of every way of access: one summary row each, after the header.
        int variants = Svcsim.Scenarios.ScenarioLoader.Load(scenario).Spec.Variants.Count;
        Assert.Equal(1 + 2 * variants, File.ReadAllLines(Path.Combine(dir, OutputFiles.Summary)).Length);
    }

    [Fact]
    public void Without_Quiet_Run_Prints_The_Comparison_Table()
    {
        string scenario = CliPaths.InRepo("Scenarios/seed.yaml");

        var result = SvcsimCli.Run(["run", scenario, .. ShortRun.Settings, "--out", _temp.File("out")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("avail. %", result.Out, StringComparison.Ordinal);
        Assert.Contains("metallb-l2", result.Out, StringComparison.Ordinal);
        Assert.Contains("wrote " + Path.Combine(_temp.File("out"), "seed"), result.Out, StringComparison.Ordinal);
    }
}
