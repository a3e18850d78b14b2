using BenchmarkDotNet.Attributes;
using Svcsim.Engine;
using Svcsim.Queueing;

namespace Svcsim.Benchmarks;

/// <summary>
/// The hold model (every event schedules one more, exponential 1 s later) with a fixed number of pending
/// events: the engine's event set alone, beside the same loop on <see cref="PriorityQueue{TElement, TPriority}"/>.
/// Results are per event.
/// </summary>
[MemoryDiagnoser]
public class HoldBenchmarks
{
    // 4 M events: 0.3-1 s per invocation, long enough for a steady measurement, short enough that
    // `--job short` over every benchmark stays within a few minutes.
    private const int Events = 4_000_000;
    private const long Seed = 1;

    private Simulation _sim = null!;
    private long _slice;

    /// <summary>Events pending at any time.</summary>
    [Params(1_000, 100_000)]
    public int Pending { get; set; }

    /// <summary>
    /// Builds the engine model once and runs it past its start, so that each invocation measures the steady
    /// state: the queue's arrays already have their peak size and nothing is allocated per event.
    /// </summary>
    [GlobalSetup(Target = nameof(Engine))]
    public void SetUpEngine()
    {
        _sim = new Simulation(new RandomStreams(Seed, 0), Pending);
        _ = new HoldModel(_sim, Pending);
        // Pending events with mean hold 1 s fire at Pending per simulated second: a slice of 1,000 events'
        // worth of time keeps the overshoot past Events below 0.03%.
        _slice = Time.Second * 1_000 / Pending;
        RunEvents(Events);
    }

    /// <summary>The same model written straight on PriorityQueue (it builds and fills its queue each call).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public long Bare_PriorityQueue() => BareLoop.Hold(Pending, Events, Seed);

    /// <summary>The engine's <see cref="HoldModel"/>.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long Engine() => RunEvents(Events);

    private long RunEvents(long events)
    {
        long end = _sim.EventsProcessed + events;
        while (_sim.EventsProcessed < end)
        {
            _sim.Run(_sim.Now + _slice);
        }
        return _sim.Now;
    }
}
