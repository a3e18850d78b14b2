using Svcsim.Engine;

namespace Svcsim.Kubernetes;

/// <summary>What a pod of a Deployment can serve: what manifests do not say, the scenario does.</summary>
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

/// <summary>A Deployment: replicas of one pod template.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="PodLabels">spec.template.metadata.labels.</param>
/// <param name="Replicas">spec.replicas.</param>
/// <param name="ContainerPorts">containerPort values the pod's containers expose (empty: not declared, any port allowed).</param>
/// <param name="Capacity">Serving capacity of each pod.</param>
/// <param name="PinnedNodes">Node names to place pods on in turn; empty: spread evenly over schedulable nodes.</param>
/// <param name="StartupTime">From scheduling to ready (image pull, start, readiness), seconds.</param>
public sealed record DeploymentSpec(
    string Name,
    IReadOnlyDictionary<string, string> PodLabels,
    int Replicas,
    IReadOnlyList<int> ContainerPorts,
    PodCapacity Capacity,
    IReadOnlyList<string> PinnedNodes,
    Distribution StartupTime);

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
public sealed record ServicePortSpec(string Name, int Port, int TargetPort, int NodePort);

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
public sealed record ServiceSpec(
    string Name,
    ServiceType Type,
    IReadOnlyDictionary<string, string> Selector,
    IReadOnlyList<ServicePortSpec> Ports,
    TrafficPolicy ExternalTrafficPolicy = TrafficPolicy.Cluster,
    SessionAffinity SessionAffinity = SessionAffinity.None,
    double AffinityTimeoutS = 10800,
    int HealthCheckNodePort = 0,
    string LoadBalancerIp = "");

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
