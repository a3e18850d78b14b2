using Svcsim.Dataplane;
using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

/// <summary>
/// The Kubernetes side alone (nodes, pod sources, Services, kube-proxies, control plane) without clients, for
/// tests of what the controllers, the scheduler and the kubelets do. Time advances with <see cref="RunTo"/>.
/// </summary>
internal sealed class KubeWorld
{
    public KubeWorld(IReadOnlyList<NodeSpec> nodes, IReadOnlyList<PodSourceSpec> sources, IReadOnlyList<ServiceSpec>? services = null,
        ControlPlaneSpec? controlPlane = null, long seed = 1, IReadOnlyList<DisruptionBudgetSpec>? budgets = null)
    {
        Sim = new Simulation(new RandomStreams(seed, 0));
        Cluster = new Cluster(nodes, NetworkSpec.Default, Sim.Streams);
        services ??= sources.Select(s => new ServiceSpec(s.Name + "-svc", ServiceType.NodePort, s.PodLabels,
            [new ServicePortSpec("http", 80, 80, 30000)], Namespace: s.Namespace)).ToList();
        Model = new KubernetesModel(Sim, Cluster, sources, services, controlPlane ?? ControlPlaneSpec.Default, Trace, budgets);
        Proxies = new ServiceProxies(Sim, Model, KubeProxySpec.Default, Trace);
    }

    /// <summary>
    /// When the node lifecycle controller marks <paramref name="node"/> NotReady after it crashed at
    /// <paramref name="crashS"/> with the default control plane, derived from this replication's timer phases: its
    /// last lease renewal before the crash (every 10 s from its kubelet's phase), then the first monitor tick (every
    /// 5 s from the controller's phase) more than the 50 s grace period later.
    /// </summary>
    public double NotReadyAfterCrash(string node, double crashS)
    {
        var cp = ControlPlaneSpec.Default;
        double lease = Time.ToSeconds(Sim.Streams.Phase($"kubelet-lease:{node}", Time.FromSeconds(cp.LeaseRenewS)));
        double tick = Time.ToSeconds(Sim.Streams.Phase("node-monitor", Time.FromSeconds(cp.NodeMonitorPeriodS)));
        double last = lease + Math.Floor((crashS - lease) / cp.LeaseRenewS) * cp.LeaseRenewS;
        return tick + (Math.Floor((last + cp.NodeMonitorGracePeriodS - tick) / cp.NodeMonitorPeriodS) + 1) * cp.NodeMonitorPeriodS;
    }

    /// <summary>Each node's kube-proxy.</summary>
    public ServiceProxies Proxies { get; }

    public Simulation Sim { get; }

    public Cluster Cluster { get; }

    public KubernetesModel Model { get; }

    public Trace Trace { get; } = new();

    public Node Node(string name) => Cluster.ByName(name);

    /// <summary>Runs the simulation until <paramref name="seconds"/>.</summary>
    public void RunTo(double seconds) => Sim.Run(Time.FromSeconds(seconds));

    /// <summary>Does <paramref name="action"/> at <paramref name="seconds"/>.</summary>
    public void At(double seconds, Action action) => Sim.ScheduleAt(Time.FromSeconds(seconds), action);

    /// <summary>Trace entries of <paramref name="kind"/>, as (seconds, subject, detail).</summary>
    public List<(double T, string Subject, string Detail)> Events(string kind) =>
        Trace.Entries.Where(e => e.Kind == kind).Select(e => (Time.ToSeconds(e.Time), e.Subject, e.Detail)).ToList();

    /// <summary>Where the pods of <paramref name="source"/> are: pod name to node name, in creation order.</summary>
    public List<(string Pod, string Node)> Placement(string source) =>
        Model.Source(source).Pods.Select(p => (p.Name, p.Node.Name)).ToList();

    /// <summary>A control plane and workers w1..wn; <paramref name="zones"/> gives each worker's zone.</summary>
    public static List<NodeSpec> Nodes(int workers, params string[] zones) =>
    [
        new("cp1", NodeRole.ControlPlane, "192.168.1.10", Schedulable: false, ExcludeFromExternalLoadBalancers: true),
        .. Enumerable.Range(1, workers).Select(i => new NodeSpec($"w{i}", NodeRole.Worker, $"192.168.1.{100 + i}", zones.Length >= i ? zones[i - 1] : "")),
    ];

    /// <summary>A pod source of <paramref name="kind"/> with labels <c>app: name</c> and a constant 1 s start.</summary>
    public static PodSourceSpec Source(string name, PodSourceKind kind = PodSourceKind.Deployment, int replicas = 3,
        PlacementSpec? placement = null, HealthSpec? health = null, PodCapacity? capacity = null) =>
        new(name, new Dictionary<string, string> { ["app"] = name }, replicas, [80], capacity ?? PodCapacity.Default, [], Distribution.Constant(1))
        {
            Kind = kind,
            Placement = placement ?? PlacementSpec.Anywhere,
            Health = health ?? HealthSpec.Default,
        };
}
