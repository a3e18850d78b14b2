using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Dataplane;

/// <summary>
/// A node's service proxy as a hop (kube-proxy, or Cilium's eBPF replacement), with the life the node gives it.
/// </summary>
public abstract class ServiceProxy : Hop
{
    /// <summary>The proxy of <paramref name="node"/>, tracking connections in <paramref name="conntrack"/>.</summary>
    protected ServiceProxy(Node node, ConntrackTable conntrack)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(conntrack);
        Node = node;
        Conntrack = conntrack;
    }

    /// <summary>The node it runs on.</summary>
    public Node Node { get; }

    /// <summary>It runs (its rules or BPF programs are in place): false from the node's crash until kubelet starts it again.</summary>
    public bool Running { get; protected set; }

    /// <summary>The node's connection tracking table (netfilter conntrack, or the BPF CT map).</summary>
    public ConntrackTable Conntrack { get; }

    /// <summary>Endpoints it currently forwards service <paramref name="service"/> to.</summary>
    public abstract IReadOnlyList<Pod> View(int service);

    /// <summary>An EndpointSlice changed: apply it after the proxy's own delay.</summary>
    public abstract void OnSliceChanged();

    /// <summary>It starts: at the start of the run with its state in place, or when kubelet starts it on a node that <paramref name="booted"/>.</summary>
    public abstract void Start(bool booted = false);

    /// <summary>The node went down: its state is gone; until it runs again, connections to the node port are refused.</summary>
    public abstract void Halt();
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
