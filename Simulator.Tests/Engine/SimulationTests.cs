using Svcsim.Engine;

namespace Svcsim.Tests.Engine;

public sealed class SimulationTests
{
    private static Simulation NewSimulation() => new(new RandomStreams(1, 0));

    /// <summary>Writes down every event it gets, with the clock at delivery.</summary>
    private sealed class Recorder(Simulation sim) : IEventTarget
    {
        public List<(long Now, long Data)> Seen { get; } = [];

        public Action<long>? OnData { get; set; }

        public void OnEvent(int kind, object? payload, long data)
        {
            Seen.Add((sim.Now, data));
            OnData?.Invoke(data);
        }
    }

    [Fact]
    public void Simultaneous_Events_Fire_In_Scheduling_Order()
    {
        // Given 1,000 events scheduled in random order over only three distinct times
        var sim = NewSimulation();
        var recorder = new Recorder(sim);
        var rng = new Random(7);
        var scheduled = new List<(long Time, long Data)>();
        for (long i = 0; i < 1000; i++)
        {
            long t = Time.Second * rng.Next(1, 4);
            sim.ScheduleAt(t, recorder, 0, null, i);
            scheduled.Add((t, i));
        }

        // When the simulation runs
        sim.Run();

        // Then they fire by time, and within one time in the order they were scheduled
        Assert.Equal(scheduled.OrderBy(e => e.Time).ThenBy(e => e.Data).ToList(), recorder.Seen);
    }

    [Fact]
    public void An_Event_Scheduled_For_Now_Fires_After_The_Events_Already_Due_Now()
    {
        // Given three events due at 1 s, the first of which schedules another one with zero delay
        var sim = NewSimulation();
        var recorder = new Recorder(sim);
        recorder.OnData = d =>
        {
            if (d == 0)
            {
                sim.Schedule(0, recorder, 0, null, 99);
            }
        };
        for (long i = 0; i < 3; i++)
        {
            sim.ScheduleAt(Time.Second, recorder, 0, null, i);
        }

        // When it runs
        sim.Run();

        // Then the new event comes last, at the same time
        Assert.Equal([(Time.Second, 0L), (Time.Second, 1L), (Time.Second, 2L), (Time.Second, 99L)], recorder.Seen);
    }

    /// <summary>A timer cancelled lazily: a generation number travels in the event's data.</summary>
    private sealed class Timer(Simulation sim) : IEventTarget
    {
        private long _generation;

        public int Fired { get; private set; }

        public int StaleIgnored { get; private set; }

        public long FiredAt { get; private set; } = -1;

        public void Arm(long delay) => sim.Schedule(delay, this, 0, null, ++_generation);

        // Cancelling touches nothing in the event set: the pending event goes stale.
        public void Cancel() => _generation++;

        public void OnEvent(int kind, object? payload, long data)
        {
            if (data != _generation)
            {
                StaleIgnored++;
                return;
            }
            Fired++;
            FiredAt = sim.Now;
        }
    }

    [Fact]
    public void A_Lazily_Cancelled_Timer_Does_Not_Fire_And_Cancelling_Leaves_The_Event_Set_Alone()
    {
        // Given 10,000 timers armed for 5 s among 10,000 unrelated pending events
        var sim = NewSimulation();
        var other = new Recorder(sim);
        for (int i = 0; i < 10_000; i++)
        {
            sim.ScheduleAt(Time.Second * 100 + i, other, 0);
        }
        var timers = new Timer[10_000];
        for (int i = 0; i < timers.Length; i++)
        {
            timers[i] = new Timer(sim);
            timers[i].Arm(5 * Time.Second);
        }
        int pendingBefore = sim.PendingEvents;

        // When every timer is cancelled at 1 s, and the first is armed again at 2 s
        sim.Run(Time.Second);
        foreach (var t in timers)
        {
            t.Cancel();
        }

        // Then cancelling removed nothing from the event set (no search through the heap: the events are
        // still there, only stale)
        Assert.Equal(pendingBefore, sim.PendingEvents);

        sim.Run(2 * Time.Second);
        timers[0].Arm(5 * Time.Second);
        sim.Run();

        // Then only the re-armed timer fires, at 7 s; every stale event was delivered once and ignored
        Assert.Equal(1, timers[0].Fired);
        Assert.Equal(7 * Time.Second, timers[0].FiredAt);
        Assert.All(timers.Skip(1), t => Assert.Equal(0, t.Fired));
        Assert.All(timers, t => Assert.Equal(1, t.StaleIgnored));
        Assert.Equal(10_000, other.Seen.Count);
    }

