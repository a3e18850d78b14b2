using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Dataplane;

/// <summary>
/// A node's service proxy as a hop (kube-proxy, or Cilium's eBPF replacement), with the life the node gives it,
/// and what every proxy keeps alike: its view of each Service (the endpoints it forwards to, those on its node and
/// those in its zone), its session-affinity tables, the checks a segment meets before any rule (the node is up, the
/// proxy runs, the port is a health port) and the health ports' answers.
/// </summary>
public abstract class ServiceProxy : Hop
{
    private readonly Pod[][] _all;
    private readonly Pod[][] _local;
    private readonly Pod[][] _zonal; // trafficDistribution: PreferClose: the endpoints in this node's zone, or all when none is
    private readonly Dictionary<long, (Pod Pod, long Expires)>[] _affinity;

    /// <summary>The proxy of <paramref name="node"/> for <paramref name="services"/>, tracking connections in <paramref name="conntrack"/>; its views start empty.</summary>
    protected ServiceProxy(Node node, ConntrackTable conntrack, IReadOnlyList<ServiceState> services)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(conntrack);
        ArgumentNullException.ThrowIfNull(services);
        Node = node;
        Conntrack = conntrack;
        Services = services;
        _all = new Pod[services.Count][];
        _local = new Pod[services.Count][];
        _zonal = new Pod[services.Count][];
        _affinity = new Dictionary<long, (Pod, long)>[services.Count];
        for (int i = 0; i < services.Count; i++)
        {
            _all[i] = [];
            _local[i] = [];
            _zonal[i] = [];
            _affinity[i] = new(PairKeyComparer.Instance);
        }
    }

    /// <summary>The node it runs on.</summary>
    public Node Node { get; }

    /// <summary>It runs (its rules or BPF programs are in place): false from the node's crash until kubelet starts it again.</summary>
    public bool Running { get; protected set; }

    /// <summary>The node's connection tracking table (netfilter conntrack, or the BPF CT map).</summary>
    public ConntrackTable Conntrack { get; }

    /// <summary>The world's Services, by index.</summary>
    protected IReadOnlyList<ServiceState> Services { get; }

    /// <summary>Endpoints it currently forwards service <paramref name="service"/> to.</summary>
    public IReadOnlyList<Pod> View(int service) => _all[service];

    /// <summary>An EndpointSlice changed: apply it after the proxy's own delay.</summary>
    public abstract void OnSliceChanged();

    /// <summary>It starts: at the start of the run with its state in place, or when kubelet starts it on a node that <paramref name="booted"/>.</summary>
    public abstract void Start(bool booted = false);

    /// <summary>The node went down: its state is gone; until it runs again, connections to the node port are refused.</summary>
    public abstract void Halt();

    /// <summary>Every endpoint of service <paramref name="service"/> in this proxy's view (an array it must not change).</summary>
    protected Pod[] All(int service) => _all[service];

    /// <summary>The endpoints of service <paramref name="service"/> on this proxy's node in its view.</summary>
    protected Pod[] Local(int service) => _local[service];

    /// <summary>
    /// The endpoints a new connection to <paramref name="service"/> may go to: externalTrafficPolicy for traffic from
    /// outside; internalTrafficPolicy and trafficDistribution for a pod's connection to the ClusterIP
    /// (<paramref name="inCluster"/>).
    /// </summary>
    protected Pod[] Candidates(ServiceState service, bool inCluster)
    {
        ArgumentNullException.ThrowIfNull(service);
        int s = service.Index;
        var spec = service.Spec;
        return inCluster
            ? spec.InternalTrafficPolicy == TrafficPolicy.Local ? _local[s] : spec.PreferClose ? _zonal[s] : _all[s]
            : spec.ExternalTrafficPolicy == TrafficPolicy.Local ? _local[s] : _all[s];
    }

    /// <summary>The session-affinity table of service <paramref name="service"/>: each client address's endpoint and when it expires.</summary>
    protected Dictionary<long, (Pod Pod, long Expires)> Affinity(int service) => _affinity[service];

    /// <summary>The view of service <paramref name="service"/> becomes <paramref name="snapshot"/>'s: a reference to the published arrays, not a copy.</summary>
    protected void ShowView(int service, EndpointSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        // The ready endpoints, or the serving terminating ones when none is ready (ProxyTerminatingEndpoints, KEP-1669, GA 1.28).
        var all = snapshot.Usable;
        _all[service] = all;
        _local[service] = snapshot.UsableOn(Node);
        _zonal[service] = Services[service].Spec.PreferClose ? Zonal.Of(all, Node) : all;
    }

    /// <summary>Every view and affinity table is emptied (the node went down).</summary>
    protected void ForgetViews()
    {
        for (int s = 0; s < _all.Length; s++)
        {
            _all[s] = [];
            _local[s] = [];
            _zonal[s] = [];
            _affinity[s].Clear();
        }
    }

    /// <summary>
    /// What every proxy checks first when a segment of <paramref name="connection"/> reaches it at <paramref name="at"/>,
    /// <paramref name="depth"/> hops from the sender: true, with the <paramref name="outcome"/>, when the segment ends
    /// here (the node is down, the proxy does not run, or it is for a health port); false when the proxy's rules decide.
    /// </summary>
    protected bool EndsHere(Connection connection, Request? request, int depth, long at, out Delivery outcome)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Record(depth, this);
        if (!Node.Up)
        {
            outcome = Delivery.Lose(FailureCause.NodeDown);
            return true;
        }
        if (!Running)
        {
            // No rule matches and nothing listens (no BPF program is attached): the node's kernel answers with an RST.
            outcome = Refusal(request, at);
            return true;
        }
        if (connection.Port != Port.Service)
        {
            outcome = HealthPort(connection, request, at);
            return true;
        }
        outcome = default;
        return false;
    }

    /// <summary>A refusal of the segment at <paramref name="at"/>: a SYN is refused, a request's data reset.</summary>
    protected static Delivery Refusal(Request? request, long at) => Delivery.Refuse(at, request is null ? FailureCause.Refused : FailureCause.Reset);

    /// <summary>
    /// A new connection to <paramref name="service"/> found no candidate: with no endpoint at all it is rejected (REJECT,
    /// or Cilium's ICMP unreachable); with endpoints but none local under a Local policy it is dropped.
    /// </summary>
    protected Delivery NoCandidate(ServiceState service, Request? request, long at)
    {
        ArgumentNullException.ThrowIfNull(service);
        return _all[service.Index].Length == 0 ? Refusal(request, at) : Delivery.Lose(FailureCause.DroppedLocal);
    }

    private Delivery HealthPort(Connection connection, Request? request, long at)
    {
        if (request is null)
        {
            return Delivery.Answer(at); // the health server accepts the connection
        }
        // /healthz (kube-proxy's 10256, or the agent's with kubeProxyReplacementHealthzBindAddr) answers 200 while the
        // proxy runs; the healthCheckNodePort answers 200 only when this node has a ready local endpoint in the proxy's
        // view (virtual-ips, "Traffic policies").
        bool healthy = connection.Port == Port.ProxyHealthz || _local[connection.Service].Length > 0;
        return healthy ? Delivery.Answer(at) : Delivery.Refuse(at, FailureCause.Refused);
    }
}

