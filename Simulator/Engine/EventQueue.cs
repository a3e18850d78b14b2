using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Svcsim.Engine;

/// <summary>One event as handed to its target.</summary>
public struct ScheduledEvent
{
    /// <summary>When the event fires, in nanoseconds.</summary>
    public long Time;
    /// <summary>Who handles the event.</summary>
    public IEventTarget Target;
    /// <summary>An object handed to the target (a request, a customer...).</summary>
    public object? Payload;
    /// <summary>A number handed to the target (a generation for lazy cancellation, an index...).</summary>
    public long Data;
    /// <summary>What kind of event this is, as the target defines it.</summary>
    public int Kind;
}

/// <summary>
/// The future-event set: a 4-ary min-heap of 16-byte value-type keys (time, sequence|slot) over a slot
/// array that holds each event's target and payload. Keys are ordered by time, then by the sequence number
/// assigned once at enqueue and never renumbered, so events with equal times always leave in the order
/// they were scheduled, even across growth. Nothing is allocated per event once the arrays have grown to
/// the peak number of pending events.
/// <para>
/// Events due at least a horizon after the last one delivered (see the constructor) wait in a second heap of
/// their own. A model's periodic timers (a lease per node, a health check per target, seconds ahead) would
/// otherwise fill the heap that every short-lived event (microseconds to milliseconds ahead) sifts through:
/// with a thousand such timers pending, each delivery walked five levels instead of one or two. The two heaps
/// share one order (time, then sequence); a delivery takes the earlier of their two roots, so the order of
/// delivery is exactly that of one heap, whichever heap an event waited in.
/// </para>
/// </summary>
public sealed class EventQueue
{
    // 4-ary rather than binary: half the depth, and the four children share a cache line;
    // the same choice as System.Collections.Generic.PriorityQueue.
    private const int Log2Arity = 2;
    private const int Arity = 1 << Log2Arity;

    // The sequence number and the slot index share one long: sequence in the high 40 bits, slot in the
    // low 24. Sequences are unique, so the slot bits never decide an order; packing keeps a heap node at
    // 16 bytes (moving 48-byte nodes made sifts ~1.5x slower).
    private const int SlotBits = 24;
    private const long SlotMask = (1L << SlotBits) - 1;
    /// <summary>The most events that can be pending at once (16,777,216).</summary>
    public const int MaxPending = 1 << SlotBits;
    /// <summary>The most events one queue can ever accept (2^39, about 5.5e11).</summary>
    public const long MaxSequence = 1L << (63 - SlotBits);

    private struct HeapNode
    {
        public long Time;
        public long Key; // (sequence << SlotBits) | slot
    }

    private struct Slot
    {
        public IEventTarget Target;
        public object? Payload;
        public long Data;
        public int Kind;
        public int NextFree;
    }

    private HeapNode[] _heap;
    private HeapNode[] _far; // events due at least _farAfter after the last delivery
    private Slot[] _slots;
    private int _count;
    private int _farCount;
    private readonly long _farAfter;
    private long _lastTime; // time of the last delivery
    private int _freeHead; // head of the free-slot list, -1 when every slot is in use
    private int _slotsUsed; // slots handed out at least once; beyond it, slots are fresh
    private long _sequence;

