using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Dataplane;

/// <summary>
/// Cilium's kube-proxy replacement on one node, as the hop a connection's packets meet at the node's node port
/// or LoadBalancer address: the BPF program looks the flow up in the node's own CT map first; a flow it has
/// no entry for (a new connection, or one that moved here after an ECMP rehash or a leader move) gets a
/// backend from the node's BPF service map: uniform random, or the Maglev table entry of its 5-tuple hash
/// (the same table on every node, so the same backend from whichever node the flow enters). With SNAT a
/// backend on another node sees the entry node's address and answers through it; with DSR it sees the
/// client's address and its node answers the client itself. The service maps follow the EndpointSlices after
/// the agent's own delay (no minSyncPeriod: the agent applies each change). A node without a running agent
/// (crashed, or rebooted and not yet started) has no BPF programs: its node port refuses connections.
/// </summary>
public sealed class EbpfProxy : ServiceProxy, IEventTarget
{
    private readonly Simulation _sim;
    private readonly EbpfSpec _spec;
    private readonly Cluster _cluster;
    private readonly FlowTable<EbpfFlow> _flows; // shared by the nodes of a world: a flow has an entry on one node at a time
    private readonly MaglevTables _maglev;
    private readonly Random _random;
    private readonly Sampler _agentDelay;
    private readonly Trace _trace;
    private readonly long _ctTimeout = Time.FromSeconds(EbpfSpec.CtEstablishedTimeoutS);
    // Per service, the Maglev table of the view last looked up (all or local endpoints): a reference check per
    // new flow, the shared cache only when the view changed.
    private readonly (Pod[]? Backends, MaglevTable? Table)[] _tables;
    private bool _syncPending;
    private int _incarnation;

    internal EbpfProxy(Simulation sim, Node node, EbpfSpec spec, ConntrackSpec conntrack, IReadOnlyList<ServiceState> services, Cluster cluster,
        FlowTable<EbpfFlow> flows, MaglevTables maglev, Trace trace)
        : base(node, new ConntrackTable(EbpfSpec.CtMapSize, conntrack), services)
    {
        _sim = sim;
        _spec = spec;
        _cluster = cluster;
        _flows = flows;
        _maglev = maglev;
        _trace = trace;
        _random = sim.Streams.Get($"ebpf-lb:{node.Name}");
        _agentDelay = spec.AgentDelay.CreateSampler(sim.Streams.Get($"cilium-agent:{node.Name}"));
        // The CT map keeps a closed flow's entry briefly as the kernel's TIME_WAIT does; its size is Cilium's.
        _tables = new (Pod[]?, MaglevTable?)[services.Count];
    }

    /// <summary>Maglev tables built so far in this world (shared by its nodes).</summary>
    public int MaglevTablesBuilt => _maglev.Built;

    // ---- the hop ----

    /// <inheritdoc />
    public override Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        if (EndsHere(connection, request, depth, at, out var outcome))
        {
            return outcome;
        }
        if (connection.Internal)
        {
            return SocketLevel(connection, request, depth, at);
        }
        long now = _sim.Now;
        ref var flow = ref _flows[connection.Id];
        bool known = flow.Proxy == this && flow.Table == Conntrack.Generation;
        if (known && flow.LastSeen + _ctTimeout < now)
        {
            Conntrack.Forget(); // idle past bpf-ct-timeout-regular-tcp: the CT map's garbage collector removed it
            flow = default;
            known = false;
        }
        if (!known)
        {
            var service = Services[connection.Service];
            var candidates = Candidates(service, inCluster: false);
            if (candidates.Length == 0)
            {
                // No backend at all: Cilium answers with ICMP unreachable (service-no-backend-response: reject, the
                // default since 1.15); Local policy with none local: dropped.
                return NoCandidate(service, request, at);
            }
            if (!Conntrack.TryAdd(now))
            {
                return Delivery.Lose(FailureCause.ConntrackFull);
            }
            if (flow.Proxy is { } previous)
            {
                previous.Release(ref flow); // it left the node that had it before
            }
            var chosen = Choose(service, candidates, connection);
            // DSR keeps the client's address; SNAT rewrites it to this node's only when the backend is elsewhere
            // (a local backend is reached by DNAT alone, and answers through this node's reverse NAT).
            bool direct = _spec.DirectReturn && chosen.Node != Node;
            int source = direct || chosen.Node == Node || service.Spec.ExternalTrafficPolicy == TrafficPolicy.Local ? -1 : Node.Index;
            flow = new EbpfFlow(this, Conntrack.Generation, chosen, source, direct, now);
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
        if (flow.Direct)
        {
            // The answer leaves from the backend's node straight to the client (the hops above carry it from there).
            connection.ReturnNode = pod.Node;
        }
        var d = pod.Receive(connection, request, depth + 1, arrive);
        return d.Travels && !flow.Direct ? d.Back(FromPod(ref flow, d.At, Segments.Control)) : d;
    }