/// <summary>trafficDistribution: PreferClose as the proxies apply it.</summary>
internal static class Zonal
{
    /// <summary>The endpoints of <paramref name="all"/> in <paramref name="node"/>'s zone; all of them when none is (or the node has no zone).</summary>
    public static Pod[] Of(Pod[] all, Node node)
    {
        string zone = node.Spec.Zone;
        if (zone.Length == 0)
        {
            return all;
        }
        var same = Array.FindAll(all, p => p.Node.Spec.Zone == zone);
        return same.Length > 0 ? same : all;
    }
}

/// <summary>
/// The service proxy of every node (kube-proxy, a DaemonSet): one hop per node, following the cluster's
/// life through the model's events. A node's proxy stops with the node and runs again only when the
/// node's kubelet has started it; each proxy applies EndpointSlice changes after its own sync delay.
/// </summary>
public sealed class ServiceProxies
{
    private readonly ServiceProxy[] _proxies;

    /// <summary>Builds a proxy on every node of <paramref name="model"/>'s cluster and starts those on nodes that are up.</summary>
    public ServiceProxies(Simulation sim, KubernetesModel model, KubeProxySpec spec, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Mode == ProxyMode.Ebpf)
        {
            var flows = new FlowTable<EbpfFlow>();
            var maglev = new MaglevTables();
            _proxies = model.Cluster.Nodes.Select(ServiceProxy (n) => new EbpfProxy(sim, n, spec.Ebpf, spec.Conntrack, model.Services, model.Cluster, flows, maglev, trace)).ToArray();
        }
        else
        {
            var flows = new FlowTable<ProxyFlow>();
            _proxies = model.Cluster.Nodes.Select(ServiceProxy (n) => new KubeProxy(sim, n, spec, model.Services, model.Cluster, flows, trace)).ToArray();
        }
        foreach (var p in _proxies)
        {
            if (p.Node.Up)
            {
                p.Start();
            }
        }
        model.NodeChanged += node =>
        {
            if (!node.Up)
            {
                _proxies[node.Index].Halt();
            }
        };
        model.KubeletStarted += node => _proxies[node.Index].Start(booted: true);
        model.EndpointsPublished += () =>
        {
            foreach (var p in _proxies)
            {
                p.OnSliceChanged();
            }
        };
    }

    /// <summary>The proxy of <paramref name="node"/>.</summary>
    public ServiceProxy On(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _proxies[node.Index];
    }

    /// <summary>Every node's proxy, by node index.</summary>
    public IReadOnlyList<ServiceProxy> All => _proxies;
}
