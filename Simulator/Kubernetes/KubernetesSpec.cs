using Svcsim.Engine;

namespace Svcsim.Kubernetes;

/// <summary>What a pod can serve: what manifests do not say, the scenario does.</summary>
/// <param name="Workers">Requests served in parallel (nginx worker connections actually busy).</param>
/// <param name="Backlog">Requests that may wait for a worker; beyond it the pod answers 503 at once.</param>
/// <param name="ServiceTime">Time to serve one request, seconds.</param>
/// <param name="KeepaliveTimeoutS">The server closes a connection idle this long (nginx keepalive_timeout, 75 s); infinity: never.</param>
public sealed record PodCapacity(int Workers, int Backlog, Distribution ServiceTime, double KeepaliveTimeoutS = PodCapacity.NginxKeepaliveTimeoutS)
{
    /// <summary>nginx's keepalive_timeout default (kubernetes-behaviour.md, "Connections").</summary>
    public const double NginxKeepaliveTimeoutS = 75;

    /// <summary>4 workers, 128 waiting, exponential 5 ms, idle connections closed after 75 s.</summary>
    public static PodCapacity Default { get; } = new(4, 128, Distribution.Exponential(0.005));
}

/// <summary>A pod's CPU from its containers' resources, in cores.</summary>
/// <param name="Request">resources.requests.cpu added up over the containers (a limit alone counts as the request); 0: none.</param>
/// <param name="Limit">resources.limits.cpu added up, when every container has one; 0: unlimited.</param>
public sealed record PodCpu(double Request, double Limit)
{
    /// <summary>No CPU request or limit.</summary>
    public static PodCpu None { get; } = new(0, 0);
}

/// <summary>What makes pods: the workload kinds svcsim reads, plus hand-written EndpointSlices of selector-less Services.</summary>
public enum PodSourceKind
{
    /// <summary>apps/v1 Deployment: replicas replaced as soon as one is deleted.</summary>
    Deployment,
    /// <summary>apps/v1 ReplicaSet: as a Deployment.</summary>
    ReplicaSet,
    /// <summary>apps/v1 StatefulSet: pods named by ordinal, recreated with the same name only once the old pod is gone.</summary>
    StatefulSet,
    /// <summary>apps/v1 DaemonSet: one pod on every node it fits; it lives and dies with that node.</summary>
    DaemonSet,
    /// <summary>v1 Pod: one pod, never replaced.</summary>
    Pod,
    /// <summary>
    /// discovery.k8s.io/v1 EndpointSlice written by hand for a Service without selector: a server on the node
    /// whose IP the endpoint names; no controller watches it, so its condition never changes.
    /// </summary>
    EndpointSlice,
}

/// <summary>When a pod source makes a new pod for one that is deleted.</summary>
public enum Replacement
{
    /// <summary>As soon as the old pod is marked for deletion (the ReplicaSet controller counts only active pods).</summary>
    WhenDeleted,
    /// <summary>Only once the old pod object is gone (the StatefulSet controller keeps at most one pod per identity;
    /// a DaemonSet's comes back on its own node, and only a rollout deletes one).</summary>
    WhenGone,
    /// <summary>Never (a bare Pod).</summary>
    Never,
}

