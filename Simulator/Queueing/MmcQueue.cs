using Svcsim.Engine;

namespace Svcsim.Queueing;

/// <summary>
/// The textbook station used to validate and benchmark the engine: Poisson arrivals (or any
/// inter-arrival distribution) into a <see cref="ServerPool{T}"/> of c servers with a bounded backlog.
/// M/M/1, M/M/c and M/M/c/K are its special cases.
/// </summary>
public sealed class MmcQueue : IEventTarget
{
    private const int Arrival = 0;
    private const int Departure = 1;

    private readonly Simulation _sim;
    private readonly Sampler _interArrival;
    private readonly Sampler _service;
    private readonly ServerPool<Customer> _pool;
    private Welford _response;
    // Customers are recycled: memory stays bounded by customers in the system, not customers simulated.
    private readonly Stack<Customer> _free = new();
    private long _warmupEnd;
    private long _arrivals;
    private long _startedAfterQueueing;

    /// <summary>Builds the station on <paramref name="sim"/>; call <see cref="Start"/> and then run the simulation.</summary>
    public MmcQueue(Simulation sim, Distribution interArrival, Distribution service, int servers, int backlogCapacity = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(interArrival);
        ArgumentNullException.ThrowIfNull(service);
        _sim = sim;
        _interArrival = interArrival.CreateSampler(sim.Streams.Get("arrivals"));
        _service = service.CreateSampler(sim.Streams.Get("service"));
        _pool = new ServerPool<Customer>(servers, backlogCapacity);
    }

    /// <summary>The station's books (utilisation, queue length, waits, rejections).</summary>
    public ServerPool<Customer> Pool => _pool;

    /// <summary>Time in system (wait plus service, seconds) of customers that departed after warm-up.</summary>
    public ref readonly Welford Response => ref _response;

    /// <summary>Customers that arrived after warm-up, rejected ones included.</summary>
    public long Arrivals => _arrivals;

    /// <summary>Customers that departed after warm-up.</summary>
    public long Departures => Response.Count;

    /// <summary>
    /// Customers whose service started after warm-up once they had waited in the backlog: divided by
    /// <c>Pool.Wait.Count</c> (every service start since warm-up, queued or not) it estimates P(wait &gt; 0),
    /// which Erlang C gives for M/M/c.
    /// </summary>
    public long StartedAfterQueueing => _startedAfterQueueing;

    /// <summary>Schedules the first arrival and the end of warm-up.</summary>
    public void Start(long warmup = 0)
    {
        _warmupEnd = warmup;
        _sim.Schedule(_interArrival.NextNanoseconds(), this, Arrival);
        if (warmup > 0)
        {
            _sim.ScheduleAt(warmup, ResetStatistics);
        }
    }

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        long now = _sim.Now;
        if (kind == Arrival)
        {
            _arrivals++;
            _sim.Schedule(_interArrival.NextNanoseconds(), this, Arrival);
            var c = _free.Count > 0 ? _free.Pop() : new Customer();
            c.ArrivedAt = now;
            switch (_pool.Offer(now, c))
            {
                case Admission.Started:
                    _sim.Schedule(_service.NextNanoseconds(), this, Departure, c);
                    break;
                case Admission.Rejected:
                    _free.Push(c);
                    break;
            }
        }
        else
        {
            var done = (Customer)payload!;
            if (done.ArrivedAt >= _warmupEnd)
            {
                _response.Push(Time.ToSeconds(now - done.ArrivedAt));
            }
            _free.Push(done);
            var next = _pool.Complete(now);
            if (next is not null)
            {
                _startedAfterQueueing++;
                _sim.Schedule(_service.NextNanoseconds(), this, Departure, next);
            }
        }
    }

    private void ResetStatistics()
    {
        _pool.ResetStatistics(_sim.Now);
        _response.Reset();
        _arrivals = 0;
        _startedAfterQueueing = 0;
    }

    /// <summary>One customer of the station.</summary>
    public sealed class Customer
    {
        /// <summary>When the customer arrived.</summary>
        public long ArrivedAt { get; set; }
    }
}
