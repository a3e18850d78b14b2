using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Dataplane;

/// <summary>What kube-proxy's rules do with a new connection.</summary>
public enum ProxyVerdict
{
    /// <summary>DNAT to the chosen endpoint.</summary>
    Forward,
    /// <summary>No endpoint at all: REJECT, the client sees connection refused at once.</summary>
    Reject,
    /// <summary>Local policy and no local endpoint: DROP, the client sees a timeout.</summary>
    Drop,
}

/// <summary>
/// kube-proxy on one node, as the hop that a connection's packets meet when they reach the node's node
/// port (or the LoadBalancer address announced on it): conntrack first; a new connection gets an
/// endpoint from this kube-proxy's own view of the Service (which lags the EndpointSlice), by the mode's
/// choice (kubernetes-behaviour.md, "Load distribution"), and keeps it for its whole life, even after that
/// endpoint is removed (conntrack entries are not flushed: kubernetes#104098). With Cluster policy the
/// packets are SNATed to this node, so answers come back through it; an endpoint on another node costs
/// one more link each way. It also serves kube-proxy's health ports.
/// </summary>
public sealed class KubeProxy : ServiceProxy, IEventTarget
{
    private readonly Simulation _sim;
    private readonly KubeProxySpec _spec;
    private readonly Cluster _cluster;
    private readonly FlowTable<ProxyFlow> _flows; // shared by the proxies of a world: a flow has state on one node at a time
    private readonly Random _random;
    private readonly Sampler _syncDelay;
    private readonly Trace _trace;
    private readonly long _establishedTimeout;
    private readonly int[] _roundRobin;
    private readonly Dictionary<Pod, int> _active = []; // IPVS: open connections per endpoint in this node's table
    // Per endpoint list in use (a snapshot's array), built on first need: positions for membership and, for
    // IPVS lc, a tree of open connections, so a choice never scans the endpoints.
    private readonly Dictionary<Pod[], CandidateIndex> _indexes = new(ReferenceEqualityComparer.Instance);
    private readonly EndpointSnapshot?[] _synced; // the versions the rules in force were written from
    private long _lastSync = long.MinValue / 2;
    private long _programmedAt = long.MinValue; // the sync being written ends then
    private bool _syncPending;
    private bool _booting; // started on a node that booted: its first full sync is still being written
    private int _incarnation;

    internal KubeProxy(Simulation sim, Node node, KubeProxySpec spec, IReadOnlyList<ServiceState> services, Cluster cluster,
        FlowTable<ProxyFlow> flows, Trace trace)
        : base(node, new ConntrackTable(node.Spec.ConntrackMax, spec.Conntrack), services)
    {
        _sim = sim;
        _spec = spec;
        _cluster = cluster;
        _flows = flows;
        _trace = trace;
        _random = sim.Streams.Get($"kube-proxy:{node.Name}");
        _syncDelay = spec.SyncDelay.CreateSampler(sim.Streams.Get($"kube-proxy-sync:{node.Name}"));
        _establishedTimeout = Time.FromSeconds(spec.Conntrack.EstablishedTimeoutS);
        _roundRobin = new int[services.Count];
        _synced = new EndpointSnapshot?[services.Count];
    }

    // ---- the hop ----

