using Svcsim.Reports;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// A run's files depend on the scenario and seed only: the same run on one thread and on two writes the same
/// bytes, and <c>svcsim report</c> renders report.html again exactly as the run wrote it.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class RunDeterminismTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] Written =
    [
        OutputFiles.Summary, OutputFiles.SummaryCi, OutputFiles.Timeseries, OutputFiles.Nodes, OutputFiles.Pods,
        OutputFiles.Outages, OutputFiles.Events, OutputFiles.RunJson, OutputFiles.ReportHtml,
    ];

    /// <summary>Runs worker-crash (a fault, so outages and events are not empty) into OUT/worker-crash.</summary>
    private static string RunWorkerCrash(string outDir, params string[] extra)
    {
        string scenario = CliPaths.InRepo("Scenarios/worker-crash.yaml");
        var result = SvcsimCli.Run(["run", scenario, .. ShortRun.For(scenario), "--seed", "7", "--out", outDir, "--quiet", .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Path.Combine(outDir, "worker-crash");
    }

    [Fact]
    public void One_Thread_And_Two_Threads_Write_The_Same_Bytes()
    {
        // When
        string one = RunWorkerCrash(_temp.File("p1"), "--parallel", "1");
        string two = RunWorkerCrash(_temp.File("p2"), "--parallel", "2");

        // Then
        Assert.NotEqual(1, File.ReadAllLines(Path.Combine(one, OutputFiles.Outages)).Length); // the fault made outages
        SweepTests.AssertSameFiles(one, two, Written);
    }

    [Fact]
    public void Report_Renders_A_Run_Again_As_It_Was()
    {
        // Given a run whose report and plots are then lost
        string dir = RunWorkerCrash(_temp.File("run"));
        byte[] original = File.ReadAllBytes(Path.Combine(dir, OutputFiles.ReportHtml));
        File.Delete(Path.Combine(dir, OutputFiles.ReportHtml));
        Directory.Delete(Path.Combine(dir, OutputFiles.PlotsDirectory), recursive: true);

        // When
        var result = SvcsimCli.Run("report", dir);

        // Then
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("re-rendered run report in " + dir, result.Out, StringComparison.Ordinal);
        Assert.True(original.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, OutputFiles.ReportHtml))), "report.html differs");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, OutputFiles.PlotsDirectory), "*.png"));
    }

    [Fact]
    public void Report_Of_A_Folder_Without_Results_Is_Invalid_Input()
    {
        Directory.CreateDirectory(_temp.File("empty"));

        var result = SvcsimCli.Run("report", _temp.File("empty"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no summary.csv or sweep.csv to report on", result.Err, StringComparison.Ordinal);
    }
}
