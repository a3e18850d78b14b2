using System.Numerics;
using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;
using Svcsim.Workload;

namespace Svcsim.Measurement;

/// <summary>
/// Counts every logical request once (by the time it started, after warm-up), keeps latency histograms,
/// and samples nodes and pods at every window boundary. It observes the world only through the probes it
/// is attached as (outcomes from the clients, connections, requests entering nodes, pods' traffic) and the
/// statistics stations and links keep; it never resets a model's counters. Turns all of it into a
/// <see cref="VariantRunResult"/> at the end.
/// </summary>
public sealed class Collector : IOutcomeSink, IEventTarget, IConnectionProbe, IEntryProbe, IPodProbe
{
    private readonly Simulation _sim;
    private readonly MeasurementSpec _spec;
    private readonly KubernetesModel _model;
    private readonly long _warmup;
    private readonly long _end;
    private readonly long _window;
    private readonly long _resolution;
    private readonly int _causes = FailureCauses.Count;

    private long _requests;
    private long _succeeded;
    private readonly long[] _failed;
    private readonly LatencyHistogram _latency = new(3);

    private readonly long[] _wRequests;
    private readonly long[] _wSucceeded;
    private readonly long[] _wFailed; // window x cause
    // Window histograms exist only while a window can still receive outcomes (a request is counted in the
    // window it started in, and ends at most one drain time later); then their percentiles are kept and
    // the histogram is reused. Memory stays bounded however long the run.
    private readonly Dictionary<int, LatencyHistogram> _openLatency = [];
    private readonly Stack<LatencyHistogram> _spareLatency = new();
    private long _cachedWindowFrom = long.MinValue / 2; // the window of the last outcome recorded, and its histogram
    private int _cachedWindow;
    private LatencyHistogram? _cachedWindowLatency;
    private long _cachedBucketFrom = long.MinValue / 2;
    private int _cachedBucket;
    private readonly double[] _wP50;
    private readonly double[] _wP99;
    private readonly long _drain;
    private int _closedWindows;
    private readonly long[] _rRequests;
    private readonly long[] _rSucceeded;
    private readonly long[] _rFailed; // resolution bucket x cause

    // Per pod (AllPods order), everything a request or a window touches side by side: one cache line per pod
    // and request in a large cluster, not one per counter.
    private PodCounters[] _pods = new PodCounters[16];
    private int _podCount;
    private readonly FlowTable<ConnectionPod> _connectionPod = new(); // the pod that accepted each connection
    private readonly long[] _entered; // requests that entered through each node, this window
    private long _connections;
    private long _connectFailures;
    private long _connectionsReset;
    private long _connectionsHung;
    private readonly List<NodeWindowStats> _nodeRows = [];
    private readonly List<PodWindowStats> _podRows = [];
    private readonly double[] _servedPerNode;
    // Per node: its links from (to) the clients, a load balancer and the other nodes, which carry every byte to
    // (from) it: 6N meters, whichever nodes talk.
    private readonly LinkMeter[][] _linksIn;
    private readonly LinkMeter[][] _linksOut;
    private readonly (double Busy, double Queue, long Rejected, double DeletedWorkers)[] _nodeWindow;
    private readonly long[] _nodeWindowIn;
    private readonly long[] _nodeWindowOut;
    private readonly double[] _nodeWindowUtil;
    private long _lastTick;
    private long _rejected;
    // Without idle rows (MeasurementSpec.IdleRows), a window reads only what changed: the pods a probe
    // named or that still had work, the links that carried traffic, and their nodes.
    private readonly bool _everyRow;
    // Index sets read in ascending order: rows come out in pod and node order without a sort per window.
    private readonly IndexSet _markedPods = new(16); // as long as _pods
    private readonly IndexSet _markedNodes;
    private readonly LinkWatch? _watch;
    private readonly List<(LinkMeter Meter, int From, int To)> _meters = []; // by Link.MeterSlot
    private double _maxNodeUtil;
    private double _overloadS;

