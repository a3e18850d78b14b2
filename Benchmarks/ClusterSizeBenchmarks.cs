using BenchmarkDotNet.Attributes;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Scenarios;

namespace Svcsim.Benchmarks;

/// <summary>
/// Cost against cluster size, for clusters written by <c>svcsim generate</c> (one control plane, workers
/// with three pods each behind one LoadBalancer Service, clients on the control plane's node port, a
/// worker crash at 60 s): building the world, one request at a fixed offered load of 1,000/s, and one
/// simulated second at 400 requests/s (so that periodic work such as leases, controller ticks and
/// window sampling shows against traffic). A request should cost the same at 5,000 nodes as at 4.
/// </summary>
[MemoryDiagnoser]
public class ClusterSizeBenchmarks
{
    private const int Requests = 100_000;
    private const int SimulatedSeconds = 20;

    // Arrivals run for a simulated million seconds, so that however many invocations BenchmarkDotNet
    // asks for (thousands at 4 nodes, where one invocation is a few milliseconds) every one of them
    // measures a world with traffic, never one whose clients have stopped. Nothing in the world is
    // sized by the duration; what is kept grows with the simulated time actually run.
    private const double LongRunS = 1_000_000;

    private ScenarioSpec _spec = null!;
    private VariantRunner _runner = null!;
    private long _done;

    /// <summary>Nodes in the cluster, control plane included.</summary>
    [Params(4, 100, 1000, 5000)]
    public int Nodes { get; set; }

    private static ScenarioSpec Generate(int nodes, double rate, double durationS) =>
        ScenarioLoader.LoadText(ScenarioGenerator.Write(new GeneratorOptions(nodes, PodsPerNode: 3, Rate: rate, DurationS: durationS,
            Variants: ["nodeport"])), $"generated-{nodes}.yaml").Spec;

    /// <summary>The scenario, for building worlds.</summary>
    [GlobalSetup(Target = nameof(Build_World))]
    public void SetUpBuild() => _spec = Generate(Nodes, 1000, 600);

    /// <summary>A world at 1,000 requests/s, run past its first requests.</summary>
    [GlobalSetup(Target = nameof(Request))]
    public void SetUpRequest()
    {
        _spec = Generate(Nodes, 1000, LongRunS);
        _runner = new VariantRunner(_spec, _spec.Variants[0], 0);
        _done = _runner.RunUntilRequests(Requests);
    }

    /// <summary>A world at 400 requests/s, run past its first 20 s.</summary>
    [GlobalSetup(Target = nameof(Simulated_Second_At_400_Per_S))]
    public void SetUpSimulatedSecond()
    {
        _spec = Generate(Nodes, 400, LongRunS);
        _runner = new VariantRunner(_spec, _spec.Variants[0], 0);
        _runner.RunUntilRequests(400 * SimulatedSeconds);
    }

    /// <summary>Cluster, Kubernetes model (every pod placed), front door, clients and measurement.</summary>
    [Benchmark]
    public VariantRunner Build_World() => new(_spec, _spec.Variants[0], 0);

    /// <summary>One request through the full data path at 1,000 requests/s.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public long Request()
    {
        long target = _done + Requests;
        _done = _runner.RunUntilRequests(target);
        if (_done < target)
        {
            throw new InvalidOperationException("the benchmark world ran out of simulated time; raise LongRunS");
        }

        return _done;
    }

    /// <summary>One simulated second at 400 requests/s, everything periodic included.</summary>
    [Benchmark(OperationsPerInvoke = SimulatedSeconds)]
    public long Simulated_Second_At_400_Per_S()
    {
        var sim = _runner.Simulation;
        long until = sim.Now + SimulatedSeconds * Time.Second;
        if (until > Time.FromSeconds(LongRunS))
        {
            throw new InvalidOperationException("the benchmark world ran out of simulated time; raise LongRunS");
        }

        sim.Run(until);
        return sim.EventsProcessed;
    }
}
