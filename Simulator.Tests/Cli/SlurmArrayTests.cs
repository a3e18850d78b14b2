using System.Globalization;
using System.Text.RegularExpressions;
using Svcsim.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// deploy/slurm-array.sh on a real Slurm cluster (<see cref="SlurmCluster"/>): submitted as a user would, from a
/// folder that is not the repository, its array and merge job write the bytes of the same sweep run on one machine,
/// and a task killed mid-run and submitted again alone completes the sweep to the same bytes.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class SlurmArrayTests(SlurmArrayTests.Context context) : IClassFixture<SlurmArrayTests.Context>
{
    /// <summary>Shorter simulations than the script's, the same for the cluster's shards and the single-machine sweep.</summary>
    private const string Shorter = "--set duration=2m --set measurement.warmup=2s --set faults[0].at=8s --replications 1";

    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);

    private static readonly string[] SweepFiles = [OutputFiles.Sweep, OutputFiles.SweepCi, OutputFiles.ReportHtml];

    private static string Script => CliPaths.InRepo("deploy/slurm-array.sh");

    /// <summary>The cluster, and the sweep of the script's grid computed on one machine, shared by the tests.</summary>
    public sealed class Context : IDisposable
    {
        private readonly Lazy<string> _reference;

        public Context()
        {
            Cluster = new SlurmCluster();
            _reference = new(() =>
            {
                string dir = Path.Combine(Cluster.NewFolder("one-machine"), "sweep");
                var grid = ScriptParams().Matches(File.ReadAllText(Script)).SelectMany(m => new[] { "--param", m.Groups[1].Value });
                var result = SvcsimCli.RunProgram(SvcsimCli.Dotnet, Cluster.Folder,
                    [SvcsimCli.Dll, "sweep", CliPaths.InRepo("Scenarios/worker-crash.yaml"), .. Shorter.Split(' '), .. grid, "--quiet", "--out", dir]);
                return result.ExitCode == 0 ? dir : throw new InvalidOperationException("the single-machine sweep failed: " + result);
            });
        }

        internal SlurmCluster Cluster { get; }

        /// <summary>The folder of the single-machine sweep.</summary>
        public string Reference => _reference.Value;

        public void Dispose() => Cluster.Dispose();
    }

    private SlurmCluster Cluster => context.Cluster;

    /// <summary>Runs <c>bash deploy/slurm-array.sh ARGS</c> from <paramref name="folder"/>; returns the array and merge job ids.</summary>
    private (long Array, long Merge) Submit(string folder, params string[] args)
    {
        var submit = Cluster.RunIn(folder, "bash", [Script, .. args], new Dictionary<string, string>
        {
            ["RESULTS"] = "results", // relative: from the folder of the submission
            ["SVCSIM"] = $"{SvcsimCli.Dotnet} {SvcsimCli.Dll}",
            ["SVCSIM_OPTIONS"] = Shorter,
        });
        Assert.True(submit.ExitCode == 0, submit.ToString());
        var ids = Submitted().Match(submit.Out);
        Assert.True(ids.Success, "no job ids in: " + submit.Out);
        return (long.Parse(ids.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(ids.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private string Log(string folder, string name) =>
        File.Exists(Path.Combine(folder, name)) ? File.ReadAllText(Path.Combine(folder, name)) : $"(no {name})";

    private string JobLogs(string folder) => string.Join('\n', Directory.GetFiles(folder, "*.log").Order(StringComparer.Ordinal)
        .Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f).Replace("Unsupported path effect in addPaint.", "", StringComparison.Ordinal)}"))
        + Cluster.Logs();

    [Fact]
    public void The_Array_And_Its_Merge_Job_Write_The_Sweep_One_Machine_Writes()
    {
        // Given a user in a folder of their own (not the repository)
        string user = Cluster.NewFolder("user");

        // When they submit the script and Slurm runs the array, then the merge
        var (array, merge) = Submit(user);
        var jobs = Cluster.WaitForEnd(JobTimeout, array, merge);

        // Then every task of the array (one per shard) and the merge succeeded
        var tasks = jobs.Where(j => j.ArrayJobId == array).ToList();
        Assert.True(tasks.Count == 3 && tasks.All(t => t.State == "COMPLETED" && t.ExitCode == "0:0"), string.Join("; ", jobs) + "\n" + JobLogs(user));
        Assert.Equal(["1", "2", "3"], tasks.Select(t => t.ArrayTask).Order(StringComparer.Ordinal));
        Assert.True(jobs.Single(j => j.JobId == merge).State == "COMPLETED", JobLogs(user));
        // each shard holds its points (6 points over 3 shards), the logs are in the folder of the submission
        Assert.All(Enumerable.Range(1, 3), i => Assert.Equal(2, Directory.GetFiles(Path.Combine(user, "results", $"shard-{i}", "points"), "*.json").Length));
        Assert.Contains($"merged 6 points into {Path.Combine(user, "results", "merged", OutputFiles.Sweep)}", Log(user, $"svcsim-merge-{merge}.log"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(user, $"svcsim-sweep-{array}_2.log")));
        // and the merged sweep is, byte for byte, the one one machine writes
        SweepTests.AssertSameFiles(context.Reference, Path.Combine(user, "results", "merged"), SweepFiles);
    }

    private static void Kill(IEnumerable<int> processes)
    {
        foreach (int pid in processes)
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // already gone
            }
        }
    }

    [Fact]
    public void A_Task_Killed_Mid_Run_And_Submitted_Again_Alone_Completes_The_Sweep()
    {
        // Given the array submitted, and task 2 killed (SIGKILL, as a crash or the out-of-memory killer would) once it
        // has finished its first point and is computing its second
        string user = Cluster.NewFolder("user");
        var (array, merge) = Submit(user);
        string shard2 = Path.Combine(user, "results", "shard-2", "points");
        // (the task's processes are looked up while it computes its first point, so that the kill follows the point's
        // file at once: asking Slurm for them after the file appears can take longer than the second point does)
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long task2 = 0;
        IReadOnlyList<int> processes = [];
        while (!(Directory.Exists(shard2) && Directory.EnumerateFiles(shard2, "*.json").Any()))
        {
            Assert.True(clock.Elapsed < JobTimeout, "task 2 wrote no point\n" + JobLogs(user));
            if (task2 == 0)
            {
                task2 = Cluster.Jobs(array).FirstOrDefault(j => j.ArrayTask == "2")?.JobId ?? 0;
            }
            if (task2 != 0)
            {
                processes = Cluster.Processes(task2);
            }
            Thread.Sleep(5);
        }
        Kill(processes);
        if (task2 == 0)
        {
            task2 = Cluster.TaskJobId(array, 2);
        }
        // (and what it started since the last look)
        var since = Cluster.Processes(task2).Except(processes).ToList();
        Kill(since);
        Assert.NotEmpty(processes.Concat(since));
        var jobs = Cluster.WaitForEnd(JobTimeout, array, merge);

        // Then task 2 failed with one of its two points on disk, the other tasks succeeded, and the merge job, which
        // ran after the array all the same, failed naming the point missing
        var killed = jobs.Single(j => j.JobId == task2);
        Assert.True(killed.State == "FAILED", $"task 2 should have been killed mid-run, but: {killed}\n{JobLogs(user)}");
        var kept = Directory.GetFiles(shard2, "*.json");
        Assert.Single(kept);
        Assert.All(jobs.Where(j => j.ArrayJobId == array && j.JobId != task2), t => Assert.Equal("COMPLETED", t.State));
        Assert.Equal("FAILED", jobs.Single(j => j.JobId == merge).State);
        Assert.Contains("missing 1 of 6 points (first: 4); run the remaining shards first", Log(user, $"svcsim-merge-{merge}.log"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(user, "results", "merged")), "the failed merge wrote a merged folder");
        // (the files of every finished point get an old time stamp, so that computing one again would show)
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var finished = Directory.GetFiles(Path.Combine(user, "results"), "point-*.json", SearchOption.AllDirectories)
            .SelectMany(json => new[] { json, Path.ChangeExtension(json, ".csv") }).ToList();
        Assert.Equal(2 * 5, finished.Count);
        foreach (string f in finished)
        {
            File.SetLastWriteTimeUtc(f, old);
        }

        // When the user submits task 2 alone
        var (again, merge2) = Submit(user, "2");
        jobs = Cluster.WaitForEnd(JobTimeout, again, merge2);

        // Then it computes only the point it lost, and the merge writes the bytes of the single-machine sweep
        Assert.True(jobs.All(j => j.State == "COMPLETED"), string.Join("; ", jobs) + "\n" + JobLogs(user));
        Assert.Equal("2", jobs.Single(j => j.ArrayJobId == again).ArrayTask);
        Assert.All(finished, f => Assert.Equal(old, File.GetLastWriteTimeUtc(f)));
        Assert.Equal(2, Directory.GetFiles(shard2, "*.json").Length);
        SweepTests.AssertSameFiles(context.Reference, Path.Combine(user, "results", "merged"), SweepFiles);
    }

    [Fact]
    public void An_Array_Submitted_With_Plain_Sbatch_Finds_The_Repository_And_Takes_Its_Size_As_The_Shard_Count()
    {
        // Given a user who submits the script by its relative path with sbatch itself, from the folder above the repository
        string user = Cluster.NewFolder("user");
        string results = Path.Combine(user, "results");
        string parent = Path.GetDirectoryName(CliPaths.Repo)!;
        string relative = Path.Combine(Path.GetFileName(CliPaths.Repo), "deploy", "slurm-array.sh");
        var submit = Cluster.RunIn(parent, "sbatch", ["--parsable", "--array=1-3", $"--output={user}/task-%a.log", relative],
            new Dictionary<string, string>
            {
                ["RESULTS"] = results,
                ["SVCSIM"] = $"{SvcsimCli.Dotnet} {SvcsimCli.Dll}",
                ["SVCSIM_OPTIONS"] = Shorter,
            });
        Assert.True(submit.ExitCode == 0, submit.ToString());
        long array = long.Parse(submit.Out.Trim().Split(';')[0], CultureInfo.InvariantCulture);

        // When the tasks have run, and the user merges by hand
        var jobs = Cluster.WaitForEnd(JobTimeout, array);
        Assert.True(jobs.All(j => j.State == "COMPLETED"), string.Join("; ", jobs) + "\n" + JobLogs(user));
        var merged = SvcsimCli.RunProgram(SvcsimCli.Dotnet, user,
            [SvcsimCli.Dll, "merge", "--out", Path.Combine(results, "merged"), .. Enumerable.Range(1, 3).Select(i => Path.Combine(results, $"shard-{i}"))]);

        // Then each task ran shard I/3 of the repository's scenario: the shards make the one-machine sweep
        Assert.True(merged.ExitCode == 0, merged.ToString());
        Assert.All(Enumerable.Range(1, 3), i => Assert.Equal(2, Directory.GetFiles(Path.Combine(results, $"shard-{i}", "points"), "*.json").Length));
        SweepTests.AssertSameFiles(context.Reference, Path.Combine(results, "merged"), SweepFiles);
    }

    [GeneratedRegex(@"submitted array job (\d+) \(.*\) and merge job (\d+)")]
    private static partial Regex Submitted();

    [GeneratedRegex(@"--param '([^']+)'")]
    private static partial Regex ScriptParams();
}