    /// <summary>
    /// Creates an empty queue with room for <paramref name="capacity"/> events before it grows. An event due
    /// <paramref name="farAfter"/> or more after the last delivered one waits in the second heap (see the
    /// class remarks); <see cref="Engine.Time.Never"/>, the default, keeps every event in one heap.
    /// </summary>
    public EventQueue(int capacity = 1024, long farAfter = Engine.Time.Never)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxPending);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(farAfter);
        _heap = new HeapNode[capacity];
        _far = new HeapNode[capacity];
        _slots = new Slot[capacity];
        _freeHead = -1;
        _farAfter = farAfter;
    }

    /// <summary>Number of pending events (lazily cancelled ones included).</summary>
    public int Count => _count + _farCount;

    /// <summary>Events pending in the second heap, due at least the horizon after the delivery before their scheduling.</summary>
    public int FarCount => _farCount;

    /// <summary>Time of the earliest pending event; <see cref="Engine.Time.Never"/> when empty.</summary>
    public long PeekTime
    {
        get
        {
            long near = _count == 0 ? Engine.Time.Never : _heap[0].Time;
            return _farCount == 0 ? near : Math.Min(near, _far[0].Time);
        }
    }

    /// <summary>Adds an event; it leaves after every event with an earlier time or an equal time enqueued before it.</summary>
    public void Enqueue(long time, IEventTarget target, int kind, object? payload, long data)
    {
        int slot = _freeHead;
        if (slot >= 0)
        {
            _freeHead = _slots[slot].NextFree;
        }
        else
        {
            if (_slotsUsed == _slots.Length)
            {
                Grow();
            }
            slot = _slotsUsed++;
        }
        ref var s = ref _slots[slot];
        s.Target = target;
        s.Payload = payload;
        s.Data = data;
        s.Kind = kind;

        long seq = _sequence++;
        if (seq >= MaxSequence)
        {
            throw new InvalidOperationException("more than 2^39 events scheduled in one run");
        }
        var node = new HeapNode { Time = time, Key = (seq << SlotBits) | (uint)slot };
        // Either heap is correct for any event; the test only decides which one it waits in. An event earlier than
        // the last delivery (a queue used outside a simulation), or a difference that overflows, stays near.
        long ahead = time - _lastTime;
        if (ahead >= _farAfter && time >= _lastTime)
        {
            SiftUp(_far, _farCount++, node);
        }
        else
        {
            SiftUp(_heap, _count++, node);
        }
    }

    /// <summary>Removes the earliest event and returns it. The queue must not be empty.</summary>
    public ScheduledEvent Dequeue()
    {
        Debug.Assert(Count > 0, "Dequeue on an empty event queue");
        HeapNode top;
        if (_farCount == 0 || (_count > 0 && Before(_heap[0], _far[0])))
        {
            var heap = _heap;
            top = heap[0];
            int last = --_count;
            if (last > 0)
            {
                SiftDown(heap, last, heap[last]);
                PrefetchSlot((int)(heap[0].Key & SlotMask));
            }
        }
        else
        {
            var far = _far;
            top = far[0];
            int last = --_farCount;
            if (last > 0)
            {
                SiftDown(far, last, far[last]);
            }
        }
        _lastTime = top.Time;
        int slot = (int)(top.Key & SlotMask);
        ref var s = ref _slots[slot];
        var e = new ScheduledEvent { Time = top.Time, Target = s.Target, Payload = s.Payload, Data = s.Data, Kind = s.Kind };
        s.Target = null!;
        s.Payload = null; // release references held by the freed slot
        s.NextFree = _freeHead;
        _freeHead = slot;
        return e;
    }

    /// <summary>Removes every pending event.</summary>
    public void Clear()
    {
        Array.Clear(_heap, 0, _count);
        Array.Clear(_far, 0, _farCount);
        Array.Clear(_slots, 0, _slotsUsed);
        _count = 0;
        _farCount = 0;
        _lastTime = 0;
        _slotsUsed = 0;
        _freeHead = -1;
    }

    // The next event's slot was written when it was scheduled, often long ago, so with many pending events
    // it is out of cache. Asking for it now overlaps that miss with the current event's handler; it took
    // the hold benchmark at 100,000 pending events from 0.6x to about 0.8x of a bare PriorityQueue loop.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe void PrefetchSlot(int slot)
    {
        if (Sse.IsSupported)
        {
            // The slot holds references, so it cannot be pinned by type; its address as bytes is enough
            // for a prefetch, which never faults and reads nothing.
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.As<Slot, byte>(ref _slots[slot])));
        }
    }

    private void Grow()
    {
        int size = _slots.Length;
        if (size >= MaxPending)
        {
            throw new InvalidOperationException($"more than {MaxPending} events pending at once");
        }
        int next = Math.Min(size * 2, MaxPending);
        Array.Resize(ref _slots, next);
        Array.Resize(ref _heap, next);
        Array.Resize(ref _far, next);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Before(in HeapNode a, in HeapNode b) => a.Time < b.Time || (a.Time == b.Time && a.Key < b.Key);

    private static void SiftUp(HeapNode[] array, int index, HeapNode item)
    {
        // Unchecked element refs: the indices are within [0, count) by construction, and bounds checks
        // in the sift loops cost ~10% of the hold benchmark.
        ref HeapNode heap = ref MemoryMarshal.GetArrayDataReference(array);
        while (index > 0)
        {
            int parent = (index - 1) >> Log2Arity;
            HeapNode p = Unsafe.Add(ref heap, parent);
            if (!Before(item, p))
            {
                break;
            }
            Unsafe.Add(ref heap, index) = p;
            index = parent;
        }
        Unsafe.Add(ref heap, index) = item;
    }

    private static void SiftDown(HeapNode[] array, int count, HeapNode item)
    {
        ref HeapNode heap = ref MemoryMarshal.GetArrayDataReference(array);
        int index = 0;
        while (true)
        {
            int first = (index << Log2Arity) + 1;
            if (first >= count)
            {
                break;
            }
            int best = first;
            HeapNode bestNode = Unsafe.Add(ref heap, first);
            int end = Math.Min(first + Arity, count);
            for (int c = first + 1; c < end; c++)
            {
                HeapNode n = Unsafe.Add(ref heap, c);
                if (Before(n, bestNode))
                {
                    best = c;
                    bestNode = n;
                }
            }
            if (!Before(bestNode, item))
            {
                break;
            }
            Unsafe.Add(ref heap, index) = bestNode;
            index = best;
        }
        Unsafe.Add(ref heap, index) = item;
    }
}
