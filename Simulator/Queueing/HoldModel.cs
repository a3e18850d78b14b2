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
    public static double Mm1(long customers, double lambda, double mu, long seed) => Mmc(customers, 1, lambda, mu, seed);

    /// <summary>
    /// Runs an M/M/c queue (<paramref name="servers"/> servers, unbounded FIFO backlog) for
    /// <paramref name="customers"/> arrivals; returns the mean response time (s) of all of them.
    /// </summary>
    public static double Mmc(long customers, int servers, double lambda, double mu, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(customers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(servers);
        var streams = new RandomStreams(seed, 0);
        var arrivals = Distribution.Exponential(1 / lambda).CreateSampler(streams.Get("arrivals"));
        var service = Distribution.Exponential(1 / mu).CreateSampler(streams.Get("service"));
        // Element: -1 for an arrival, otherwise the arrival time of the customer whose service ends.
        const long ArrivalEvent = -1;
        var pq = new PriorityQueue<long, long>();
        var waiting = new Queue<long>();
        long arrived = 0, done = 0;
        int busy = 0;
        double responseSum = 0;
        pq.Enqueue(ArrivalEvent, arrivals.NextNanoseconds());
        while (pq.TryDequeue(out long arrivedAt, out long now))
        {
            if (arrivedAt == ArrivalEvent)
            {
                if (++arrived < customers)
                {
                    pq.Enqueue(ArrivalEvent, now + arrivals.NextNanoseconds());
                }
                if (busy < servers)
                {
                    busy++;
                    pq.Enqueue(now, now + service.NextNanoseconds());
                }
                else
                {
                    waiting.Enqueue(now);
                }
            }
            else
            {
                responseSum += now - arrivedAt;
                done++;
                if (waiting.Count > 0)
                {
                    pq.Enqueue(waiting.Dequeue(), now + service.NextNanoseconds());
                }
                else
                {
                    busy--;
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
