using Svcsim.Measurement;
using Svcsim.Scenarios;

namespace Svcsim.Experiments;

/// <summary>All the runs of one scenario: every variant in every replication.</summary>
/// <param name="Scenario">The scenario as run.</param>
/// <param name="Runs">Results ordered by replication, then by variant in scenario order.</param>
public sealed record ScenarioResults(ScenarioSpec Scenario, IReadOnlyList<VariantRunResult> Runs);

/// <summary>
/// Runs every (replication, variant) of a scenario, in parallel when asked. Each run is an independent
/// world whose random streams depend only on (seed, replication, stream name), and results are put in a
/// fixed order, so the output is identical whatever the number of threads.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>Runs the scenario; <paramref name="progress"/> is told each time a run completes.</summary>
    public static ScenarioResults Run(ScenarioSpec spec, int parallelism = 1, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int variants = spec.Variants.Count;
        int total = spec.Replications * variants;
        var results = new VariantRunResult[total];
        int done = 0;
        Parallel.For(0, total, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, i =>
        {
            int rep = i / variants, v = i % variants;
            results[i] = new VariantRunner(spec, spec.Variants[v], rep).Run();
            progress?.Invoke(Interlocked.Increment(ref done), total);
        });
        return new ScenarioResults(spec, results);
    }

    /// <summary>
    /// Runs several scenarios (the points of a sweep) as one parallel loop over all their (replication,
    /// variant) worlds, so that no thread waits at the end of one scenario while another still has work.
    /// <paramref name="onScenarioDone"/> is called, one call at a time, as soon as the last world of a
    /// scenario finishes (so it can be saved at once), with the same results <see cref="Run"/> would give;
    /// <paramref name="progress"/> is told the number of worlds finished.
    /// </summary>
    public static void RunAll(IReadOnlyList<ScenarioSpec> specs, int parallelism, Action<int, ScenarioResults> onScenarioDone,
        Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(onScenarioDone);
        var first = new int[specs.Count + 1];
        for (int k = 0; k < specs.Count; k++)
        {
            first[k + 1] = first[k] + specs[k].Replications * specs[k].Variants.Count;
        }
        int total = first[specs.Count];
        var results = new VariantRunResult[specs.Count][];
        var left = new int[specs.Count];
        for (int k = 0; k < specs.Count; k++)
        {
            results[k] = new VariantRunResult[first[k + 1] - first[k]];
            left[k] = results[k].Length;
        }
        var owner = new int[total];
        for (int k = 0; k < specs.Count; k++)
        {
            Array.Fill(owner, k, first[k], first[k + 1] - first[k]);
        }
        var gate = new object();
        int done = 0;
        // Scenarios with no world at all are finished before the loop starts.
        for (int k = 0; k < specs.Count; k++)
        {
            if (left[k] == 0)
            {
                onScenarioDone(k, new ScenarioResults(specs[k], results[k]));
            }
        }
        // Worlds are handed out one at a time in order, so scenarios finish (and are saved) roughly in order
        // while every thread stays busy: a killed sweep keeps its first points, not a part of each.
        var inOrder = System.Collections.Concurrent.Partitioner.Create(Enumerable.Range(0, total),
            System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering);
        Parallel.ForEach(inOrder, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, i =>
        {
            int k = owner[i];
            var spec = specs[k];
            int local = i - first[k], variants = spec.Variants.Count;
            results[k][local] = new VariantRunner(spec, spec.Variants[local % variants], local / variants).Run();
            lock (gate)
            {
                done++;
                if (--left[k] == 0)
                {
                    onScenarioDone(k, new ScenarioResults(spec, results[k]));
                    results[k] = []; // handed over: the loop keeps no finished scenario's results
                }
                progress?.Invoke(done);
            }
        });
    }
}
