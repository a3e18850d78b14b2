using Svcsim.Cli;
using Svcsim.Engine;
using Svcsim.Measurement;
using Svcsim.Reports;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// summary_ci.csv's pooled latency percentiles beside the mean of the replications' own, and summary.csv's
/// replication seed beside the master seed.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class PooledLatencyAndSeedTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static VariantRunResult Run(int replication, IEnumerable<double> latenciesMs)
    {
        var histogram = new LatencyHistogram(3);
        foreach (double ms in latenciesMs)
        {
            histogram.Record(Time.FromMilliseconds(ms));
        }

        return new VariantRunResult
        {
            Variant = "nodeport",
            Replication = replication,
            Summary = new VariantSummary { FailedByCause = [], LatencyP99Ms = histogram.PercentileMs(99) },
            Latency = histogram,
            Windows = [], Nodes = [], Pods = [], Outages = [], Events = [],
        };
    }

    // The nearest-rank percentile of a sample: the ceil(q N)-th smallest value.
    private static double NearestRank(IReadOnlyList<double> sample, double percentile)
    {
        var sorted = sample.Order().ToList();
        return sorted[(int)Math.Ceiling(percentile / 100 * sorted.Count) - 1];
    }

    [Fact]
    public void A_Pooled_Percentile_Is_Of_All_Requests_Together_Not_The_Mean_Of_Each_Replications()
    {
        // Given a bimodal latency: a fast replication (1000 requests of 30 ms) and one with a slow tail (985 of 30 ms,
        // 15 of 6 s: 1.5 %, so its own p99 is 6 s)
        double[] fast = [.. Enumerable.Repeat(30.0, 1000)];
        double[] slow = [.. Enumerable.Repeat(30.0, 985), .. Enumerable.Repeat(6000.0, 15)];
        var runs = new[] { Run(0, fast), Run(1, slow) };
        var pooled = ResultMapping.PooledLatency(runs);
        double tolerance = 6000 * 1e-3; // HdrHistogram's three significant digits

        // The mean of the per-replication p99s is about 3 s, a latency no request had
        Assert.Equal(NearestRank(fast, 99), runs[0].Summary.LatencyP99Ms, 30 * 1e-3);
        Assert.Equal(NearestRank(slow, 99), runs[1].Summary.LatencyP99Ms, tolerance);
        double meanOfP99s = runs.Average(r => r.Summary.LatencyP99Ms);
        Assert.InRange(meanOfP99s, 3000, 3030);

        // while pooled, 15 slow requests of 2000 are 0.75 %: the p99 is 30 ms, the p99.9 and the largest 6 s, as the
        // nearest rank of the pooled sample says
        double[] all = [.. fast, .. slow];
        Assert.Equal(30.0, NearestRank(all, 99));
        Assert.Equal(NearestRank(all, 99), pooled("s", "nodeport", "latency_p99_ms"), 30 * 1e-3);
        Assert.Equal(NearestRank(all, 99.9), pooled("s", "nodeport", "latency_p999_ms"), tolerance);
        Assert.Equal(NearestRank(all, 50), pooled("s", "nodeport", "latency_p50_ms"), 30 * 1e-3);
        Assert.Equal(6000, pooled("s", "nodeport", "latency_max_ms"), tolerance);
        Assert.True(double.IsNaN(pooled("s", "metallb-l2", "latency_p99_ms")));

        // summary_ci.csv carries it in the pooled column of the latency rows only
        var fake = new FakeResults().Build();
        var ci = ConfidenceIntervals.ForSummary(fake.Summary, (_, _, metric) => metric == "latency_p99_ms" ? 42 : 7);
        Assert.All(ci, row => Assert.Equal(
            row.IsDifference || !SummaryCiRow.PooledLatencies.Any(l => l.Metric == row.Metric) ? double.NaN : row.Metric == "latency_p99_ms" ? 42 : 7, row.Pooled));
    }

    [Fact]
    public void A_Run_Writes_Pooled_Percentiles_And_Each_Replications_Own_Seed()
    {
        // Given a short worker crash with two replications
        string scenario = CliPaths.InRepo("Scenarios/worker-crash.yaml");
        string dir = _temp.File("run");
        var result = SvcsimCli.Run(["run", scenario, .. ShortRun.For(scenario), "--quiet", "--out", dir]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = CsvFiles.Read<SummaryRow>(Path.Combine(dir, "worker-crash", OutputFiles.Summary));
        var ci = CsvFiles.Read<SummaryCiRow>(Path.Combine(dir, "worker-crash", OutputFiles.SummaryCi));

        // Then seed is the master seed on every row, and replication_seed the replication's own: different between
        // replications, the same for every way of access in one (common random numbers)
        long master = summary[0].Seed;
        Assert.All(summary, s => Assert.Equal(master, s.Seed));
        Assert.All(summary, s => Assert.Equal(RandomStreams.ReplicationSeed(master, s.Replication), s.ReplicationSeed));
        Assert.Single(summary.Where(s => s.Replication == 0).Select(s => s.ReplicationSeed).Distinct());
        Assert.NotEqual(summary.First(s => s.Replication == 0).ReplicationSeed, summary.First(s => s.Replication == 1).ReplicationSeed);

        // and each way of access's pooled percentile lies between its replications' own (a mixture's quantile cannot
        // leave the range of its parts' quantiles), the pooled largest is the largest of all
        foreach (var variant in summary.Select(s => s.Variant).Distinct())
        {
            var own = summary.Where(s => s.Variant == variant).ToList();
            var p99 = ci.Single(c => c.Variant == variant && !c.IsDifference && c.Metric == "latency_p99_ms");
            Assert.InRange(p99.Pooled, own.Min(s => s.LatencyP99Ms), own.Max(s => s.LatencyP99Ms));
            Assert.Equal(own.Max(s => s.LatencyMaxMs), ci.Single(c => c.Variant == variant && !c.IsDifference && c.Metric == "latency_max_ms").Pooled);
            Assert.True(double.IsNaN(ci.Single(c => c.Variant == variant && !c.IsDifference && c.Metric == "availability").Pooled));
        }

        Assert.All(ci.Where(c => c.IsDifference), c => Assert.True(double.IsNaN(c.Pooled)));
        string report = File.ReadAllText(Path.Combine(dir, "worker-crash", OutputFiles.ReportHtml));
        Assert.Contains("<table id=\"latency-table\">", report, StringComparison.Ordinal);
        Assert.Contains("<span class=\"ci pooled\">pooled ", report, StringComparison.Ordinal);
    }
}