    [Fact]
    public void Run_Until_Delivers_Events_Up_To_And_At_The_Horizon_And_Leaves_The_Clock_There()
    {
        // Given events at 1, 2, ..., 10 s
        var sim = NewSimulation();
        var recorder = new Recorder(sim);
        for (long i = 1; i <= 10; i++)
        {
            sim.ScheduleAt(i * Time.Second, recorder, 0, null, i);
        }

        // When it runs until 5 s, then the event at exactly 5 s fires and the clock stands at 5 s
        Assert.Equal(5, sim.Run(5 * Time.Second));
        Assert.Equal(5 * Time.Second, sim.Now);
        Assert.Equal(5, sim.PendingEvents);

        // When it runs until 5.5 s with nothing due, then the clock still moves to 5.5 s
        Assert.Equal(0, sim.Run(Time.FromSeconds(5.5)));
        Assert.Equal(Time.FromSeconds(5.5), sim.Now);

        // When it runs to the end, then the clock stands at the last event
        Assert.Equal(5, sim.Run());
        Assert.Equal(10 * Time.Second, sim.Now);
        Assert.Equal(10, sim.EventsProcessed);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (i * Time.Second, (long)i)), recorder.Seen);

        // When it runs until 20 s with nothing left, then the clock moves to 20 s
        Assert.Equal(0, sim.Run(20 * Time.Second));
        Assert.Equal(20 * Time.Second, sim.Now);
    }

    [Fact]
    public void Stop_Ends_Run_After_The_Current_Event_And_A_Later_Run_Resumes()
    {
        // Given events at 1..10 s, and the one at 3 s asks the simulation to stop
        var sim = NewSimulation();
        var recorder = new Recorder(sim);
        recorder.OnData = d =>
        {
            if (d == 3)
            {
                sim.Stop();
            }
        };
        for (long i = 1; i <= 10; i++)
        {
            sim.ScheduleAt(i * Time.Second, recorder, 0, null, i);
        }

        // When it runs with a horizon of 100 s, then it returns after three events, the clock at 3 s
        Assert.Equal(3, sim.Run(100 * Time.Second));
        Assert.Equal(3 * Time.Second, sim.Now);
        Assert.Equal(7, sim.PendingEvents);

        // When it runs again, then it resumes with the fourth event
        Assert.Equal(7, sim.Run(100 * Time.Second));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), recorder.Seen.Select(s => s.Data));
        Assert.Equal(100 * Time.Second, sim.Now);
    }

    [Fact]
    public void Scheduled_Delegates_Run_At_Their_Time_In_Order_With_Other_Events()
    {
        // Given a delegate and a target event at the same time, the delegate scheduled first
        var sim = NewSimulation();
        var recorder = new Recorder(sim);
        long delegateRanAt = -1;
        int countWhenDelegateRan = -1;
        sim.Schedule(2 * Time.Second, () =>
        {
            delegateRanAt = sim.Now;
            countWhenDelegateRan = recorder.Seen.Count;
        });
        sim.ScheduleAt(2 * Time.Second, recorder, 0);

        // When it runs
        sim.Run();

        // Then the delegate ran at 2 s, before the target's event
        Assert.Equal(2 * Time.Second, delegateRanAt);
        Assert.Equal(0, countWhenDelegateRan);
        Assert.Single(recorder.Seen);
    }
}
