namespace Svcsim.Kubernetes;

/// <summary>A Deployment at run time: its spec and the pods it currently owns.</summary>
public sealed class DeploymentState
{
    internal DeploymentState(int index, DeploymentSpec spec)
    {
        Index = index;
        Spec = spec;
    }

    /// <summary>Position in the model's deployment list.</summary>
    public int Index { get; }

    /// <summary>As declared.</summary>
    public DeploymentSpec Spec { get; }

    /// <summary>Name.</summary>
    public string Name => Spec.Name;

    /// <summary>Pods that exist (not deleted), in creation order.</summary>
    public List<Pod> Pods { get; } = [];

    /// <summary>Ordinal of the next pod created, for its name.</summary>
    internal int NextOrdinal { get; set; }
}

/// <summary>
/// A Service at run time: the pods its selector matches and its EndpointSlice, the control plane's
/// authoritative list of endpoints with their readiness. kube-proxies hold their own copies.
/// </summary>
public sealed class ServiceState
{
    internal ServiceState(int index, ServiceSpec spec, IReadOnlyList<DeploymentState> selected)
    {
        Index = index;
        Spec = spec;
        Selected = selected;
    }

    /// <summary>Position in the model's service list.</summary>
    public int Index { get; }

    /// <summary>As declared.</summary>
    public ServiceSpec Spec { get; }

    /// <summary>Name.</summary>
    public string Name => Spec.Name;

    /// <summary>Deployments whose pod labels the selector matches.</summary>
    public IReadOnlyList<DeploymentState> Selected { get; }

    /// <summary>Bumped at every EndpointSlice change.</summary>
    public int SliceVersion { get; internal set; }

    /// <summary>The ready endpoints as last published (not necessarily what each kube-proxy has).</summary>
    public EndpointSnapshot Endpoints { get; internal set; } = EndpointSnapshot.Empty;

    /// <summary>The EndpointSlices' ready endpoints, as published (not necessarily what each kube-proxy has).</summary>
    public IReadOnlyList<Pod> ReadyEndpoints => Endpoints.All;

    /// <summary>Whether the selector matches a pod of <paramref name="deployment"/>.</summary>
    public static bool Matches(ServiceSpec service, DeploymentSpec deployment)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(deployment);
        if (service.Selector.Count == 0)
        {
            return false;
        }
        foreach (var (k, v) in service.Selector)
        {
            if (!deployment.PodLabels.TryGetValue(k, out var pv) || pv != v)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Ready endpoints on <paramref name="node"/> per the published slice.</summary>
    public bool HasReadyEndpointOn(Network.Node node) => Endpoints.HasOn(node);
}
