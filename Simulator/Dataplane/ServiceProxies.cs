using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Dataplane;

/// <summary>
/// The service proxy of every node (kube-proxy, a DaemonSet): one hop per node, following the cluster's
/// life through the model's events. A node's proxy stops with the node and runs again only when the
/// node's kubelet has started it; each proxy applies EndpointSlice changes after its own sync delay.
/// </summary>
public sealed class ServiceProxies
{
    private readonly KubeProxy[] _proxies;

    /// <summary>Builds a proxy on every node of <paramref name="model"/>'s cluster and starts those on nodes that are up.</summary>
    public ServiceProxies(Simulation sim, KubernetesModel model, KubeProxySpec spec, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        var flows = new FlowTable<ProxyFlow>();
        _proxies = model.Cluster.Nodes.Select(n => new KubeProxy(sim, n, spec, model.Services, model.Cluster, flows, trace)).ToArray();
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
    public KubeProxy On(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _proxies[node.Index];
    }

    /// <summary>Every node's proxy, by node index.</summary>
    public IReadOnlyList<KubeProxy> All => _proxies;
}
