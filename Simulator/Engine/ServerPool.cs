using System.Diagnostics;

namespace Svcsim.Engine;

/// <summary>What happened to a customer offered to a <see cref="ServerPool{T}"/>.</summary>
public enum Admission
{
    /// <summary>A server was free: service starts now.</summary>
    Started,
    /// <summary>All servers busy: the customer waits in the backlog.</summary>
    Queued,
    /// <summary>All servers busy and the backlog full: the customer is turned away.</summary>
    Rejected,
}

/// <summary>
/// A station with <c>c</c> identical servers and a bounded FIFO backlog that rejects when full (an
/// M/M/c/K station when fed Poisson arrivals and exponential service). It only keeps the books; its
/// owner schedules service completions and calls <see cref="Complete"/>.
/// </summary>
/// <typeparam name="T">The customer type.</typeparam>
public sealed class ServerPool<T>
    where T : class
{
    private T[] _backlog; // ring buffer
    private long[] _enqueuedAt;
    private int _head;
    private int _queued;
    private int _busy;
    private TimeWeighted _busyServers;
    private TimeWeighted _queueLength;
    private Welford _wait;

    /// <summary>Creates a pool of <paramref name="servers"/> servers and a backlog of <paramref name="backlogCapacity"/> places.</summary>
    public ServerPool(int servers, int backlogCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(servers);
        ArgumentOutOfRangeException.ThrowIfNegative(backlogCapacity);
        Servers = servers;
        BacklogCapacity = backlogCapacity;
        // The backlog grows on demand (doubling): a large model has many pools, most of which never queue.
        int initial = Math.Clamp(backlogCapacity, 1, 4);
        _backlog = new T[initial];
        _enqueuedAt = new long[initial];
    }

    /// <summary>Number of servers.</summary>
    public int Servers { get; }

    /// <summary>Places in the backlog.</summary>
    public int BacklogCapacity { get; }

    /// <summary>Servers busy now.</summary>
    public int Busy => _busy;

    /// <summary>Customers waiting now.</summary>
    public int Queued => _queued;

    /// <summary>Busy servers over time (its mean divided by <see cref="Servers"/> is the utilisation).</summary>
    public ref readonly TimeWeighted BusyServers => ref _busyServers;

    /// <summary>Backlog length over time.</summary>
    public ref readonly TimeWeighted QueueLength => ref _queueLength;

    /// <summary>Customers that found a free server or a place in the backlog.</summary>
    public long Accepted { get; private set; }

    /// <summary>Customers turned away because the backlog was full.</summary>
    public long Rejected { get; private set; }

    /// <summary>Customers whose service was completed.</summary>
    public long Completed { get; private set; }

    /// <summary>Waiting times in the backlog (seconds) of customers that started service, queued or not.</summary>
    public ref readonly Welford Wait => ref _wait;

    /// <summary>Offers a customer at time <paramref name="now"/>.</summary>
    public Admission Offer(long now, T customer)
    {
        if (_busy < Servers)
        {
            _busy++;
            _busyServers.Set(now, _busy);
            Accepted++;
            _wait.Push(0);
            return Admission.Started;
        }
        if (_queued >= BacklogCapacity)
        {
            Rejected++;
            return Admission.Rejected;
        }
        if (_queued == _backlog.Length)
        {
            Grow();
        }
        int tail = (_head + _queued) % _backlog.Length;
        _backlog[tail] = customer;
        _enqueuedAt[tail] = now;
        _queued++;
        _queueLength.Set(now, _queued);
        Accepted++;
        return Admission.Queued;
    }

    /// <summary>
    /// A server finished at time <paramref name="now"/>. Returns the next customer from the backlog, whose
    /// service starts now on the freed server, or null when the backlog is empty (the server goes idle).
    /// </summary>
    public T? Complete(long now)
    {
        Debug.Assert(_busy > 0, "Complete with no busy server");
        Completed++;
        if (_queued == 0)
        {
            _busy--;
            _busyServers.Set(now, _busy);
            return null;
        }
        var next = _backlog[_head];
        long since = _enqueuedAt[_head];
        _backlog[_head] = null!;
        _head = (_head + 1) % _backlog.Length;
        _queued--;
        _queueLength.Set(now, _queued);
        _wait.Push(Time.ToSeconds(now - since));
        return next;
    }

    /// <summary>
    /// Empties the pool at time <paramref name="now"/> (whatever hosted it failed): every waiting customer is
    /// handed to <paramref name="dropped"/> and no server is busy any more.
    /// </summary>
    public void Clear(long now, Action<T> dropped)
    {
        ArgumentNullException.ThrowIfNull(dropped);
        while (_queued > 0)
        {
            var c = _backlog[_head];
            _backlog[_head] = null!;
            _head = (_head + 1) % _backlog.Length;
            _queued--;
            dropped(c);
        }
        _busy = 0;
        _busyServers.Set(now, 0);
        _queueLength.Set(now, 0);
    }

    /// <summary>Forgets statistics gathered so far (warm-up deletion); the state stays.</summary>
    public void ResetStatistics(long now)
    {
        _busyServers.Reset(now);
        _queueLength.Reset(now);
        Accepted = 0;
        Rejected = 0;
        Completed = 0;
        _wait.Reset();
    }

    private void Grow()
    {
        int size = _backlog.Length;
        var backlog = new T[size * 2];
        var at = new long[size * 2];
        for (int i = 0; i < _queued; i++)
        {
            int from = (_head + i) % size;
            backlog[i] = _backlog[from];
            at[i] = _enqueuedAt[from];
        }
        _backlog = backlog;
        _enqueuedAt = at;
        _head = 0;
    }
}