    /// <summary>
    /// A pod's connection to a ClusterIP: the socket-level load balancer picked the backend when the client
    /// called connect() (uniformly: Maglev is for traffic from outside), and the socket is connected to the
    /// backend itself: no per-packet NAT and no CT entry. internalTrafficPolicy and trafficDistribution apply.
    /// </summary>
    private Delivery SocketLevel(Connection connection, Request? request, int depth, long at)
    {
        ref var flow = ref _flows[connection.Id];
        if (flow.Proxy != this || flow.Table != SocketTable)
        {
            var service = Services[connection.Service];
            var candidates = Candidates(service, inCluster: true);
            if (candidates.Length == 0)
            {
                return NoCandidate(service, request, at);
            }
            if (flow.Proxy is { } previous)
            {
                previous.Release(ref flow);
            }
            var chosen = candidates.Length == 1 ? candidates[0] : candidates[_random.Next(candidates.Length)];
            flow = new EbpfFlow(this, SocketTable, chosen, -1, false, _sim.Now);
        }
        var pod = flow.Backend;
        connection.Source = -1;
        long arrive = _cluster.Carry(Node, pod.Node, at, request?.RequestBytes ?? Segments.Control);
        if (arrive < 0)
        {
            return Delivery.Lose(FailureCause.DeadEndpoint);
        }
        var d = pod.Receive(connection, request, depth + 1, arrive);
        return d.Travels ? d.Back(FromPod(ref flow, d.At, Segments.Control)) : d;
    }

    /// <summary>The table mark of a socket connected by the socket-level load balancer: it has no CT entry.</summary>
    private const int SocketTable = -1;

