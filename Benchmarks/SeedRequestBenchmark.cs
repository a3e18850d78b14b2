using BenchmarkDotNet.Attributes;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Queueing;
using Svcsim.Scenarios;

namespace Svcsim.Benchmarks;

/// <summary>
/// A request of the seed scenario through the full data path, beside the engine's bare cost per event (the
/// hold model at 1,000 pending events): a subclass says which way of access and which settings.
/// </summary>
public abstract class SeedRequestBenchmark
{
    /// <summary>Requests per invocation.</summary>
    protected const int Requests = 1_000_000;

    private VariantRunner _runner = null!;
    private long _done;
    private Simulation _hold = null!;

    /// <summary>Loads Scenarios/seed.yaml, lets the subclass adjust it, and runs one invocation's worth of requests first (steady state).</summary>
    [GlobalSetup(Target = nameof(Seed_Scenario_Request))]
    public void SetUpDataPath()
    {
        var spec = ScenarioLoader.Load(SeedPath()).Spec;
        double rate = spec.Clients.Sum(c => c.Rate);
        // Room for 50 invocations before arrivals stop (a short job runs far fewer); no warm-up deletion.
        spec = Adjust(spec with
        {
            DurationS = 50.0 * Requests / rate,
            Measurement = spec.Measurement with { WarmupS = 0 },
        });
        _runner = new VariantRunner(spec, spec.Variants[VariantIndex], 0);
        _done = _runner.RunUntilRequests(Requests);
    }

    /// <summary>Builds the hold model with 1,000 pending events.</summary>
    [GlobalSetup(Target = nameof(Engine_Event))]
    public void SetUpHold()
    {
        _hold = new Simulation(new RandomStreams(1, 0), 1_000);
        _ = new HoldModel(_hold, 1_000);
        _hold.Run(Time.Second * 1_000);
    }

    /// <summary>The engine alone: one hold-model event.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 4 * Requests)]
    public long Engine_Event()
    {
        long end = _hold.EventsProcessed + 4 * Requests;
        while (_hold.EventsProcessed < end)
        {
            _hold.Run(_hold.Now + Time.Second);
        }
        return _hold.Now;
    }

    /// <summary>One request of the seed scenario through the full data path.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public long Seed_Scenario_Request()
    {
        _done = _runner.RunUntilRequests(_done + Requests);
        return _done;
    }

    /// <summary>The way of access, by its index in the seed scenario.</summary>
    protected abstract int VariantIndex { get; }

    /// <summary>The subclass's changes to the seed scenario.</summary>
    protected abstract ScenarioSpec Adjust(ScenarioSpec spec);

    private static string SeedPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulator.slnx")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("run from inside the repository"), "Scenarios", "seed.yaml");
    }
}
