using System.Diagnostics;

namespace Svcsim.Engine;

/// <summary>
/// The discrete-event loop: a clock, a future-event set and the randomness of one run.
/// Components schedule events on an <see cref="IEventTarget"/>; <see cref="Run"/> delivers them in
/// (time, scheduling order). Nothing here reads the wall clock.
/// </summary>
public sealed class Simulation
{
    private readonly EventQueue _queue;
    private long _now;
    private long _eventsProcessed;
    private bool _stopRequested;

    /// <summary>
    /// Creates a simulation whose random streams derive from <paramref name="streams"/>. Events scheduled
    /// <paramref name="farAfter"/> or more ahead wait apart from the rest (<see cref="EventQueue"/>): the
    /// delivery order is the same, what changes is the cost of a delivery when many far timers are pending.
    /// </summary>
    public Simulation(RandomStreams streams, int initialCapacity = 1024, long farAfter = Time.Never)
    {
        ArgumentNullException.ThrowIfNull(streams);
        Streams = streams;
        _queue = new EventQueue(initialCapacity, farAfter);
    }

    /// <summary>The current simulated time in nanoseconds.</summary>
    public long Now => _now;

    /// <summary>The named random streams of this run.</summary>
    public RandomStreams Streams { get; }

    /// <summary>Events delivered so far.</summary>
    public long EventsProcessed => _eventsProcessed;

    /// <summary>Events waiting in the future-event set.</summary>
    public int PendingEvents => _queue.Count;

    /// <summary>Of <see cref="PendingEvents"/>, those waiting apart as far ahead (see the constructor).</summary>
    public int FarPendingEvents => _queue.FarCount;

    /// <summary>Schedules an event <paramref name="delay"/> nanoseconds from now.</summary>
    public void Schedule(long delay, IEventTarget target, int kind, object? payload = null, long data = 0)
    {
        Debug.Assert(delay >= 0, "events cannot be scheduled in the past");
        ScheduleAt(_now + delay, target, kind, payload, data);
    }

    /// <summary>Schedules an event at the absolute time <paramref name="time"/>.</summary>
    public void ScheduleAt(long time, IEventTarget target, int kind, object? payload = null, long data = 0)
    {
        Debug.Assert(time >= _now, "events cannot be scheduled in the past");
        _queue.Enqueue(time, target, kind, payload, data);
    }

    /// <summary>
    /// Schedules a delegate. Convenient for rare events (faults, control-plane steps); the per-request
    /// path uses <see cref="IEventTarget"/> instead so that it allocates nothing.
    /// </summary>
    public void ScheduleAt(long time, Action action) => ScheduleAt(time, ActionTarget.Instance, 0, action);

    /// <summary>Schedules a delegate <paramref name="delay"/> nanoseconds from now.</summary>
    public void Schedule(long delay, Action action) => ScheduleAt(_now + delay, ActionTarget.Instance, 0, action);

    /// <summary>Asks <see cref="Run"/> to return after the current event.</summary>
    public void Stop() => _stopRequested = true;

    /// <summary>
    /// Delivers events in order until none is left, <see cref="Stop"/> is called, or the next event is
    /// later than <paramref name="until"/>; the clock then stands at <paramref name="until"/> (or at the
    /// stop). Returns the number of events delivered by this call.
    /// </summary>
    public long Run(long until = Time.Never)
    {
        _stopRequested = false;
        var queue = _queue; // local copy: the JIT keeps it in a register across the loop
        long delivered = 0;
        while (queue.Count > 0 && queue.PeekTime <= until)
        {
            var e = queue.Dequeue();
            _now = e.Time;
            delivered++;
            e.Target.OnEvent(e.Kind, e.Payload, e.Data);
            if (_stopRequested)
            {
                break;
            }
        }
        _eventsProcessed += delivered;
        if (!_stopRequested && until != Time.Never && _now < until)
        {
            _now = until;
        }
        return delivered;
    }

    private sealed class ActionTarget : IEventTarget
    {
        public static readonly ActionTarget Instance = new();

        public void OnEvent(int kind, object? payload, long data) => ((Action)payload!)();
    }
}
