using Svcsim.Engine;

namespace Svcsim.Queueing;

/// <summary>
/// The classic "hold" benchmark of event-set performance: a fixed number of pending events; each event,
/// when delivered, schedules one new event an exponential time later. Exercises only the engine.
/// </summary>
public sealed class HoldModel : IEventTarget
{
    private readonly Simulation _sim;
    private readonly Sampler _hold;

    /// <summary>Builds the model with <paramref name="pending"/> events in flight, mean hold 1 s.</summary>
    public HoldModel(Simulation sim, int pending)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pending);
        _sim = sim;
        _hold = Distribution.Exponential(1.0).CreateSampler(sim.Streams.Get("hold"));
        for (int i = 0; i < pending; i++)
        {
            _sim.Schedule(_hold.NextNanoseconds(), this, 0);
        }
    }

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data) => _sim.Schedule(_hold.NextNanoseconds(), this, 0);
}

/// <summary>
/// Baselines with no framework at all: the same models written straight on
/// <see cref="PriorityQueue{TElement, TPriority}"/> with the same random streams. Benchmarks report the
/// engine's speed as a ratio to these, measured in the same run.
/// </summary>
public static class BareLoop
{
    /// <summary>Runs an M/M/1 queue for <paramref name="customers"/> arrivals; returns the mean response time (s).</summary>
    public static double Mm1(long customers, double lambda, double mu, long seed)
    {
        var streams = new RandomStreams(seed, 0);
        var arrivals = Distribution.Exponential(1 / lambda).CreateSampler(streams.Get("arrivals"));
        var service = Distribution.Exponential(1 / mu).CreateSampler(streams.Get("service"));
        var pq = new PriorityQueue<int, long>();
        var waiting = new Queue<long>();
        long now = 0, arrived = 0, done = 0;
        bool busy = false;
        long servingSince = 0;
        double responseSum = 0;
        pq.Enqueue(0, arrivals.NextNanoseconds());
        while (pq.TryDequeue(out int kind, out long t))
        {
            now = t;
            if (kind == 0)
            {
                if (++arrived < customers)
                {
                    pq.Enqueue(0, now + arrivals.NextNanoseconds());
                }
                if (!busy)
                {
                    busy = true;
                    servingSince = now;
                    pq.Enqueue(1, now + service.NextNanoseconds());
                }
                else
                {
                    waiting.Enqueue(now);
                }
            }
            else
            {
                responseSum += now - servingSince;
                done++;
                if (waiting.Count > 0)
                {
                    servingSince = waiting.Dequeue();
                    pq.Enqueue(1, now + service.NextNanoseconds());
                }
                else
                {
                    busy = false;
                }
            }
        }
        return responseSum / done / Time.Second;
    }

    /// <summary>Runs the hold model for <paramref name="events"/> events with <paramref name="pending"/> pending.</summary>
    public static long Hold(int pending, long events, long seed)
    {
        var streams = new RandomStreams(seed, 0);
        var hold = Distribution.Exponential(1.0).CreateSampler(streams.Get("hold"));
        var pq = new PriorityQueue<int, long>(pending);
        for (int i = 0; i < pending; i++)
        {
            pq.Enqueue(0, hold.NextNanoseconds());
        }
        long now = 0;
        for (long i = 0; i < events; i++)
        {
            pq.TryDequeue(out _, out now);
            pq.Enqueue(0, now + hold.NextNanoseconds());
        }
        return now;
    }
}