    /// <summary>
    /// Sets up the counters for a run of <paramref name="durationS"/> seconds whose requests last at most
    /// <paramref name="maxRequestS"/> seconds (all attempts, timeouts and back-offs included).
    /// </summary>
    public Collector(Simulation sim, MeasurementSpec spec, KubernetesModel model, double durationS, double maxRequestS)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(model);
        _sim = sim;
        _spec = spec;
        _model = model;
        _warmup = Time.FromSeconds(spec.WarmupS);
        _end = Time.FromSeconds(durationS);
        _window = Time.FromSeconds(spec.WindowS);
        _resolution = Time.FromSeconds(spec.OutageResolutionS);
        int windows = (int)((_end - _warmup + _window - 1) / _window);
        int buckets = (int)((_end - _warmup + _resolution - 1) / _resolution);
        _failed = new long[_causes];
        _wRequests = new long[windows];
        _wSucceeded = new long[windows];
        _wFailed = new long[windows * _causes];
        _wP50 = new double[windows];
        _wP99 = new double[windows];
        _drain = Time.FromSeconds(maxRequestS);
        _rRequests = new long[buckets];
        _rSucceeded = new long[buckets];
        _rFailed = new long[buckets * _causes];
        _servedPerNode = new double[model.Cluster.Nodes.Count];
        _entered = new long[model.Cluster.Nodes.Count];
        var cluster = model.Cluster;
        _linksIn = cluster.Nodes.Select(n => new[] { new LinkMeter(n.FromClient), new LinkMeter(n.FromFrontDoor), new LinkMeter(n.FromNodes) }).ToArray();
        _linksOut = cluster.Nodes.Select(n => new[] { new LinkMeter(n.ToClient), new LinkMeter(n.ToFrontDoor), new LinkMeter(n.ToNodes) }).ToArray();
        _nodeWindow = new (double, double, long, double)[cluster.Nodes.Count];
        _nodeWindowIn = new long[cluster.Nodes.Count];
        _nodeWindowOut = new long[cluster.Nodes.Count];
        _nodeWindowUtil = new double[cluster.Nodes.Count];
        _markedNodes = new IndexSet(cluster.Nodes.Count);
        _everyRow = spec.EveryRow(cluster.Nodes.Count);
        if (!_everyRow)
        {
            _watch = new LinkWatch();
            foreach (var n in cluster.Nodes)
            {
                int i = n.Index;
                for (int k = 0; k < _linksIn[i].Length; k++)
                {
                    _watch.Add(_linksIn[i][k].Link);
                    AddMeter(_linksIn[i][k], -1, i);
                    _watch.Add(_linksOut[i][k].Link);
                    AddMeter(_linksOut[i][k], i, -1);
                }
            }
        }
        _sim.ScheduleAt(_warmup, this, 0);
    }

    /// <summary>Logical requests counted so far.</summary>
    public long Requests => _requests;

    private bool Measuring => _sim.Now >= _warmup && _sim.Now < _end;

    // ---- probes ----

    /// <inheritdoc />
    public void Opened(Connection connection)
    {
        if (Measuring)
        {
            _connections++;
        }
    }

    /// <inheritdoc />
    public void ConnectFailed(Connection connection)
    {
        if (Measuring)
        {
            _connectFailures++;
        }
    }

    /// <inheritdoc />
    public void Reset(Connection connection) => CountBroken(connection, ref _connectionsReset, reset: true);

    /// <inheritdoc />
    public void Hung(Connection connection) => CountBroken(connection, ref _connectionsHung, reset: false);

    /// <summary>An established connection broke: counted in the run's total and on the pod that accepted it.</summary>
    private void CountBroken(Connection connection, ref long total, bool reset)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Measuring)
        {
            total++;
            if (PodOf(connection) is int pod)
            {
                ref var c = ref _pods[pod];
                if (reset)
                {
                    c.Reset++;
                }
                else
                {
                    c.Hung++;
                }
                Mark(pod);
            }
        }
    }

    /// <inheritdoc />
    public void Entered(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _entered[node.Index]++;
        MarkNode(node.Index);
    }

    /// <inheritdoc />
    public void Arrived(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Track(pod.Id);
        _pods[pod.Id].Arrived++;
        Mark(pod.Id);
    }

    /// <inheritdoc />
    public void Rejected(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Track(pod.Id);
        _pods[pod.Id].Rejected++;
        Mark(pod.Id);
    }

    /// <inheritdoc />
    public void Accepted(Pod pod, Connection connection)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(connection);
        Track(pod.Id);
        _pods[pod.Id].Connections++;
        Mark(pod.Id);
        _connectionPod[connection.Id] = new ConnectionPod(pod.Id + 1);
    }

    private void Mark(int pod) => _markedPods.Add(pod);

    private void MarkNode(int node) => _markedNodes.Add(node);

    private int? PodOf(Connection connection) => _connectionPod[connection.Id].PodPlusOne is int p and > 0 ? p - 1 : null;

    /// <inheritdoc />
    public void Record(int group, long start, long end, bool success, FailureCause cause)
    {
        if (start < _warmup || start >= _end)
        {
            return;
        }
        long since = start - _warmup;
        // Most outcomes belong to the window (and bucket) of the one before: two 64-bit divisions saved.
        if ((ulong)(since - _cachedWindowFrom) >= (ulong)_window)
        {
            _cachedWindow = (int)(since / _window);
            _cachedWindowFrom = _cachedWindow * _window;
            _cachedWindowLatency = null;
        }
        if ((ulong)(since - _cachedBucketFrom) >= (ulong)_resolution)
        {
            _cachedBucket = (int)(since / _resolution);
            _cachedBucketFrom = _cachedBucket * _resolution;
        }
        int w = _cachedWindow;
        int b = _cachedBucket;
        _requests++;
        _wRequests[w]++;
        _rRequests[b]++;
        if (success)
        {
            _succeeded++;
            _wSucceeded[w]++;
            _rSucceeded[b]++;
            _latency.Record(end - start);
            (_cachedWindowLatency ??= WindowLatency(w)).Record(end - start);
        }
        else
        {
            int c = (int)cause;
            _failed[c]++;
            _wFailed[w * _causes + c]++;
            _rFailed[b * _causes + c]++;
        }
    }

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        long now = _sim.Now;
        if (now > _warmup)
        {
            SampleWindow(now);
        }
        else
        {
            Snapshot(); // warm-up ends: start every delta from here
        }
        _lastTick = now;
        CloseWindows(now);
        if (now < _end)
        {
            _sim.ScheduleAt(Math.Min(now + _window, _end), this, 0);
        }
    }

    private LatencyHistogram WindowLatency(int w)
    {
        if (!_openLatency.TryGetValue(w, out var h))
        {
            h = _spareLatency.Count > 0 ? _spareLatency.Pop() : new LatencyHistogram(2);
            _openLatency.Add(w, h);
        }
        return h;
    }

    private void CloseWindows(long now)
    {
        while (_closedWindows < _wRequests.Length && _warmup + (_closedWindows + 1) * _window + _drain < now)
        {
            CloseWindow(_closedWindows++);
        }
    }

    private void CloseWindow(int w)
    {
        if (w == _cachedWindow)
        {
            _cachedWindowLatency = null;
        }
        if (_openLatency.Remove(w, out var h))
        {
            _wP50[w] = h.PercentileMs(50);
            _wP99[w] = h.PercentileMs(99);
            h.Reset();
            _spareLatency.Push(h);
        }
        else
        {
            _wP50[w] = double.NaN;
            _wP99[w] = double.NaN;
        }
    }

    private void Snapshot()
    {
        var pods = _model.AllPods;
        for (int i = 0; i < pods.Count; i++)
        {
            Track(i);
            ref var c = ref _pods[i];
            c.Busy = pods[i].Pool.BusyServers.Integral(_sim.Now);
            c.Queue = pods[i].Pool.QueueLength.Integral(_sim.Now);
            c.Arrived = 0;
            c.Rejected = 0;
            c.Connections = 0;
            c.Reset = 0;
            c.Hung = 0;
        }
        Array.Clear(_entered);
        foreach (var n in _model.Cluster.Nodes)
        {
            foreach (var m in _linksIn[n.Index].Concat(_linksOut[n.Index]))
            {
                m.Take(0);
            }
        }
        if (!_everyRow)
        {
            // Every count starts from here: only pods with work in progress carry over into the first window.
            _watch!.Take();
            _markedPods.Clear();
            _markedNodes.Clear();
            for (int i = 0; i < pods.Count; i++)
            {
                if (pods[i].Pool.Busy > 0 || pods[i].Pool.Queued > 0)
                {
                    Mark(i);
                }
            }
        }
    }

    private void AddMeter(LinkMeter meter, int from, int to)
    {
        meter.Link.MeterSlot = _meters.Count;
        _meters.Add((meter, from, to));
    }

    private void Track(int i)
    {
        if (i >= _podCount)
        {
            if (i >= _pods.Length)
            {
                Array.Resize(ref _pods, Math.Max(i + 1, _pods.Length * 2));
                _markedPods.EnsureCapacity(_pods.Length);
            }
            _podCount = i + 1;
        }
    }

    private void SampleWindow(long now)
    {
        if (!_everyRow)
        {
            SampleChanged(now);
            return;
        }
        double span = Time.ToSeconds(now - _lastTick);
        double start = Time.ToSeconds(_lastTick);
        var nodes = _model.Cluster.Nodes;
        var busy = new double[nodes.Count];
        var workers = new double[nodes.Count];
        var queue = new double[nodes.Count];
        var rejected = new long[nodes.Count];
        var pods = _model.AllPods;
        for (int i = 0; i < pods.Count; i++)
        {
            Track(i);
            var p = pods[i];
            var (db, dq, req, rej, conns, reset, hung) = TakePodWindow(i, p, now);
            if (p.Deleted && db <= 0 && req == 0 && reset == 0 && hung == 0)
            {
                continue;
            }
            double util = db / (p.Pool.Servers * span);
            bool over = util >= _spec.OverloadThreshold;
            _podRows.Add(new PodWindowStats(start, p.Name, p.Node.Name, req, util, dq / span, rej, over, conns, reset, hung));
            int n = p.Node.Index;
            busy[n] += db;
            workers[n] += p.Pool.Servers;
            queue[n] += dq;
            rejected[n] += rej;
            _rejected += rej;
            _servedPerNode[n] += req - rej;
        }
        foreach (var node in nodes)
        {
            int n = node.Index;
            double util = workers[n] > 0 ? busy[n] / (workers[n] * span) : 0;
            bool over = util >= _spec.OverloadThreshold;
            if (over)
            {
                _overloadS += span;
            }
            _maxNodeUtil = Math.Max(_maxNodeUtil, util);
            long bytesIn = 0, bytesOut = 0;
            double linkUtil = 0;
            foreach (var m in _linksIn[n])
            {
                bytesIn += m.Take(span, out double u);
                linkUtil = Math.Max(linkUtil, u);
            }
            foreach (var m in _linksOut[n])
            {
                bytesOut += m.Take(span, out double u);
                linkUtil = Math.Max(linkUtil, u);
            }
            long entered = _entered[n];
            _entered[n] = 0;
            _nodeRows.Add(new NodeWindowStats(start, node.Name, node.Spec.Role == NodeRole.ControlPlane ? "control-plane" : "worker",
                entered, util, queue[n] / span, rejected[n], over, entered > 0, bytesIn, bytesOut, linkUtil));
        }
    }

    /// <summary>What pod <paramref name="i"/> did since the last window (busy and queue integrals, counts); its counters start again.</summary>
    private (double Busy, double Queue, long Requests, long Rejected, long Connections, long Reset, long Hung) TakePodWindow(int i, Pod p, long now)
    {
        double b = p.Pool.BusyServers.Integral(now), q = p.Pool.QueueLength.Integral(now);
        ref var c = ref _pods[i];
        double db = b - c.Busy, dq = q - c.Queue;
        c.Busy = b;
        c.Queue = q;
        long req = c.Arrived, rej = c.Rejected, conns = c.Connections, reset = c.Reset, hung = c.Hung;
        c.Arrived = 0;
        c.Rejected = 0;
        c.Connections = 0;
        c.Reset = 0;
        c.Hung = 0;
        c.Total += req;
        return (db, dq, req, rej, conns, reset, hung);
    }

    /// <summary>
    /// A window without idle rows: the same figures as <see cref="SampleWindow"/> gives for the pods and nodes
    /// that had anything in it, and no row for the others (all zeros), at a cost of what happened.
    /// </summary>
    private void SampleChanged(long now)
    {
        double span = Time.ToSeconds(now - _lastTick);
        double start = Time.ToSeconds(_lastTick);
        // Per-node sums of this window, in arrays kept from window to window: only the marked nodes' entries are
        // touched, and each is cleared once its row is written.
        for (int w = 0; w < _markedPods.Words; w++)
        {
            for (ulong bits = _markedPods.TakeWord(w); bits != 0; bits &= bits - 1)
            {
                SampleChangedPod((w << 6) + BitOperations.TrailingZeroCount(bits), now, start, span);
            }
        }
        var bytesIn = _nodeWindowIn;
        var bytesOut = _nodeWindowOut;
        var linkUtil = _nodeWindowUtil;
        foreach (var link in _watch!.Take())
        {
            if (link.MeterSlot < 0)
            {
                continue;
            }
            var m = _meters[link.MeterSlot];
            long bytes = m.Meter.Take(span, out double u);
            if (m.From >= 0)
            {
                bytesOut[m.From] += bytes;
                linkUtil[m.From] = Math.Max(linkUtil[m.From], u);
                MarkNode(m.From);
            }
            if (m.To >= 0)
            {
                bytesIn[m.To] += bytes;
                linkUtil[m.To] = Math.Max(linkUtil[m.To], u);
                MarkNode(m.To);
            }
        }
        for (int w = 0; w < _markedNodes.Words; w++)
        {
            for (ulong bits = _markedNodes.TakeWord(w); bits != 0; bits &= bits - 1)
            {
                SampleChangedNode((w << 6) + BitOperations.TrailingZeroCount(bits), start, span);
            }
        }
    }

    // One marked pod's row of the window (none if it did nothing), added to its node's sums.
    private void SampleChangedPod(int i, long now, double start, double span)
    {
        var p = _model.AllPods[i];
        var (db, dq, req, rej, conns, reset, hung) = TakePodWindow(i, p, now);
        if (!p.Deleted && (p.Pool.Busy > 0 || p.Pool.Queued > 0))
        {
            Mark(i); // work goes on into the next window
        }
        bool idle = db <= 0 && dq <= 0 && req == 0 && rej == 0 && conns == 0 && reset == 0 && hung == 0;
        if (idle || (p.Deleted && db <= 0 && req == 0 && reset == 0 && hung == 0))
        {
            return;
        }
        double util = db / (p.Pool.Servers * span);
        bool over = util >= _spec.OverloadThreshold;
        _podRows.Add(new PodWindowStats(start, p.Name, p.Node.Name, req, util, dq / span, rej, over, conns, reset, hung));
        int n = p.Node.Index;
        ref var acc = ref _nodeWindow[n];
        acc = (acc.Busy + db, acc.Queue + dq, acc.Rejected + rej, acc.DeletedWorkers + (p.Deleted ? p.Pool.Servers : 0));
        MarkNode(n);
        _rejected += rej;
        _servedPerNode[n] += req - rej;
    }

    // One marked node's row of the window.
    private void SampleChangedNode(int n, double start, double span)
    {
        var node = _model.Cluster.Nodes[n];
        var acc = _nodeWindow[n];
        _nodeWindow[n] = default;
        // The node's capacity is every pod on it, as when every row is written, busy or not.
        double workers = acc.DeletedWorkers + _model.WorkersOn(node);
        double util = workers > 0 ? acc.Busy / (workers * span) : 0;
        bool over = util >= _spec.OverloadThreshold;
        if (over)
        {
            _overloadS += span;
        }
        _maxNodeUtil = Math.Max(_maxNodeUtil, util);
        long entered = _entered[n];
        _entered[n] = 0;
        _nodeRows.Add(new NodeWindowStats(start, node.Name, node.Spec.Role == NodeRole.ControlPlane ? "control-plane" : "worker",
            entered, util, acc.Queue / span, acc.Rejected, over, entered > 0, _nodeWindowIn[n], _nodeWindowOut[n], _nodeWindowUtil[n]));
        _nodeWindowIn[n] = 0;
        _nodeWindowOut[n] = 0;
        _nodeWindowUtil[n] = 0;
    }

    /// <summary>The figures of the run, with the timeline of <paramref name="trace"/>.</summary>
    public VariantRunResult Finish(string variant, int replication, long seed, Trace trace, long engineEvents)
    {
        ArgumentNullException.ThrowIfNull(trace);
        while (_closedWindows < _wRequests.Length)
        {
            CloseWindow(_closedWindows++);
        }
        double warm = _spec.WarmupS, win = _spec.WindowS;
        var windows = new List<WindowStats>(_wRequests.Length);
        int met = 0;
        for (int w = 0; w < _wRequests.Length; w++)
        {
            double s = warm + w * win;
            double e = Math.Min(s + win, Time.ToSeconds(_end));
            var failed = new long[_causes];
            Array.Copy(_wFailed, w * _causes, failed, 0, _causes);
            windows.Add(new WindowStats(s, e, _wRequests[w], _wSucceeded[w], failed, _wP50[w], _wP99[w]));
            if (_wRequests[w] == 0 || _wSucceeded[w] >= _spec.Slo * _wRequests[w])
            {
                met++;
            }
        }
        var outages = FindOutages();
        var served = _model.Cluster.Nodes.Where(n => n.Spec.Schedulable || _servedPerNode[n.Index] > 0).Select(n => _servedPerNode[n.Index]).ToArray();
        double sum = served.Sum(), sumSq = served.Sum(x => x * x);
        // Pods that existed at some point of the measured run: those still there at the end, and any that served.
        var perPod = new List<double>();
        var all = _model.AllPods;
        for (int i = 0; i < all.Count; i++)
        {
            long total = i < _podCount ? _pods[i].Total : 0;
            if (!all[i].Deleted || total > 0)
            {
                perPod.Add(total);
            }
        }
        double podSum = perPod.Sum();
        var summary = new VariantSummary
        {
            Requests = _requests,
            Succeeded = _succeeded,
            Failed = _requests - _succeeded,
            FailedByCause = _failed.ToArray(),
            Availability = _requests == 0 ? double.NaN : (double)_succeeded / _requests,
            TimeAvailability = _wRequests.Length == 0 ? double.NaN : (double)met / _wRequests.Length,
            Outages = outages.Count,
            LongestOutageS = outages.Count == 0 ? 0 : outages.Max(o => o.DurationS),
            TotalOutageS = outages.Sum(o => o.DurationS),
            LatencyP50Ms = _latency.PercentileMs(50),
            LatencyP90Ms = _latency.PercentileMs(90),
            LatencyP99Ms = _latency.PercentileMs(99),
            LatencyP999Ms = _latency.PercentileMs(99.9),
            LatencyMaxMs = _latency.MaxMs,
            MaxNodeUtilization = _maxNodeUtil,
            OverloadS = _overloadS,
            Rejected = _rejected,
            JainFairness = sumSq == 0 ? double.NaN : sum * sum / (served.Length * sumSq),
            ImbalanceMaxOverMean = sum == 0 ? double.NaN : served.Max() / (sum / served.Length),
            Connections = _connections,
            ConnectFailures = _connectFailures,
            ConnectionsReset = _connectionsReset,
            ConnectionsHung = _connectionsHung,
            PodImbalanceMaxOverMean = podSum == 0 ? double.NaN : perPod.Max() / (podSum / perPod.Count),
        };
        return new VariantRunResult
        {
            Variant = variant,
            Replication = replication,
            Seed = seed,
            Summary = summary,
            Latency = _latency,
            Windows = windows,
            Nodes = _nodeRows,
            Pods = _podRows,
            Outages = outages,
            Events = trace.Entries.Select(t => new TimelineEvent(Time.ToSeconds(t.Time), t.Subject, t.Kind, t.Detail)).ToList(),
            EngineEvents = engineEvents,
        };
    }

    private List<Outage> FindOutages()
    {
        // An outage is a maximal run of resolution buckets whose success ratio is below the SLO; buckets
        // without requests neither start nor end one.
        var outages = new List<Outage>();
        double res = _spec.OutageResolutionS, warm = _spec.WarmupS, endS = Time.ToSeconds(_end);
        int start = -1, last = -1;
        var causeCounts = new long[_causes];
        for (int b = 0; b <= _rRequests.Length; b++)
        {
            bool bad = b < _rRequests.Length && _rRequests[b] > 0 && _rSucceeded[b] < _spec.Slo * _rRequests[b];
            bool good = b == _rRequests.Length || (_rRequests[b] > 0 && !bad);
            if (bad)
            {
                if (start < 0)
                {
                    start = b;
                    Array.Clear(causeCounts);
                }
                last = b;
                for (int c = 0; c < _causes; c++)
                {
                    causeCounts[c] += _rFailed[b * _causes + c];
                }
            }
            else if (good && start >= 0)
            {
                int dominant = Array.IndexOf(causeCounts, causeCounts.Max());
                outages.Add(new Outage(warm + start * res, Math.Min(warm + (last + 1) * res, endS), (FailureCause)dominant));
                start = -1;
            }
        }
        return outages;
    }

    /// <summary>Reads a link's counters as differences since the last reading.</summary>
    private sealed class LinkMeter(Link link)
    {
        public Link Link => link;

        private long _bytes = link.BytesSent;
        private long _busy = link.BusyTime;

        /// <summary>Bytes sent since the last reading, and the busy fraction over <paramref name="spanS"/> seconds.</summary>
        public long Take(double spanS, out double utilization)
        {
            long bytes = link.BytesSent - _bytes, busy = link.BusyTime - _busy;
            _bytes = link.BytesSent;
            _busy = link.BusyTime;
            utilization = spanS > 0 ? Time.ToSeconds(busy) / spanS : 0;
            return bytes;
        }

        /// <summary>Starts counting from now.</summary>
        public void Take(double spanS) => Take(spanS, out _);
    }

    private record struct ConnectionPod(int PodPlusOne);

    /// <summary>
    /// One pod's figures: the busy and queue integrals at the last reading; this window's requests, 503s,
    /// connections accepted, reset and given up; requests since warm-up; and whether a window must read it.
    /// </summary>
    private struct PodCounters
    {
        public double Busy;
        public double Queue;
        public long Arrived;
        public long Rejected;
        public long Connections;
        public long Reset;
        public long Hung;
        public long Total;
    }
}