    /// <inheritdoc />
    public override Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        if (EndsHere(connection, request, depth, at, out var outcome))
        {
            return outcome;
        }
        long now = _sim.Now;
        ref var flow = ref _flows[connection.Id];
        bool known = flow.Proxy == this && flow.Table == Conntrack.Generation;
        if (known && flow.LastSeen + _establishedTimeout < now)
        {
            Conntrack.Forget(); // idle past tcpEstablishedTimeout: the entry is gone
            Release(ref flow, closed: false);
            known = false;
        }
        if (!known)
        {
            // A new connection, or a packet of one this node has no entry for (it came here after an ECMP
            // rehash or a leader move): conntrack picks it up as new (nf_conntrack_tcp_loose), the rules NAT it,
            // and whichever pod it reaches decides whether it has a socket for it.
            var service = Services[connection.Service];
            if (Choose(service, connection.SourceKey, out var chosen, connection.Internal) != ProxyVerdict.Forward)
            {
                return NoCandidate(service, request, at);
            }
            if (!Conntrack.TryAdd(now))
            {
                return Delivery.Lose(FailureCause.ConntrackFull);
            }
            if (flow.Proxy is { } previous)
            {
                previous.Release(ref flow, closed: true); // it left the node that had it before
            }
            // Cluster policy masquerades external traffic to the node's address; Local keeps the client's, and a
            // pod's own connection to a ClusterIP is not masqueraded.
            int source = service.Spec.ExternalTrafficPolicy == TrafficPolicy.Cluster && !connection.Internal ? Node.Index : -1;
            flow = new ProxyFlow(this, Conntrack.Generation, chosen!, source, now);
            if (_spec.Mode == ProxyMode.Ipvs)
            {
                SetActive(chosen!, _active.GetValueOrDefault(chosen!) + 1);
            }
        }
        flow.LastSeen = now;
        var pod = flow.Backend;
        connection.Source = flow.Source;
        long bytes = request?.RequestBytes ?? Segments.Control;
        long arrive = _cluster.Carry(Node, pod.Node, at, bytes);
        if (arrive < 0)
        {
            return Delivery.Lose(FailureCause.DeadEndpoint);
        }
        var d = pod.Receive(connection, request, depth + 1, arrive);
        return d.Travels ? d.Back(FromPod(ref flow, d.At, Segments.Control)) : d;
    }

    /// <inheritdoc />
    public override long Back(Connection connection, long at, long bytes)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ref var flow = ref _flows[connection.Id];
        if (!Node.Up || flow.Proxy != this || flow.Table != Conntrack.Generation)
        {
            return -1; // the node (and with it the SNAT state the answer needs) is gone
        }
        return FromPod(ref flow, at, bytes);
    }

    /// <inheritdoc />
    public override void Closed(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ref var flow = ref _flows[connection.Id];
        if (flow.Proxy == this)
        {
            Release(ref flow, closed: true);
        }
    }

    // At itself when the endpoint is on this node; -1 when its node cannot reach this one.
    private long FromPod(ref ProxyFlow flow, long at, long bytes) => _cluster.Carry(flow.Backend.Node, Node, at, bytes);

    private void Release(ref ProxyFlow flow, bool closed)
    {
        if (flow.Table == Conntrack.Generation)
        {
            if (closed)
            {
                Conntrack.Close(_sim.Now);
            }
            if (_spec.Mode == ProxyMode.Ipvs && _active.TryGetValue(flow.Backend, out int n))
            {
                SetActive(flow.Backend, n - 1);
            }
        }
        flow = default;
    }

    /// <summary>
    /// Chooses an endpoint for a new connection of client <paramref name="client"/> to <paramref name="service"/>
    /// entering at this node, from this kube-proxy's own (possibly stale) view.
    /// </summary>
    public ProxyVerdict Choose(ServiceState service, long client, out Pod? chosen, bool inCluster = false)
    {
        ArgumentNullException.ThrowIfNull(service);
        int s = service.Index;
        var spec = service.Spec;
        var candidates = Candidates(service, inCluster);
        if (candidates.Length == 0)
        {
            chosen = null;
            return All(s).Length == 0 ? ProxyVerdict.Reject : ProxyVerdict.Drop;
        }
        if (spec.SessionAffinity == SessionAffinity.ClientIP)
        {
            long now = _sim.Now;
            var table = Affinity(s);
            chosen = table.TryGetValue(client, out var entry) && entry.Expires > now && IndexOf(candidates, s).Contains(entry.Pod)
                ? entry.Pod
                : Pick(candidates, s);
            table[client] = (chosen, now + Time.FromSeconds(spec.AffinityTimeoutS));
            return ProxyVerdict.Forward;
        }
        chosen = Pick(candidates, s);
        return ProxyVerdict.Forward;
    }

    private Pod Pick(Pod[] candidates, int service)
    {
        int n = candidates.Length;
        if (_spec.Mode != ProxyMode.Ipvs)
        {
            // iptables: rule i matches with probability 1/(n-i), the last always: uniform overall, one
            // draw suffices. nftables: numgen random mod N, also uniform.
            return candidates[n == 1 ? 0 : _random.Next(n)];
        }
        if (_spec.Scheduler == IpvsScheduler.RoundRobin)
        {
            int i = _roundRobin[service] % n;
            _roundRobin[service] = i + 1;
            return candidates[i];
        }
        // Least connection: fewest open connections in this node's IPVS table; ties to the first. O(log n):
        // the tree follows every change of a count.
        return candidates[IndexOf(candidates, service).Least(_active)];
    }

    private CandidateIndex IndexOf(Pod[] candidates, int service)
    {
        if (!_indexes.TryGetValue(candidates, out var index))
        {
            // The lists come from the version last synced (an empty one has no index and is never asked for).
            index = new CandidateIndex(candidates, _synced[service]!.PositionsIn(candidates));
            _indexes.Add(candidates, index);
        }
        return index;
    }

    private void SetActive(Pod pod, int count)
    {
        if (count <= 0)
        {
            _active.Remove(pod);
        }
        else
        {
            _active[pod] = count;
        }
        foreach (var index in _indexes.Values)
        {
            index.Changed(pod, count, _active);
        }
    }

    // ---- following the EndpointSlices ----

    /// <summary>An EndpointSlice changed: schedule a sync, no sooner than minSyncPeriod after the last.</summary>
    public override void OnSliceChanged()
    {
        if ((!Running && !_booting) || _syncPending)
        {
            return;
        }
        _syncPending = true;
        // minSyncPeriod spaces sync starts; a sync still writing its rules holds back the next one.
        long earliest = Math.Max(_lastSync + Time.FromSeconds(_spec.MinSyncPeriodS), _programmedAt);
        long at = Math.Max(_sim.Now + _syncDelay.NextNanoseconds(), earliest);
        _sim.ScheduleAt(at, this, StartEvent, null, _incarnation);
    }

    /// <summary>
    /// kube-proxy starts: at the start of the run its rules are in place at once; when kubelet starts it on a
    /// node that booted (<paramref name="booted"/>), a full sync whose rules take effect once written
    /// (<see cref="SyncCost"/>): until then nothing answers on the node port or the health ports.
    /// </summary>
    public override void Start(bool booted = false)
    {
        _incarnation++;
        _syncPending = false;
        _programmedAt = long.MinValue;
        if (!booted)
        {
            Running = true;
            _lastSync = _sim.Now;
            Apply(Capture());
            return;
        }
        _booting = true;
        StartSync(traced: false);
    }

    /// <summary>
    /// The node went down: pending syncs are void, its conntrack table and its rules are gone (iptables
    /// rules do not survive a reboot): until kube-proxy runs again, connections to the node port are refused.
    /// </summary>
    public override void Halt()
    {
        _incarnation++;
        _syncPending = false;
        _booting = false;
        _programmedAt = long.MinValue;
        Running = false;
        Conntrack.Clear();
        _active.Clear();
        _indexes.Clear();
        ForgetViews();
        Array.Clear(_synced);
    }

    private const int StartEvent = 0;
    private const int ApplyEvent = 1;
    private const int ApplyAtBootEvent = 2; // kube-proxy's first sync on a booted node: not an EndpointSlice reaction

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        if (data != _incarnation || (!Running && kind != ApplyAtBootEvent))
        {
            return;
        }
        if (kind == StartEvent)
        {
            _syncPending = false;
            StartSync(traced: true);
            return;
        }
        var target = (EndpointSnapshot[])payload!;
        Apply(target);
        if (kind == ApplyEvent)
        {
            Traced(target);
        }
    }

    private void StartSync(bool traced)
    {
        // The sync reads the published versions now; its rules take effect once written.
        _lastSync = _sim.Now;
        var target = Capture();
        long writing = SyncCost.Duration(_spec, SyncCost.Rules(_spec.Mode, Services, _synced));
        if (writing <= 0)
        {
            Apply(target);
            if (traced)
            {
                Traced(target);
            }
            return;
        }
        _programmedAt = _sim.Now + writing;
        _sim.ScheduleAt(_programmedAt, this, traced ? ApplyEvent : ApplyAtBootEvent, target, _incarnation);
    }

    private EndpointSnapshot[] Capture()
    {
        var target = new EndpointSnapshot[Services.Count];
        for (int s = 0; s < target.Length; s++)
        {
            target[s] = Services[s].Endpoints;
        }
        return target;
    }

    private void Traced(EndpointSnapshot[] applied)
    {
        // Every node's kube-proxy applies the same change: one summary row per published state unless
        // per-node rows are asked for.
        long published = 0;
        foreach (var snapshot in applied)
        {
            published += snapshot.Version;
        }
        _trace.AddToBurst(_sim.Now, Node.Name, EventKinds.KubeProxySync, $"kube-proxy on {Node.Name} applied the EndpointSlice changes",
            published, "kube-proxy", SyncSummary);
    }

    private static string SyncSummary(int nodes, long first, long last) => FormattableString.Invariant(
        $"kube-proxy applied the EndpointSlice changes on {nodes:N0} nodes between {Time.ToSeconds(first):F3} s and {Time.ToSeconds(last):F3} s");

    private void Apply(EndpointSnapshot[] target)
    {
        // The view is a reference to the published version, not a copy: O(services) per sync.
        for (int s = 0; s < target.Length; s++)
        {
            ShowView(s, target[s]);
            _synced[s] = target[s];
        }
        if (_indexes.Count > 0)
        {
            // Keep the indexes of the lists still in use; the others are rebuilt if needed again.
            var inUse = new HashSet<Pod[]>(ReferenceEqualityComparer.Instance);
            for (int s = 0; s < Services.Count; s++)
            {
                inUse.Add(All(s));
                inUse.Add(Local(s));
            }
            foreach (var list in _indexes.Keys.Where(k => !inUse.Contains(k)).ToList())
            {
                _indexes.Remove(list);
            }
        }
        if (_booting)
        {
            _booting = false;
            Running = true;
        }
    }
}

