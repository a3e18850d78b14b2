using Svcsim.Dataplane;
using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;
using Svcsim.Scenarios;
using Svcsim.Workload;

namespace Svcsim.Tests.Model;

/// <summary>Scenarios built in code for the model's tests: the origin's cluster and small variations.</summary>
internal static class TestScenarios
{
    public static readonly Dictionary<string, string> NginxLabels = new() { ["app"] = "deploy-nginx" };

    public static NodeSpec ControlPlane => new("cp1", NodeRole.ControlPlane, "192.168.1.10", Schedulable: false, ExcludeFromExternalLoadBalancers: true);

    public static IReadOnlyList<NodeSpec> Workers(int n) =>
        Enumerable.Range(1, n).Select(i => new NodeSpec($"w{i}", NodeRole.Worker, WorkerIp(i))).ToList();

    /// <summary>The InternalIP of worker w<paramref name="i"/> at the start of a run.</summary>
    public static string WorkerIp(int i) => $"192.168.1.{100 + i}";

    /// <summary>
    /// Links that take no time: zero latency and a bandwidth so high that 8 bytes / bandwidth truncates to
    /// 0 ns. Queueing then happens in the pods only, which is what the queueing-theory tests need.
    /// </summary>
    public static NetworkSpec Instant { get; } = new(
        new LinkSpec(Distribution.Constant(0), 1e18), new LinkSpec(Distribution.Constant(0), 1e18),
        new LinkSpec(Distribution.Constant(0), 1e18), new LinkSpec(Distribution.Constant(0), 1e18));

    /// <summary>kube-proxy in <paramref name="mode"/>, otherwise the defaults.</summary>
    public static KubeProxySpec Proxy(ProxyMode mode) => KubeProxySpec.Default with { Mode = mode };

    /// <summary>One worker and a backlog too large to fill: each pod an M/M/1 queue with service rate <paramref name="mu"/>.</summary>
    public static PodCapacity SingleServer(double mu) => new(1, 1_000_000, Distribution.Exponential(1 / mu));

    public static PodSourceSpec Nginx(int replicas, PodCapacity? capacity = null, IReadOnlyList<string>? pinned = null) =>
        new("deploy-nginx", NginxLabels, replicas, [80], capacity ?? PodCapacity.Default, pinned ?? [], Distribution.Constant(5));

    public static ServiceSpec NodePortService(TrafficPolicy policy = TrafficPolicy.Cluster, SessionAffinity affinity = SessionAffinity.None) =>
        new("np-nginx", ServiceType.NodePort, NginxLabels, [new ServicePortSpec("http", 80, 80, 30000)], policy, affinity);

    public static ServiceSpec LoadBalancerService(TrafficPolicy policy = TrafficPolicy.Cluster) =>
        new("lb-nginx", ServiceType.LoadBalancer, NginxLabels, [new ServicePortSpec("http", 80, 80, 30001)], policy, LoadBalancerIp: "192.168.1.11");

    public static ClientGroupSpec Clients(double rate, int clients = 100, double timeoutS = 5, int retries = 0, string service = "lb-nginx", string nodePortService = "np-nginx") =>
        new("web", service, nodePortService, clients, rate, 0, Distribution.Constant(1),
            Distribution.Constant(500), Distribution.Constant(2000), timeoutS, Math.Min(3, timeoutS), retries, Distribution.Constant(0.1));

    public static AccessSpec NodePortTo(params string[] ips) => new NodePortAccess("nodeport", ips);

    public static ScenarioSpec Seed(double rate = 200, double durationS = 60, IReadOnlyList<AccessSpec>? variants = null, int workers = 3,
        int replicas = 3, KubeProxySpec? proxy = null, TrafficPolicy policy = TrafficPolicy.Cluster, PodCapacity? capacity = null,
        IReadOnlyList<Svcsim.Faults.FaultSpec>? faults = null, double warmupS = 5, NetworkSpec? network = null, int replications = 1,
        IReadOnlyList<string>? pinned = null) =>
        new()
        {
            Name = "test",
            Nodes = [ControlPlane, .. Workers(workers)],
            Network = network ?? NetworkSpec.Default,
            PodSources = [Nginx(replicas, capacity, pinned)],
            Services = [NodePortService(policy), LoadBalancerService(policy)],
            KubeProxy = proxy ?? KubeProxySpec.Default,
            Clients = [Clients(rate)],
            Variants = variants ?? [NodePortTo("192.168.1.10"), new MetalLbL2Access("metallb-l2"), new MetalLbBgpAccess("metallb-bgp"),
                new CloudLbAccess("cloud-lb", HealthCheckSpec.Presets["gce"])],
            Faults = faults ?? [],
            Measurement = new Svcsim.Measurement.MeasurementSpec(WarmupS: warmupS),
            DurationS = durationS,
            Replications = replications,
        };
}
