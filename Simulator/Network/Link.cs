using Svcsim.Engine;

namespace Svcsim.Network;

/// <summary>
/// A directed link: propagation latency, FIFO transmission at a fixed bandwidth, and loss with TCP-like
/// retransmission. The transit time of a message is computed when it enters the link, so a message
/// costs no event of its own.
/// </summary>
public sealed class Link
{
    private readonly Sampler? _latency; // null when the latency is constant
    private readonly long _fixedLatency; // a constant latency as nanoseconds (no draw per message); -1 when it varies
    private readonly Random _random;
    private readonly double _nsPerByte;
    private readonly double _baseLoss;
    private readonly long _rto;
    private long _busyUntil;

    /// <summary>Creates a link from its spec; <paramref name="random"/> draws latency and loss.</summary>
    public Link(string name, LinkSpec spec, double retransmitTimeoutS, Random random)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(random);
        Name = name;
        _random = random;
        _fixedLatency = spec.Latency.Kind == DistributionKind.Constant ? Time.FromSeconds(spec.Latency.A) : -1;
        if (_fixedLatency < 0)
        {
            _latency = spec.Latency.CreateSampler(random);
        }
        _nsPerByte = 8.0 * Time.Second / spec.BandwidthBitsPerSecond;
        _baseLoss = spec.Loss;
        _rto = Time.FromSeconds(retransmitTimeoutS);
    }

    /// <summary>Link name, for diagnostics.</summary>
    public string Name { get; }

    /// <summary>Added one-way latency from a degradation fault, nanoseconds.</summary>
    public long ExtraLatency { get; set; }

    /// <summary>Added loss probability from a degradation fault.</summary>
    public double ExtraLoss { get; set; }

    /// <summary>Told the first time this link carries a message after its watcher last read it (null: nobody watches).</summary>
    internal LinkWatch? Watch { get; set; }

    /// <summary>Whether the link carried a message since its watcher last read it.</summary>
    internal bool Touched { get; set; }

    /// <summary>Where the run's measurement keeps this link's meter (-1: none): no table from links to meters.</summary>
    internal int MeterSlot { get; set; } = -1;

    /// <summary>Bytes sent since the last statistics reset.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Time spent transmitting since the last reset, nanoseconds (its ratio to elapsed time is the utilisation).</summary>
    public long BusyTime { get; private set; }

    /// <summary>
    /// Sends <paramref name="bytes"/> entering the link at <paramref name="at"/> (possibly later than now,
    /// for the second hop of a path); returns when the last byte arrives at the far end. A lost
    /// transmission is resent after the retransmission timeout, doubled each time.
    /// </summary>
    public long Send(long at, long bytes)
    {
        long tx = (long)(bytes * _nsPerByte);
        long start = at > _busyUntil ? at : _busyUntil;
        return Deliver(start + tx, bytes, tx);
    }

    // The link is busy until `done`, when the last byte is out; then latency, degradation and loss.
    private long Deliver(long done, long bytes, long tx)
    {
        _busyUntil = done;
        BytesSent += bytes;
        BusyTime += tx;
        if (!Touched && Watch is { } watch)
        {
            Touched = true;
            watch.Sent(this);
        }
        long arrive = done + (_fixedLatency >= 0 ? _fixedLatency : _latency!.NextNanoseconds()) + ExtraLatency;
        double loss = _baseLoss + ExtraLoss;
        if (loss > 0)
        {
            long rto = _rto;
            // Bounded: after 8 losses in a row the message gets through (the client timeout decides first).
            for (int i = 0; i < 8 && _random.NextDouble() < loss; i++)
            {
                arrive += rto;
                rto *= 2;
            }
        }
        return arrive;
    }

    /// <summary>
    /// Receives <paramref name="bytes"/> whose last byte reaches this link at <paramref name="lastByteAt"/>, sent
    /// over another link (the sender's interface): the message occupies this link for its transmission time, ending
    /// no earlier than that instant. Uncontended it adds nothing (the bits pass through as they arrive); behind an
    /// earlier message from another sender it waits for it. Then this link's own latency, degradation and loss
    /// apply. Returns when the last byte is through.
    /// </summary>
    public long Receive(long lastByteAt, long bytes)
    {
        long tx = (long)(bytes * _nsPerByte);
        long queued = _busyUntil + tx;
        return Deliver(lastByteAt > queued ? lastByteAt : queued, bytes, tx);
    }

    /// <summary>Forgets traffic counted so far.</summary>
    public void ResetStatistics()
    {
        BytesSent = 0;
        BusyTime = 0;
    }
}

/// <summary>
/// The links that carried traffic since the last reading, so that a sampler reads those and not every link:
/// each watched link tells it once, on its first message after a reading.
/// </summary>
public sealed class LinkWatch
{
    private List<Link> _touched = [];
    private List<Link> _taken = [];

    internal void Sent(Link link) => _touched.Add(link);

    /// <summary>Starts watching <paramref name="link"/>.</summary>
    public void Add(Link link)
    {
        ArgumentNullException.ThrowIfNull(link);
        link.Watch = this;
    }

    /// <summary>The links that carried traffic since the last call, in the order they first did; each is watched afresh.
    /// The list is reused: it is valid until the next call.</summary>
    public List<Link> Take()
    {
        (_taken, _touched) = (_touched, _taken);
        _touched.Clear();
        foreach (var link in _taken)
        {
            link.Touched = false;
        }
        return _taken;
    }
}
