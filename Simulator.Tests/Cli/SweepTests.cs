using System.Diagnostics;
using Svcsim.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// <c>svcsim sweep</c>: one row per point, way of access and replication; a resumed or sharded sweep gives the
/// bytes one uninterrupted run on one machine gives; <c>svcsim merge</c> refuses what does not make one sweep.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class SweepTests(SweepFixture sweeps)
{
    private static readonly string[] SweepTables = [OutputFiles.Sweep, OutputFiles.SweepCi];

    private static int Variants => Svcsim.Scenarios.ScenarioLoader.Load(SweepFixture.Scenario).Spec.Variants.Count;

    [Fact]
    public void Sweep_Writes_One_Row_Per_Point_Way_Of_Access_And_Replication()
    {
        // Given the uninterrupted sweep of a 2 x 2 grid with two replications
        string dir = sweeps.Reference;

        // When
        var rows = SweepCsv.Read(Path.Combine(dir, OutputFiles.Sweep)).Rows;
        var ci = CsvFiles.Read<SweepCiRow>(Path.Combine(dir, OutputFiles.SweepCi));

        // Then every (point, variant, replication) appears once, the last axis varying fastest
        Assert.Equal(SweepFixture.Points * Variants * SweepFixture.Replications, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.Point, r.Variant, r.Replication)).Distinct().Count());
        Assert.Equal(
            [
                "clients[0].rate=100/s;controlPlane.nodeMonitorGracePeriod=40s",
                "clients[0].rate=100/s;controlPlane.nodeMonitorGracePeriod=50s",
                "clients[0].rate=200/s;controlPlane.nodeMonitorGracePeriod=40s",
                "clients[0].rate=200/s;controlPlane.nodeMonitorGracePeriod=50s",
            ],
            rows.GroupBy(r => r.Point).OrderBy(g => g.Key).Select(g => Assert.Single(g.Select(r => r.Parameters).Distinct())));
        // and sweep_ci.csv has every metric of every point and way of access, over both replications
        Assert.Equal(SweepFixture.Points * Variants * SweepRow.Metrics.Count, ci.Count);
        Assert.All(ci, r => Assert.Equal(SweepFixture.Replications, r.Replications));
        Assert.True(File.Exists(Path.Combine(dir, OutputFiles.ReportHtml)));
    }

    [Fact]
    public void Sweep_Csv_Is_Tidy_A_Typed_Column_Per_Parameter_Every_Summary_Metric_A_Sweep_Id()
    {
        // Given the sweep of clients[0].rate (100/s, 200/s) by the grace period (40s, 50s)
        string path = Path.Combine(sweeps.Reference, OutputFiles.Sweep);
        var lines = File.ReadAllLines(path);

        // Then the header has the sweep id, each parameter in SI units and as written, and every metric of summary.csv
        Assert.Equal(
            [
                "sweep_id", "point", "parameters", "clients_0_rate_per_s", "clients_0_rate_text",
                "control_plane_node_monitor_grace_period_s", "control_plane_node_monitor_grace_period_text",
                "variant", "replication", "seed", .. SummaryRow.Metrics.Select(m => m.Name),
            ],
            lines[0].Split(','));
        var cells = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(cells, c => Assert.Matches("^[0-9a-f]{16}$", c[0]));
        Assert.Single(cells.Select(c => c[0]).Distinct());
        Assert.Equal(["100", "100/s", "40", "40s"], cells.First(c => c[1] == "0")[3..7]);
        Assert.Equal(["200", "200/s", "50", "50s"], cells.First(c => c[1] == "3")[3..7]);
        // and no cell is NaN: an undefined value is an empty cell
        Assert.DoesNotContain(cells.SelectMany(c => c), c => c.Contains("NaN", StringComparison.OrdinalIgnoreCase));
        // and the rows carry the connection figures of summary.csv: the seed scenario opens one connection per request
        var rows = SweepCsv.Read(path).Rows;
        Assert.All(rows, r => Assert.True(r["connections"] > 0 && r["connections"] >= r["requests"] - r["failed"], $"point {r.Point} {r.Variant}: {r["connections"]} connections for {r["requests"]} requests"));
    }

    [Fact]
    public void A_Sweep_Resumed_After_Losing_A_Point_Equals_The_Uninterrupted_One_And_Reuses_The_Rest()
    {
        // Given a finished sweep that then lost point 2 and sweep.csv (as if killed before writing them)
        string dir = SweepFixture.Sweep(sweeps.NewFolder("resumed"));
        string points = Path.Combine(dir, "points");
        foreach (string lost in Directory.GetFiles(points, "point-00002.*").Append(Path.Combine(dir, OutputFiles.Sweep)))
        {
            File.Delete(lost);
        }
        // (the other points' files get an old time stamp, so that a rewrite would show)
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var kept = Directory.GetFiles(points);
        Assert.Equal(2 * (SweepFixture.Points - 1), kept.Length);
        foreach (string f in kept)
        {
            File.SetLastWriteTimeUtc(f, old);
        }

        // When it is run again
        var result = SvcsimCli.Run(SweepFixture.Args(dir));

        // Then it computes the lost point only, and writes the bytes of the uninterrupted sweep
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"({SweepFixture.Points - 1} points reused)", result.Out, StringComparison.Ordinal);
        Assert.All(kept, f => Assert.Equal(old, File.GetLastWriteTimeUtc(f)));
        Assert.True(File.Exists(Path.Combine(points, "point-00002.json")));
        AssertSameFiles(sweeps.Reference, dir, SweepTables);
    }

    [Fact]
    public void A_Killed_Sweep_Process_Resumes_To_The_Uninterrupted_Sweep()
    {
        // Given svcsim sweep as its own process, killed as soon as its first point is on disk
        string dir = sweeps.NewFolder("killed");
        using (var child = SvcsimCli.Start(AppContext.BaseDirectory, [SvcsimCli.Dll, .. SweepFixture.Args(dir, "--parallel", "1", "--quiet")]))
        {
            var clock = Stopwatch.StartNew();
            string points = Path.Combine(dir, "points");
            while (!child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)
                && !(Directory.Exists(points) && Directory.EnumerateFiles(points, "point-*.json").Any()))
            {
                Thread.Sleep(5);
            }
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
            child.WaitForExit();
        }
        // (one point takes a few hundred milliseconds on one thread: the kill lands long before the last one)
        int finished = Directory.GetFiles(Path.Combine(dir, "points"), "point-*.json").Length;
        Assert.InRange(finished, 1, SweepFixture.Points - 1);
        Assert.False(File.Exists(Path.Combine(dir, OutputFiles.Sweep)), "the killed sweep wrote sweep.csv");

        // When it is started again
        var result = SvcsimCli.Run(SweepFixture.Args(dir));

        // Then the points finished before the kill are reused and the sweep is the uninterrupted one
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"({finished} points reused)", result.Out, StringComparison.Ordinal);
        AssertSameFiles(sweeps.Reference, dir, SweepTables);
    }

    [Fact]
    public void Three_Shards_Merge_Into_The_Sweep_One_Machine_Writes()
    {
        // Given shards 1/3, 2/3 and 3/3 in three folders: each holds its points only, no sweep.csv
        var shards = sweeps.Shards;
        Assert.All(shards, s => Assert.False(File.Exists(Path.Combine(s, OutputFiles.Sweep))));
        Assert.Equal(SweepFixture.Points, shards.Sum(s => Directory.GetFiles(Path.Combine(s, "points"), "*.json").Length));
        string merged = sweeps.NewFolder("merged");

        // When
        var result = SvcsimCli.Run(["merge", "--out", merged, .. shards]);

        // Then
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"merged {SweepFixture.Points} points", result.Out, StringComparison.Ordinal);
        AssertSameFiles(sweeps.Reference, merged, [.. SweepTables, OutputFiles.ReportHtml]);
    }

    [Fact]
    public void Merge_With_A_Shard_Missing_Fails_And_Says_Which_Point()
    {
        string merged = sweeps.NewFolder("incomplete");

        var result = SvcsimCli.Run("merge", "--out", merged, sweeps.Shards[0], sweeps.Shards[2]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"missing 1 of {SweepFixture.Points} points (first: 1); run the remaining shards first", result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(merged));
    }

    public static TheoryData<string, string[]> OtherSweeps() => new()
    {
        { "other values", ["--param", "clients[0].rate=100/s,300/s", "--param", SweepFixture.GraceAxis] },
        { "other seed", ["--param", SweepFixture.RateAxis, "--param", SweepFixture.GraceAxis, "--seed", "2"] },
        { "other override", ["--param", SweepFixture.RateAxis, "--param", SweepFixture.GraceAxis, "--set", "clients[1].rate=40/s"] },
    };

    [Theory]
    [MemberData(nameof(OtherSweeps))]
    public void Merge_Refuses_A_Shard_Of_Another_Sweep(string difference, string[] args)
    {
        // Given shard 2/3 of a sweep that differs from the others' in one way
        _ = difference;
        string other = sweeps.NewFolder("other");
        var shard = SvcsimCli.Run(
        [
            "sweep", SweepFixture.Scenario, .. args, "--replications", "2", "--set", "duration=20s", "--set", "measurement.warmup=2s",
            "--shard", "2/3", "--out", other, "--quiet",
        ]);
        Assert.True(shard.ExitCode == 0, shard.ToString());
        string merged = sweeps.NewFolder("mixed");

        // When
        var result = SvcsimCli.Run("merge", "--out", merged, sweeps.Shards[0], other, sweeps.Shards[2]);

        // Then
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{other}: a different sweep from the first folder", result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(merged));
    }

    [Fact]
    public void Merge_Refuses_A_Folder_That_Is_No_Sweep()
    {
        string notSweep = sweeps.NewFolder("empty");
        Directory.CreateDirectory(notSweep);

        var result = SvcsimCli.Run("merge", "--out", sweeps.NewFolder("merged"), notSweep);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{notSweep}: not a sweep folder (no sweep-manifest.json)", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Renders_A_Sweep_Again_As_It_Was()
    {
        // Given a copy of the sweep's folder without its report
        string copy = sweeps.NewFolder("report");
        CopyDirectory(sweeps.Reference, copy);
        File.Delete(Path.Combine(copy, OutputFiles.ReportHtml));

        // When
        var result = SvcsimCli.Run("report", copy);

        // Then
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("re-rendered sweep report", result.Out, StringComparison.Ordinal);
        AssertSameFiles(sweeps.Reference, copy, [OutputFiles.ReportHtml]);
    }

    internal static void AssertSameFiles(string expectedDir, string actualDir, IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            byte[] expected = File.ReadAllBytes(Path.Combine(expectedDir, name));
            byte[] actual = File.ReadAllBytes(Path.Combine(actualDir, name));
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} differs between {expectedDir} and {actualDir}");
        }
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories).Prepend(from))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
