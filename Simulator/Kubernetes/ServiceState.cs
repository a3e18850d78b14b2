namespace Svcsim.Kubernetes;

/// <summary>
/// One endpoint of an EndpointSlice with its conditions (discovery.k8s.io/v1 EndpointConditions):
/// <paramref name="Serving"/> is the pod's Ready condition, <paramref name="Terminating"/> that it is being
/// deleted, and <paramref name="Ready"/> is serving and not terminating (KEP-1672).
/// </summary>
public readonly record struct Endpoint(Pod Pod, bool Ready, bool Serving, bool Terminating);

/// <summary>
/// A Service at run time: the pod sources its selector matches and its EndpointSlice, the control plane's
/// authoritative list of endpoints with their conditions. kube-proxies hold their own copies.
/// </summary>
public sealed class ServiceState
{
    internal ServiceState(int index, ServiceSpec spec, IReadOnlyList<PodSource> selected)
    {
        Index = index;
        Spec = spec;
        Selected = selected;
    }

    /// <summary>Position in the model's service list.</summary>
    public int Index { get; }

    /// <summary>As declared.</summary>
    public ServiceSpec Spec { get; }

    /// <summary>metadata.name.</summary>
    public string Name => Spec.Name;

    /// <summary><c>name</c>, or <c>namespace/name</c> outside the default namespace.</summary>
    public string Key => Spec.Key;

    /// <summary>Pod sources whose pods are its endpoints.</summary>
    public IReadOnlyList<PodSource> Selected { get; }

    /// <summary>Bumped at every EndpointSlice change.</summary>
    public int SliceVersion { get; internal set; }

    /// <summary>The endpoints as last published, with their conditions (not necessarily what each kube-proxy has).</summary>
    public EndpointSnapshot Endpoints { get; internal set; } = EndpointSnapshot.Empty;

    /// <summary>The EndpointSlices' ready endpoints, as published (not necessarily what each kube-proxy has).</summary>
    public IReadOnlyList<Pod> ReadyEndpoints => Endpoints.All;

    /// <summary>The label that ties an EndpointSlice to its Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>
    /// Whether the selector matches the pods of <paramref name="source"/>: same namespace, every selector label,
    /// and, when the traffic port's targetPort is a name, a container port of that name.
    /// </summary>
    public static bool Matches(ServiceSpec service, PodSourceSpec source)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(source);
        if (service.Namespace != source.Namespace)
        {
            return false;
        }
        if (source.Kind == PodSourceKind.EndpointSlice)
        {
            // A hand-written slice belongs to the selector-less Service its kubernetes.io/service-name label names.
            return service.Selector.Count == 0 && source.PodLabels.TryGetValue(ServiceNameLabel, out var owner) && owner == service.Name;
        }
        if (service.Selector.Count == 0)
        {
            return false;
        }
        foreach (var (k, v) in service.Selector)
        {
            if (!source.PodLabels.TryGetValue(k, out var pv) || pv != v)
            {
                return false;
            }
        }
        return service.TrafficPort is not { TargetPortName.Length: > 0 } port || source.NamedPorts.ContainsKey(port.TargetPortName);
    }

    /// <summary>Ready endpoints on <paramref name="node"/> per the published slice.</summary>
    public bool HasReadyEndpointOn(Network.Node node) => Endpoints.HasOn(node);
}