/// <summary>
/// One endpoint list of a proxy's view (a snapshot's array, shared, never changed): the positions of its pods
/// (the snapshot's, shared by every proxy) and, when IPVS lc needs it, this proxy's tree of open connections
/// per position. Membership is O(1), the least-connected endpoint O(1) and a change of a count O(log n).
/// The tree covers only a prefix of the positions, those up to the last one with a connection: the
/// others have none, so the first of them wins when every endpoint in the prefix has some. Its memory
/// follows this proxy's connections, not the endpoints.
/// </summary>
internal sealed class CandidateIndex(Pod[] pods, IReadOnlyDictionary<Pod, int> positions)
{
    private MinPositionTree? _least;
    private int _prefix; // positions [0, _prefix) are in the tree

    public bool Contains(Pod pod) => positions.ContainsKey(pod);

    /// <summary>The least-connected endpoint's position (ties to the first), the tree built from <paramref name="active"/> on first use.</summary>
    public int Least(Dictionary<Pod, int> active)
    {
        if (_least is null)
        {
            _least = new MinPositionTree(Math.Min(pods.Length, 16));
            // Start with the prefix up to the last endpoint that has connections already.
            int last = -1;
            foreach (var (pod, count) in active)
            {
                if (count > 0 && positions.TryGetValue(pod, out int i))
                {
                    last = Math.Max(last, i);
                }
            }
            Extend(last + 1, active);
        }
        int best = _least.Best;
        if (best >= 0 && (_least.ValueAt(best) == 0 || _prefix == pods.Length))
        {
            return best;
        }
        return _prefix; // every endpoint in the prefix has a connection: the first one beyond has none
    }

