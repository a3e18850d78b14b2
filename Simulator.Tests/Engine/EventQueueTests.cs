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
    // The same 100 cases again with a far horizon inside the range of times drawn, so that events are split
    // between the two heaps and the order must still be that of one heap.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Drain_Order_Equals_Sorting_By_Time_Then_Enqueue_Order_Over_100_Random_Cases(bool farHeap)
    {
        int casesThatGrew = 0, casesSplit = 0;
        for (int seed = 0; seed < 100; seed++)
        {
            // Given a queue with a small initial capacity and a random workload
            var rng = new Random(seed);
            int capacity = rng.Next(1, 9);
            int operations = rng.Next(100, 3000);
            int timeRange = rng.Next(2, 40);
            double enqueueShare = 0.5 + 0.3 * rng.NextDouble();
            bool monotone = rng.Next(2) == 0; // like a simulation: nothing earlier than the last dequeue
            long farAfter = farHeap ? rng.Next(1, timeRange) : Time.Never;
            var queue = new EventQueue(capacity, farAfter);
            bool split = false;
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
                    split |= queue.FarCount > 0 && queue.FarCount < queue.Count;
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
            casesSplit += split ? 1 : 0;
        }

        // The cases must exercise growth (and, with the far heap, events in both heaps at once), or the
        // property says nothing about them.
        Assert.True(casesThatGrew >= 90, $"only {casesThatGrew} of 100 cases grew past the initial capacity");
        Assert.True(farHeap ? casesSplit >= 90 : casesSplit == 0, $"{casesSplit} of 100 cases had events in both heaps");
    }

    [Fact]
    public void Events_At_Least_The_Horizon_Ahead_Wait_In_The_Far_Heap_And_Leave_In_Time_Order()
    {
        // Given a queue with a horizon of 100 whose clock stands at 1,000 (the last event delivered)
        var queue = new EventQueue(4, farAfter: 100);
        queue.Enqueue(1_000, NoTarget.Instance, 0, null, 0);
        Assert.Equal(1_000, queue.Dequeue().Time);

        // When events 5,000, 100 and 99 ahead are scheduled
        queue.Enqueue(6_000, NoTarget.Instance, 0, null, 1);
        queue.Enqueue(1_100, NoTarget.Instance, 0, null, 2);
        queue.Enqueue(1_099, NoTarget.Instance, 0, null, 3);

        // Then the two 100 and more ahead wait far, and the earliest leaves first
        Assert.Equal(2, queue.FarCount);
        Assert.Equal(3, queue.Count);
        Assert.Equal(1_099, queue.PeekTime);
        Assert.Equal(3, queue.Dequeue().Data);

        // And one more at 1,100, near now that the clock is at 1,099, leaves after the far one scheduled before it
        queue.Enqueue(1_100, NoTarget.Instance, 0, null, 4);
        Assert.Equal(2, queue.FarCount);
        Assert.Equal([2L, 4L, 1L], [queue.Dequeue().Data, queue.Dequeue().Data, queue.Dequeue().Data]);
        Assert.Equal(0, queue.Count);
        Assert.Equal(Time.Never, queue.PeekTime);
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
