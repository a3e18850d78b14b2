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
}