    public void Changed(Pod pod, int count, Dictionary<Pod, int> active)
    {
        if (_least is null || !positions.TryGetValue(pod, out int i))
        {
            return;
        }
        if (i >= _prefix)
        {
            Extend(i + 1, active);
        }
        _least.Set(i, Math.Max(0, count));
    }

    private void Extend(int prefix, Dictionary<Pod, int> active)
    {
        if (prefix > _least!.Count)
        {
            // Grow by doubling: the positions already in the tree are copied over.
            int size = _least.Count;
            while (size < prefix)
            {
                size *= 2;
            }
            var grown = new MinPositionTree(Math.Min(size, pods.Length));
            for (int k = 0; k < _prefix; k++)
            {
                grown.Set(k, _least.ValueAt(k));
            }
            _least = grown;
        }
        for (; _prefix < prefix; _prefix++)
        {
            _least.Set(_prefix, active.GetValueOrDefault(pods[_prefix]));
        }
    }
}

/// <summary>
/// A connection's conntrack entry, as the node's service proxy keeps it: which node's table holds it (and
/// in which generation of that table), the endpoint it was DNATed to, the source address the endpoint sees,
/// when its last packet passed.
/// </summary>
public record struct ProxyFlow(KubeProxy? Proxy, int Table, Pod Backend, int Source, long LastSeen);
