using Svcsim.Reports;
using System.Collections;
using System.Globalization;
using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Measurement;
using Svcsim.Queueing;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// The experiment method itself: the intervals drawn from replications mean what they claim, and a
/// scenario's results depend on its seed only, not on how many threads ran it.
/// </summary>
public class ExperimentMethodTests(ITestOutputHelper output)
{
    private const int Experiments = 200;
    private const int Replications = 10;

    [Fact]
    public void Student_T_Intervals_Over_Replications_Cover_The_True_Mean_At_The_Nominal_Rate()
    {
        // Given an M/M/1 station (λ = 0.5, μ = 1, true mean response 2) and the same station with μ = 1.25
        // (true mean 1/(1.25 - 0.5)), run on common random numbers
        const double Lambda = 0.5, Mu = 1, FasterMu = 1.25;
        double truth = QueueingTheory.MmcMeanResponse(1, Lambda, Mu);
        double truthFaster = QueueingTheory.MmcMeanResponse(1, Lambda, FasterMu);

        // When 200 independent experiments each run 10 replications (warm-up 200, then 2000 time units,
        // about 1000 customers) and build the project's 95 % Student-t interval of the mean response and
        // of the paired difference
        int covered = 0, coveredDifference = 0;
        for (int e = 0; e < Experiments; e++)
        {
            var slow = new double[Replications];
            var fast = new double[Replications];
            for (int r = 0; r < Replications; r++)
            {
                slow[r] = MeanResponse(Lambda, Mu, seed: 1000 + e, r);
                fast[r] = MeanResponse(Lambda, FasterMu, seed: 1000 + e, r);
            }
            covered += ConfidenceIntervals.Of(slow).Contains(truth) ? 1 : 0;
            coveredDifference += ConfidenceIntervals.OfPairedDifferences(slow, fast).Contains(truth - truthFaster) ? 1 : 0;
        }

        // Then each kind of interval covers its true value in about 95 % of the experiments: the number that
        // do is Binomial(200, 0.95) if the intervals are right, so it lies in that distribution's exact 99 %
        // region (about 182 to 197); too few means intervals too narrow (or biased estimates), too many
        // means intervals too wide
        var (lo, hi) = Tolerances.BinomialRegion(Experiments, 0.95);
        output.WriteLine($"mean: {covered}/{Experiments} covered; paired difference: {coveredDifference}/{Experiments}; region [{lo}, {hi}]");
        Assert.InRange(covered, lo, hi);
        Assert.InRange(coveredDifference, lo, hi);
    }

    [Fact]
    public void Same_Scenario_And_Seed_Give_Identical_Results_Serially_And_In_Parallel()
    {
        // Given a scenario with every way of access, faults at fixed times and at random, and 2 replications
        var spec = TestScenarios.Seed(rate: 100, durationS: 60, faults:
        [
            new NodeCrash("w1", 20, 15),
            new NodeReboot("w2", 30, 8, "192.168.1.202"),
            new RandomNodeFailures(["w3"], Distribution.Exponential(15), Distribution.Exponential(3)),
        ], replications: 2) with
        { Variants = [new NodePortAccess("nodeport", [], NodePortAssignment.Spread, NodePortFailover.NextAddress), new MetalLbL2Access("metallb-l2"),
            new MetalLbBgpAccess("metallb-bgp"), new CloudLbAccess("cloud-lb", HealthCheckSpec.Presets["gce"], LbAlgorithm.Random)] };

        // When it runs on one thread and on two
        var serial = Describe(ExperimentRunner.Run(spec));
        var parallel = Describe(ExperimentRunner.Run(spec, parallelism: 2));

        // Then every summary figure, window, node and pod row, outage and timeline entry is the same, in the
        // same order, to the last bit
        output.WriteLine($"{serial.Count} lines compared");
        Assert.Equal(serial, parallel);
        // And the comparison has teeth: another seed changes the results
        Assert.NotEqual(serial, Describe(ExperimentRunner.Run(spec with { Seed = spec.Seed + 1 }, parallelism: 2)));
    }

    private static double MeanResponse(double lambda, double mu, long seed, int replication)
    {
        var sim = new Simulation(new RandomStreams(seed, replication));
        var q = new MmcQueue(sim, Distribution.Exponential(1 / lambda), Distribution.Exponential(1 / mu), 1);
        q.Start(warmup: 200 * Time.Second);
        sim.Run(2200 * Time.Second);
        return q.Response.Mean;
    }

    /// <summary>Every figure of every run as text, doubles round-trippable, so two results compare bit for bit.</summary>
    private static List<string> Describe(ScenarioResults results)
    {
        var lines = new List<string>();
        foreach (var run in results.Runs)
        {
            string key = $"{run.Variant}#{run.Replication}";
            lines.Add($"{key} seed={run.Seed} summary {Flatten(run.Summary)}");
            lines.AddRange(run.Windows.Select(w => $"{key} window {Flatten(w)}"));
            lines.AddRange(run.Nodes.Select(n => $"{key} node {Flatten(n)}"));
            lines.AddRange(run.Pods.Select(p => $"{key} pod {Flatten(p)}"));
            lines.AddRange(run.Outages.Select(o => $"{key} outage {Flatten(o)}"));
            lines.AddRange(run.Events.Select(e => $"{key} event {Flatten(e)}"));
        }
        return lines;
    }

    private static string Flatten(object row) =>
        string.Join(" ", row.GetType().GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={Format(p.GetValue(row))}"));

    private static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => s,
        IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
