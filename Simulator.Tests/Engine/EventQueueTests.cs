using Svcsim.Engine;

namespace Svcsim.Tests.Engine;

public sealed class EventQueueTests
{
    private sealed class NoTarget : IEventTarget
    {
        public static readonly NoTarget Instance = new();

        public void OnEvent(int kind, object? payload, long data) => throw new InvalidOperationException("never delivered here");
    }

    private readonly record struct Item(long Time, long Order);

    // Property test in the manner of dotnet/runtime's PriorityQueue tests: 100 seeded random cases, each a
    // random interleaving of enqueues and dequeues from a queue that starts tiny (so it grows several
    // times), with times drawn from a narrow range (so ties are the rule, not the exception). Every
    // dequeue must return the earliest pending item by (time, enqueue order), and the final drain must
    // equal OrderBy(time).ThenBy(enqueue order) of what is left.
    [Fact]
    public void Drain_Order_Equals_Sorting_By_Time_Then_Enqueue_Order_Over_100_Random_Cases()
    {
        int casesThatGrew = 0;
        for (int seed = 0; seed < 100; seed++)
        {
            // Given a queue with a small initial capacity and a random workload
            var rng = new Random(seed);
            int capacity = rng.Next(1, 9);
            int operations = rng.Next(100, 3000);
            int timeRange = rng.Next(1, 40);
            double enqueueShare = 0.5 + 0.3 * rng.NextDouble();
            bool monotone = rng.Next(2) == 0; // like a simulation: nothing earlier than the last dequeue
            var queue = new EventQueue(capacity);
            var pending = new List<Item>();
            long order = 0, lastDequeued = 0;
            int peak = 0;

            // When enqueues and dequeues interleave at random
            for (int op = 0; op < operations; op++)
            {
                if (pending.Count == 0 || rng.NextDouble() < enqueueShare)
                {
                    long time = (monotone ? lastDequeued : 0) + rng.Next(timeRange);
                    queue.Enqueue(time, NoTarget.Instance, (int)(order % 7), order.ToString(System.Globalization.CultureInfo.InvariantCulture), order);
                    pending.Add(new Item(time, order));
                    order++;
                    peak = Math.Max(peak, pending.Count);
                }
                else
                {
                    // Then every dequeue is the earliest pending item, ties broken by enqueue order
                    var expected = pending.OrderBy(i => i.Time).ThenBy(i => i.Order).First();
                    Assert.Equal(expected.Time, queue.PeekTime);
                    var e = queue.Dequeue();
                    Assert.Equal(expected, new Item(e.Time, e.Data));
                    pending.Remove(expected);
                    lastDequeued = e.Time;
                }
                Assert.Equal(pending.Count, queue.Count);
            }

            // Then draining the rest gives exactly the sorted order, with each event's own kind and payload
            var expectedDrain = pending.OrderBy(i => i.Time).ThenBy(i => i.Order).ToList();
            var drained = new List<Item>();
            while (queue.Count > 0)
            {
                var e = queue.Dequeue();
                Assert.Same(NoTarget.Instance, e.Target);
                Assert.Equal((int)(e.Data % 7), e.Kind);
                Assert.Equal(e.Data.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Payload);
                drained.Add(new Item(e.Time, e.Data));
            }
            Assert.Equal(expectedDrain, drained);
            Assert.Equal(Time.Never, queue.PeekTime);
            if (peak > capacity)
            {
                casesThatGrew++;
            }
        }

        // The cases must exercise growth, or the property says nothing about it.
        Assert.True(casesThatGrew >= 90, $"only {casesThatGrew} of 100 cases grew past the initial capacity");
    }

    // SimSharp renumbers its sequence numbers when its heap grows and so loses FIFO order among
    // simultaneous events; here the sequence is assigned once at enqueue.
    [Fact]
    public void Simultaneous_Events_Keep_Fifo_Order_Across_Many_Growths()
    {
        // Given a queue of capacity 1 and 10,000 events at the same time
        var queue = new EventQueue(1);
        for (long i = 0; i < 10_000; i++)
        {
            queue.Enqueue(42, NoTarget.Instance, 0, null, i);
        }

        // When it is drained, then they leave in the order they came
        for (long i = 0; i < 10_000; i++)
        {
            Assert.Equal(i, queue.Dequeue().Data);
        }
    }

    [Fact]
    public void A_Cleared_Queue_Is_Empty_And_Reusable()
    {
        // Given a queue with events in it
        var queue = new EventQueue(2);
        for (long i = 0; i < 10; i++)
        {
            queue.Enqueue(10 - i, NoTarget.Instance, 0, new object(), i);
        }

        // When it is cleared
        queue.Clear();

        // Then it is empty, and new events still leave by (time, enqueue order)
        Assert.Equal(0, queue.Count);
        Assert.Equal(Time.Never, queue.PeekTime);
        queue.Enqueue(5, NoTarget.Instance, 0, null, 1);
        queue.Enqueue(3, NoTarget.Instance, 0, null, 2);
        queue.Enqueue(5, NoTarget.Instance, 0, null, 3);
        Assert.Equal([2L, 1L, 3L], [queue.Dequeue().Data, queue.Dequeue().Data, queue.Dequeue().Data]);
    }
}
