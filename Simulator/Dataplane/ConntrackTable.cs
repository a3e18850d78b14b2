namespace Svcsim.Dataplane;

/// <summary>Conntrack sizing and timeouts (kubernetes-behaviour.md, "Connections: TCP, conntrack and keep-alive").</summary>
/// <param name="EstablishedTimeoutS">kube-proxy's conntrack.tcpEstablishedTimeout, 24 h: an established entry idle this long is forgotten.</param>
/// <param name="TimeWaitTimeoutS">nf_conntrack_tcp_timeout_time_wait, 120 s: a closed connection's entry lingers this long.</param>
public sealed record ConntrackSpec(double EstablishedTimeoutS = 86400, double TimeWaitTimeoutS = 120)
{
    /// <summary>The defaults.</summary>
    public static ConntrackSpec Default { get; } = new();
}

/// <summary>
/// One node's conntrack table, as far as it decides outcomes: how many entries it holds against its limit
/// (a full table drops new connections: "nf_conntrack: table full, dropping packet"). Entries of open
/// connections count until they close; a closed connection's entry lingers for the TIME_WAIT timeout. Since
/// that timeout is the same for every entry, entries expire in the order they closed: a queue of expiry
/// times, purged lazily when an entry is added, costs O(1) amortised and schedules no event.
/// </summary>
public sealed class ConntrackTable
{
    private readonly int _max;
    private readonly long _timeWait;
    private long[] _expiries = new long[64]; // ring of TIME_WAIT expiry times, oldest first; its length a power of two
    private int _head;
    private int _count;
    private int _open;

    /// <summary>An empty table of at most <paramref name="max"/> entries.</summary>
    public ConntrackTable(int max, ConntrackSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _max = max;
        _timeWait = Engine.Time.FromSeconds(spec.TimeWaitTimeoutS);
    }

    /// <summary>Bumped when the table is lost (the node went down): entries made before are gone.</summary>
    public int Generation { get; private set; }

    /// <summary>Entries at <paramref name="now"/>: open connections plus closed ones still in TIME_WAIT.</summary>
    public int Count(long now)
    {
        Purge(now);
        return _open + _count;
    }

    /// <summary>Adds the entry of a new connection at <paramref name="now"/>; false when the table is full (the packet is dropped).</summary>
    public bool TryAdd(long now)
    {
        Purge(now);
        if (_open + _count >= _max)
        {
            return false;
        }
        _open++;
        return true;
    }

    /// <summary>The connection of one entry closed at <paramref name="now"/>: the entry lingers in TIME_WAIT.</summary>
    public void Close(long now)
    {
        _open--;
        if (_count == _expiries.Length)
        {
            var grown = new long[_expiries.Length * 2];
            for (int i = 0; i < _count; i++)
            {
                grown[i] = _expiries[(_head + i) & (_expiries.Length - 1)];
            }
            _expiries = grown;
            _head = 0;
        }
        _expiries[(_head + _count) & (_expiries.Length - 1)] = now + _timeWait; // a mask, not a division per entry
        _count++;
    }

    /// <summary>An open connection's entry timed out (idle longer than the established timeout): it is gone.</summary>
    public void Forget() => _open--;

    /// <summary>The node went down: the table is gone.</summary>
    public void Clear()
    {
        Generation++;
        _open = 0;
        _count = 0;
        _head = 0;
    }

    private void Purge(long now)
    {
        while (_count > 0 && _expiries[_head] <= now)
        {
            _head = (_head + 1) & (_expiries.Length - 1);
            _count--;
        }
    }
}