/// <summary>
/// How a kind of pod source behaves; one row per kind, the model reads these instead of asking the kind.
/// Sources: kubernetes.io workload pages (ReplicaSet, StatefulSet "Pod identity", DaemonSet), the
/// force-delete-stateful-set-pod task page and kubernetes#54368 (StatefulSet pods on an unreachable node stay
/// until it returns or they are force-deleted).
/// </summary>
/// <param name="Kind">The kind.</param>
/// <param name="Replaces">When a deleted pod is replaced.</param>
/// <param name="OnePerNode">One pod on every node that fits, placed by the controller rather than spread.</param>
/// <param name="StableNames">Pods are named by ordinal 0..replicas-1, and a replacement takes the old name.</param>
/// <param name="IsPod">A real pod: probed by kubelet, marked not ready by the node lifecycle controller, evictable.</param>
public sealed record PodSourceKindInfo(PodSourceKind Kind, Replacement Replaces, bool OnePerNode, bool StableNames, bool IsPod)
{
    /// <summary>The behaviour of <paramref name="kind"/>.</summary>
    public static PodSourceKindInfo Of(PodSourceKind kind) => kind switch
    {
        PodSourceKind.Deployment => new(kind, Replacement.WhenDeleted, false, false, true),
        PodSourceKind.ReplicaSet => new(kind, Replacement.WhenDeleted, false, false, true),
        PodSourceKind.StatefulSet => new(kind, Replacement.WhenGone, false, true, true),
        PodSourceKind.DaemonSet => new(kind, Replacement.WhenGone, true, false, true),
        PodSourceKind.Pod => new(kind, Replacement.Never, false, true, true),
        _ => new(kind, Replacement.Never, false, true, false),
    };
}

/// <summary>A pod source: a workload (or hand-written endpoints) and its pod template, as the scenario runs it.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="PodLabels">The pod template's labels (what Service selectors match).</param>
/// <param name="Replicas">spec.replicas (0 allowed); for a DaemonSet the nodes it fits decide, this is ignored.</param>
/// <param name="ContainerPorts">containerPort values the pod's containers expose (informational, as in the API).</param>
/// <param name="Capacity">Serving capacity of each pod.</param>
/// <param name="PinnedNodes">Node names to place pods on in turn; empty: the scheduler decides.</param>
/// <param name="StartupTime">From a container's start to its application answering, seconds (readiness comes from the probe).</param>
public sealed record PodSourceSpec(
    string Name,
    IReadOnlyDictionary<string, string> PodLabels,
    int Replicas,
    IReadOnlyList<int> ContainerPorts,
    PodCapacity Capacity,
    IReadOnlyList<string> PinnedNodes,
    Distribution StartupTime)
{
    /// <summary>The kind of source.</summary>
    public PodSourceKind Kind { get; init; } = PodSourceKind.Deployment;

    /// <summary>metadata.namespace.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Named container ports (what a Service's named targetPort resolves against).</summary>
    public IReadOnlyDictionary<string, int> NamedPorts { get; init; } = new Dictionary<string, int>();

    /// <summary>Probes, grace period and preStop of the pod template.</summary>
    public HealthSpec Health { get; init; } = HealthSpec.Default;

    /// <summary>nodeSelector, affinity, tolerations and spread of the pod template.</summary>
    public PlacementSpec Placement { get; init; } = PlacementSpec.Anywhere;

    /// <summary>The pod template's CPU requests and limits (read, not simulated, except by a front door that runs on these pods).</summary>
    public PodCpu Cpu { get; init; } = PodCpu.None;

    /// <summary>For <see cref="PodSourceKind.EndpointSlice"/>: the endpoints' written ready condition, one per pinned node.</summary>
    public IReadOnlyList<bool> StaticReady { get; init; } = [];

    /// <summary>How a change of the pod template replaces the pods (spec.strategy, spec.updateStrategy), with minReadySeconds; the kind's default unless set.</summary>
    public UpdateStrategy Update
    {
        get => _update ?? UpdateStrategy.For(Kind);
        init => _update = value;
    }

    private readonly UpdateStrategy? _update;

    /// <summary>How this kind behaves.</summary>
    public PodSourceKindInfo KindInfo => PodSourceKindInfo.Of(Kind);

    /// <summary><c>name</c> in the default namespace, <c>namespace/name</c> elsewhere: how scenarios and outputs name it.</summary>
    public string Key => Namespace == "default" ? Name : $"{Namespace}/{Name}";
}

/// <summary>How a workload replaces its pods when its template changes.</summary>
public enum UpdateKind
{
    /// <summary>A few at a time, keeping the workload available (Deployment: by maxSurge and maxUnavailable;
    /// StatefulSet: one pod at a time from the highest ordinal; DaemonSet: maxUnavailable nodes at a time).</summary>
    RollingUpdate,
    /// <summary>Deployment: every old pod is deleted, and new ones are made once they are all gone.</summary>
    Recreate,
    /// <summary>StatefulSet and DaemonSet: nothing happens until a pod is deleted for another reason.</summary>
    OnDelete,
}

