using Svcsim.Reports;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// A successful command prints nothing on stderr: scripts and CI treat stderr as the place for trouble. Run as child
/// processes, because native code (Skia) writes to the process's stderr directly, past Console.Error.
/// </summary>
public sealed class CleanStderrTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private CliResult Svcsim(params string[] args) => SvcsimCli.RunChild(CliPaths.Repo, [SvcsimCli.Dll, .. args]);

    private static void AssertClean(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Err.Length == 0, $"stderr is not empty:\n{result.Err}");
    }

    [Fact]
    public void Run_Sweep_Shards_Merge_And_Report_Print_Nothing_On_Stderr()
    {
        // Regression: every sweep over two parameters, merge and report wrote SkiaSharp's "Unsupported path effect
        // in addPaint." hundreds of times (dashed lines in the SVG plots).
        string scenario = CliPaths.InRepo("Scenarios/worker-crash.yaml");
        string[] shortRun = ["--set", "duration=40s", "--set", "measurement.warmup=5s", "--set", "faults[0].at=15s", "--replications", "2", "--quiet"];
        string[] grid = ["--param", "controlPlane.nodeMonitorGracePeriod=20s,40s", "--param", "clients[0].timeout=2s,5s"];

        AssertClean(Svcsim(["run", scenario, "--out", _temp.File("run"), .. shortRun]));
        AssertClean(Svcsim(["report", Path.Combine(_temp.File("run"), "worker-crash")]));
        AssertClean(Svcsim(["sweep", scenario, .. grid, "--out", _temp.File("sweep"), .. shortRun]));
        AssertClean(Svcsim(["report", _temp.File("sweep")]));
        AssertClean(Svcsim(["sweep", scenario, .. grid, "--shard", "1/2", "--out", _temp.File("shard1"), .. shortRun]));
        AssertClean(Svcsim(["sweep", scenario, .. grid, "--shard", "2/2", "--out", _temp.File("shard2"), .. shortRun]));
        var merge = Svcsim("merge", "--out", _temp.File("merged"), _temp.File("shard1"), _temp.File("shard2"));
        AssertClean(merge);
        Assert.True(File.Exists(Path.Combine(_temp.File("merged"), OutputFiles.ReportHtml)), merge.ToString());
    }
}