    /// <inheritdoc />
    public override long Back(Connection connection, long at, long bytes)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ref var flow = ref _flows[connection.Id];
        if (flow.Proxy != this)
        {
            return -1;
        }
        if (flow.Table == SocketTable)
        {
            return Node.Up ? FromPod(ref flow, at, bytes) : -1;
        }
        if (flow.Direct)
        {
            // DSR: the backend's node reverses the DNAT itself; the entry node is not on the way back.
            return flow.Backend.Node.Up ? at : -1;
        }
        if (!Node.Up || flow.Table != Conntrack.Generation)
        {
            return -1; // the node (and with it the reverse NAT the answer needs) is gone
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
            Release(ref flow);
        }
    }

    private long FromPod(ref EbpfFlow flow, long at, long bytes) => _cluster.Carry(flow.Backend.Node, Node, at, bytes);

    private void Release(ref EbpfFlow flow)
    {
        if (flow.Table == Conntrack.Generation)
        {
            Conntrack.Close(_sim.Now);
        }
        flow = default;
    }

    private Pod Choose(ServiceState service, Pod[] candidates, Connection connection)
    {
        if (service.Spec.SessionAffinity == SessionAffinity.ClientIP)
        {
            // The session affinity map: the client's address keeps its backend while it is a candidate.
            long now = _sim.Now;
            var table = Affinity(service.Index);
            var chosen = table.TryGetValue(connection.SourceKey, out var entry) && entry.Expires > now && Array.IndexOf(candidates, entry.Pod) >= 0
                ? entry.Pod
                : Pick(service.Index, candidates, connection);
            table[connection.SourceKey] = (chosen, now + Time.FromSeconds(service.Spec.AffinityTimeoutS));
            return chosen;
        }
        return Pick(service.Index, candidates, connection);
    }

    private Pod Pick(int service, Pod[] candidates, Connection connection)
    {
        if (candidates.Length == 1)
        {
            return candidates[0];
        }
        if (_spec.Algorithm != EbpfAlgorithm.Maglev)
        {
            return candidates[_random.Next(candidates.Length)];
        }
        ref var memo = ref _tables[service];
        if (!ReferenceEquals(memo.Backends, candidates))
        {
            memo = (candidates, _maglev.For(candidates, _spec.MaglevTableSize));
        }
        return memo.Table!.Lookup(MaglevHash(connection.FlowHash));
    }

    /// <summary>The backend Maglev gives a flow of <paramref name="flowHash"/> to <paramref name="service"/> in this node's view; null when it has none.</summary>
    public Pod? MaglevBackend(int service, ulong flowHash)
    {
        var view = All(service);
        return view.Length == 0 ? null : _maglev.For(view, _spec.MaglevTableSize).Lookup(MaglevHash(flowHash));
    }

    /// <summary>
    /// The hash Maglev looks the flow up with: the 5-tuple's hash under Cilium's own seed, independent of the
    /// router's ECMP hash of the same 5-tuple (the same value on every node).
    /// </summary>
    public static ulong MaglevHash(ulong flowHash) => MaglevTable.Mix(flowHash ^ 0x63696C69756D6C62UL);

    // ---- following the EndpointSlices ----

    /// <inheritdoc />
    public override void OnSliceChanged()
    {
        if (!Running || _syncPending)
        {
            return; // a pending update reads the latest slices when it runs
        }
        _syncPending = true;
        _sim.Schedule(_agentDelay.NextNanoseconds(), this, 0, null, _incarnation);
    }

    /// <inheritdoc />
    public override void Start(bool booted = false)
    {
        _incarnation++;
        _syncPending = false;
        Running = true;
        Sync();
    }

    /// <inheritdoc />
    public override void Halt()
    {
        // BPF programs and maps do not survive a reboot: the CT map and the service maps are gone.
        _incarnation++;
        _syncPending = false;
        Running = false;
        Conntrack.Clear();
        ForgetViews();
    }

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        if (data != _incarnation || !Running)
        {
            return;
        }
        _syncPending = false;
        Sync();
        // Every node's agent applies the same change: one summary row per published state unless per-node
        // rows are asked for.
        long published = 0;
        for (int s = 0; s < Services.Count; s++)
        {
            published += Services[s].Endpoints.Version;
        }
        _trace.AddToBurst(_sim.Now, Node.Name, EventKinds.CiliumSync, $"the Cilium agent on {Node.Name} updated the BPF service maps",
            published, "cilium", SyncSummary);
    }

    private static string SyncSummary(int nodes, long first, long last) => FormattableString.Invariant(
        $"the Cilium agents updated the BPF service maps on {nodes:N0} nodes between {Time.ToSeconds(first):F3} s and {Time.ToSeconds(last):F3} s");

    private void Sync()
    {
        for (int s = 0; s < Services.Count; s++)
        {
            ShowView(s, Services[s].Endpoints);
        }
    }
}

/// <summary>
/// The Maglev tables of a world, shared by its nodes: a table depends only on its backends, so one built for a
/// view (an array published with an EndpointSlice version) serves every node holding that view. Built at most
/// once per endpoint change (O(M)); a lookup is O(1).
/// </summary>
public sealed class MaglevTables
{
    private const int Kept = 16; // recent views: every node's view of each Service, across one change
    private readonly (Pod[] Backends, MaglevTable Table)[] _recent = new (Pod[], MaglevTable)[Kept];
    private int _next;

    /// <summary>Tables built so far (for tests: one per distinct view, not per node or per connection).</summary>
    public int Built { get; private set; }

    /// <summary>The table of <paramref name="backends"/> (a published view, compared by reference), of size <paramref name="m"/>.</summary>
    public MaglevTable For(Pod[] backends, int m)
    {
        ArgumentNullException.ThrowIfNull(backends);
        for (int i = 0; i < Kept; i++)
        {
            if (ReferenceEquals(_recent[i].Backends, backends) && _recent[i].Table.Size == m)
            {
                return _recent[i].Table;
            }
        }
        var table = MaglevTable.Build(backends, m);
        Built++;
        _recent[_next] = (backends, table);
        _next = (_next + 1) % Kept;
        return table;
    }
}

/// <summary>
/// A flow's entry in a node's BPF CT map: which node holds it (and in which generation of its map), the
/// backend, the source address the backend sees, whether answers go straight from the backend's node (DSR),
/// and when its last packet passed.
/// </summary>
public record struct EbpfFlow(EbpfProxy? Proxy, int Table, Pod Backend, int Source, bool Direct, long LastSeen);