/// <summary>A count given as a number or as a percentage of the replicas (intstr.IntOrString).</summary>
/// <param name="Value">The number, or the percentage.</param>
/// <param name="Percent">True when <paramref name="Value"/> is a percentage.</param>
public sealed record IntOrPercent(int Value, bool Percent)
{
    /// <summary>The count for <paramref name="total"/> replicas; a percentage rounds up or down as the controller does.</summary>
    public int Of(int total, bool roundUp) =>
        !Percent ? Value : (int)(roundUp ? Math.Ceiling(total * Value / 100.0) : Math.Floor(total * Value / 100.0));

    /// <inheritdoc />
    public override string ToString() => Percent ? $"{Value}%" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A workload's update strategy with the API's defaults: a Deployment rolls 25 % surge and 25 % unavailable
/// (maxSurge rounded up, maxUnavailable down), a StatefulSet one pod at a time from the highest ordinal down
/// to <paramref name="Partition"/>, a DaemonSet one node at a time (apps/v1 defaults).
/// </summary>
/// <param name="Kind">RollingUpdate, Recreate or OnDelete.</param>
/// <param name="MaxSurge">Pods above the replicas a Deployment may run during a rolling update.</param>
/// <param name="MaxUnavailable">Pods below the replicas that may be unavailable during a rolling update.</param>
/// <param name="Partition">StatefulSet: ordinals below it keep the old template.</param>
/// <param name="MinReadyS">minReadySeconds: a new pod counts as available only after being ready this long.</param>
public sealed record UpdateStrategy(UpdateKind Kind, IntOrPercent MaxSurge, IntOrPercent MaxUnavailable, int Partition = 0, double MinReadyS = 0)
{
    /// <summary>The default strategy of <paramref name="kind"/>.</summary>
    public static UpdateStrategy For(PodSourceKind kind) => kind switch
    {
        PodSourceKind.Deployment => new(UpdateKind.RollingUpdate, new IntOrPercent(25, true), new IntOrPercent(25, true)),
        PodSourceKind.StatefulSet => new(UpdateKind.RollingUpdate, new IntOrPercent(0, false), new IntOrPercent(1, false)),
        PodSourceKind.DaemonSet => new(UpdateKind.RollingUpdate, new IntOrPercent(0, false), new IntOrPercent(1, false)),
        _ => new(UpdateKind.OnDelete, new IntOrPercent(0, false), new IntOrPercent(0, false)),
    };
}

/// <summary>spec.type of a Service.</summary>
public enum ServiceType
{
    /// <summary>Cluster-internal only.</summary>
    ClusterIP,
    /// <summary>A port on every node, plus a ClusterIP.</summary>
    NodePort,
    /// <summary>An external address from a load balancer, plus node ports and a ClusterIP.</summary>
    LoadBalancer,
}

/// <summary>spec.externalTrafficPolicy.</summary>
public enum TrafficPolicy
{
    /// <summary>Any ready endpoint in the cluster; SNAT, replies back through the entry node.</summary>
    Cluster,
    /// <summary>Only endpoints on the entry node; none there: the packet is dropped.</summary>
    Local,
}

/// <summary>spec.sessionAffinity.</summary>
public enum SessionAffinity
{
    /// <summary>Every new connection chooses afresh.</summary>
    None,
    /// <summary>A client IP sticks to one endpoint for the affinity timeout (10800 s by default).</summary>
    ClientIP,
}

/// <summary>One entry of spec.ports.</summary>
/// <param name="Name">name.</param>
/// <param name="Port">port.</param>
/// <param name="TargetPort">targetPort as a number (a named one resolved against the first selected container that has it).</param>
/// <param name="NodePort">nodePort; 0 when none.</param>
/// <param name="Protocol">protocol: TCP, UDP or SCTP (svcsim's traffic is TCP).</param>
/// <param name="TargetPortName">targetPort as written when it is a name: pods without a container port of that name are not endpoints.</param>
public sealed record ServicePortSpec(string Name, int Port, int TargetPort, int NodePort, string Protocol = "TCP", string TargetPortName = "");

/// <summary>A Service as the manifests declare it (node ports already allocated).</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="Type">spec.type.</param>
/// <param name="Selector">spec.selector.</param>
/// <param name="Ports">spec.ports (the first one carries the simulated traffic).</param>
/// <param name="ExternalTrafficPolicy">spec.externalTrafficPolicy.</param>
/// <param name="SessionAffinity">spec.sessionAffinity.</param>
/// <param name="AffinityTimeoutS">spec.sessionAffinityConfig.clientIP.timeoutSeconds.</param>
/// <param name="HealthCheckNodePort">spec.healthCheckNodePort (Local policy); 0 when none.</param>
/// <param name="LoadBalancerIp">The external address announced for a LoadBalancer (MetalLB allocation, annotation or status); empty when none.</param>
/// <param name="Namespace">metadata.namespace: the Service selects pods of this namespace only.</param>
/// <param name="InternalTrafficPolicy">spec.internalTrafficPolicy: Local sends in-cluster clients to their own node's endpoints only.</param>
/// <param name="PreferClose">spec.trafficDistribution: PreferClose: in-cluster clients use the endpoints of their own zone first.</param>
public sealed record ServiceSpec(
    string Name,
    ServiceType Type,
    IReadOnlyDictionary<string, string> Selector,
    IReadOnlyList<ServicePortSpec> Ports,
    TrafficPolicy ExternalTrafficPolicy = TrafficPolicy.Cluster,
    SessionAffinity SessionAffinity = SessionAffinity.None,
    double AffinityTimeoutS = 10800,
    int HealthCheckNodePort = 0,
    string LoadBalancerIp = "",
    string Namespace = "default",
    TrafficPolicy InternalTrafficPolicy = TrafficPolicy.Cluster,
    bool PreferClose = false)
{
    /// <summary><c>name</c> in the default namespace, <c>namespace/name</c> elsewhere: how scenarios and outputs name it.</summary>
    public string Key => Namespace == "default" ? Name : $"{Namespace}/{Name}";

    /// <summary>The port that carries the simulated (TCP) traffic: the first TCP port, else the first.</summary>
    public ServicePortSpec? TrafficPort
    {
        get
        {
            foreach (var p in Ports)
            {
                if (p.Protocol == "TCP")
                {
                    return p;
                }
            }
            return Ports.Count > 0 ? Ports[0] : null;
        }
    }
}

/// <summary>Control-plane timings (kubernetes-behaviour.md, "Node failure").</summary>
/// <param name="LeaseRenewS">kubelet lease renewal, 10 s.</param>
/// <param name="NodeMonitorPeriodS">--node-monitor-period, 5 s.</param>
/// <param name="NodeMonitorGracePeriodS">--node-monitor-grace-period: 50 s from Kubernetes 1.32, 40 s up to 1.31.</param>
/// <param name="TolerationSeconds">DefaultTolerationSeconds for not-ready/unreachable taints, 300 s.</param>
/// <param name="EvictionRatePerS">--node-eviction-rate, 0.1 nodes per second.</param>
/// <param name="EndpointSliceDelayS">From a pod's readiness change to the EndpointSlice update reaching watchers, seconds.</param>
/// <param name="NodeRejoinS">From a crashed node answering on the network again to its kubelet running (lease renewed, kube-proxy and pods being started), seconds.</param>
public sealed record ControlPlaneSpec(
    double LeaseRenewS = 10,
    double NodeMonitorPeriodS = 5,
    double NodeMonitorGracePeriodS = 50,
    double TolerationSeconds = 300,
    double EvictionRatePerS = 0.1,
    double EndpointSliceDelayS = 0.1,
    double NodeRejoinS = 10)
{
    /// <summary>The defaults of current Kubernetes.</summary>
    public static ControlPlaneSpec Default { get; } = new();
}
