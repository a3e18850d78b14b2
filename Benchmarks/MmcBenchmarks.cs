using BenchmarkDotNet.Attributes;
using Svcsim.Engine;
using Svcsim.Queueing;

namespace Svcsim.Benchmarks;

/// <summary>
/// M/M/1 and M/M/4 at load 0.9 per server on the engine (<see cref="MmcQueue"/>), beside the same queue
/// written straight on <see cref="PriorityQueue{TElement, TPriority}"/>. Results are per customer (two
/// events: arrival and departure).
/// </summary>
[MemoryDiagnoser]
public class MmcBenchmarks
{
    // 2 M customers (4 M events) per invocation: see HoldBenchmarks for the reasoning.
    private const int Customers = 2_000_000;
    private const long Seed = 1;
    private const double Mu = 1.0;
    private const double Load = 0.9;

    private Simulation _sim = null!;
    private MmcQueue _queue = null!;
    private long _slice;

    /// <summary>Servers at the station.</summary>
    [Params(1, 4)]
    public int Servers { get; set; }

    private double Lambda => Load * Servers * Mu;

    /// <summary>
    /// Builds the station once and runs it for one invocation's worth of customers first, so that each
    /// measured invocation is steady state (customers recycled, arrays at their peak size).
    /// </summary>
    [GlobalSetup(Target = nameof(Engine))]
    public void SetUpEngine()
    {
        _sim = new Simulation(new RandomStreams(Seed, 0));
        _queue = new MmcQueue(_sim, Distribution.Exponential(1 / Lambda), Distribution.Exponential(1 / Mu), Servers);
        _queue.Start();
        // About 1,000 arrivals per slice: the overshoot past Customers stays below 0.05%.
        _slice = Time.FromSeconds(1_000 / Lambda);
        RunCustomers(Customers);
    }

    /// <summary>The same queue written straight on PriorityQueue (it builds its queue each call).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Customers)]
    public double Bare_PriorityQueue() => BareLoop.Mmc(Customers, Servers, Lambda, Mu, Seed);

    /// <summary>The engine's <see cref="MmcQueue"/>.</summary>
    [Benchmark(OperationsPerInvoke = Customers)]
    public double Engine() => RunCustomers(Customers);

    private double RunCustomers(long customers)
    {
        long end = _queue.Arrivals + customers;
        while (_queue.Arrivals < end)
        {
            _sim.Run(_sim.Now + _slice);
        }
        return _queue.Response.Mean;
    }
}
