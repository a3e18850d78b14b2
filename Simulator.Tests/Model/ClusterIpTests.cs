using System.Globalization;
using Svcsim.Access;
using Svcsim.Dataplane;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;
using Svcsim.Scenarios;
using Svcsim.Workload;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// In-cluster clients through the ClusterIP: their pods die with their node, kube-proxy's internal policies
/// (internalTrafficPolicy, trafficDistribution) and Cilium's socket-level load balancing.
/// </summary>
public sealed class ClusterIpTests(ITestOutputHelper output)
{
    private static readonly AccessSpec ClusterIp = new ClusterIpAccess("clusterip");

    private static ScenarioSpec InCluster(double rate, IReadOnlyList<string> nodes, ServiceSpec? service = null, KubeProxySpec? proxy = null,
        IReadOnlyList<FaultSpec>? faults = null, IReadOnlyList<string>? pinned = null, double durationS = 60, IReadOnlyList<NodeSpec>? nodeSpecs = null)
    {
        var clients = TestScenarios.Clients(rate, service: "np-nginx") with { Nodes = nodes };
        var spec = TestScenarios.Seed(rate: rate, durationS: durationS, variants: [ClusterIp], proxy: proxy, faults: faults, pinned: pinned) with
        { Clients = [clients] };
        if (service is not null)
        {
            spec = spec with { Services = [service, spec.Services[1]] };
        }
        return nodeSpecs is null ? spec : spec with { Nodes = nodeSpecs };
    }

    [Fact]
    public void Client_Pods_On_A_Crashed_Node_Stop_Sending()
    {
        // Given 100 client pods spread over w1 and w2, 200 requests/s in all, and w1 crashing at C = 30 s
        const double C = 30, Rate = 200, WindowS = 5;
        var spec = InCluster(Rate, ["w1", "w2"], faults: [new NodeCrash("w1", C)], durationS: 60);

        // When it runs
        var run = new VariantRunner(spec, ClusterIp, 0).Run();

        // Then the windows after the crash carry half the requests (w2's pods only): Poisson(500) per window,
        // sd 22, checked within 5 sd; before it, all of them (Poisson(1,000), sd 32)
        var windows = run.Windows.Where(w => w.EndS - w.StartS == WindowS).ToList();
        output.WriteLine(string.Join(", ", windows.Select(w => $"{w.StartS:F0}s {w.Requests}")));
        Assert.All(windows.Where(w => w.EndS <= C), w => Assert.InRange(w.Requests, 1000 - 160, 1000 + 160));
        Assert.All(windows.Where(w => w.StartS >= C + 1), w => Assert.InRange(w.Requests, 500 - 110, 500 + 110));
    }

    [Fact]
    public void Internal_Traffic_Policy_Local_Drops_Clients_On_A_Node_Without_An_Endpoint_As_Kube_Proxy_Does()
    {
        // Given internalTrafficPolicy: Local, pods on w2 and w3 only, client pods on w1 and w2
        var service = TestScenarios.NodePortService() with { InternalTrafficPolicy = TrafficPolicy.Local };
        var spec = InCluster(50, ["w1", "w2"], service: service, pinned: ["w2", "w3"], durationS: 40);

        // When it runs
        var run = new VariantRunner(spec, ClusterIp, 0).Run();

        // Then w1's clients (half of the machines) are dropped (kube-proxy's DROP: a timeout, not a refusal), and
        // w2's reach only w2's pods: w3's pod gets nothing
        var s = run.Summary;
        long dropped = s.FailedByCause[(int)FailureCause.DroppedLocal];
        output.WriteLine(Inv($"{s.Requests} requests, {dropped} dropped, {s.Failed} failed"));
        Assert.Equal(s.Failed, dropped);
        var (lo, hi) = Tolerances.BinomialRegion(s.Requests, 0.5);
        Assert.InRange(dropped, lo, hi);
        Assert.All(run.Pods.Where(p => p.Node == "w3"), p => Assert.Equal(0, p.Requests));
    }

    [Fact]
    public void Prefer_Close_Keeps_Clients_In_Their_Zone_While_It_Has_An_Endpoint()
    {
        // Given workers in zones a, a, b with one pod each, trafficDistribution: PreferClose, and client pods on w1 (zone a)
        var nodes = new List<NodeSpec>
        {
            TestScenarios.ControlPlane,
            new("w1", NodeRole.Worker, TestScenarios.WorkerIp(1), "a"),
            new("w2", NodeRole.Worker, TestScenarios.WorkerIp(2), "a"),
            new("w3", NodeRole.Worker, TestScenarios.WorkerIp(3), "b"),
        };
        var service = TestScenarios.NodePortService() with { PreferClose = true };
        var spec = InCluster(50, ["w1"], service: service, durationS: 30, nodeSpecs: nodes);

        // When it runs
        var run = new VariantRunner(spec, ClusterIp, 0).Run();

        // Then every request reaches zone a's pods, and none zone b's
        var perNode = run.Pods.GroupBy(p => p.Node).ToDictionary(g => g.Key, g => g.Sum(p => p.Requests));
        output.WriteLine(string.Join(", ", perNode.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.Equal(0, run.Summary.Failed);
        Assert.Equal(0, perNode.GetValueOrDefault("w3"));
        Assert.True(perNode["w1"] > 0 && perNode["w2"] > 0);
    }

    [Theory]
    [InlineData(ProxyMode.Iptables)]
    [InlineData(ProxyMode.Ebpf)]
    public void In_Cluster_Connections_Keep_The_Pods_Address_And_Only_Kube_Proxy_Tracks_Them(ProxyMode mode)
    {
        // Given client pods on w1 calling the ClusterIP over keep-alive connections, under kube-proxy or Cilium
        var clients = TestScenarios.Clients(100, service: "np-nginx") with
        {
            Nodes = ["w1"],
            Connection = new ConnectionSpec(ConnectionReuse.KeepAlive, MaxRequests: int.MaxValue, IdleTimeoutS: double.PositiveInfinity),
        };
        var spec = TestScenarios.Seed(rate: 100, durationS: 20, variants: [ClusterIp], proxy: KubeProxySpec.Default with { Mode = mode }) with
        { Clients = [clients] };
        var runner = new VariantRunner(spec, ClusterIp, 0);
        int tracked = -1;
        runner.Simulation.ScheduleAt(Time.FromSeconds(15), () => tracked = runner.Proxies.All.Sum(p => p.Conntrack.Count(runner.Simulation.Now)));

        // When it runs
        var run = runner.Run();
        int open = runner.Groups[0].OpenConnections;
        output.WriteLine(Inv($"{mode}: {run.Summary.Requests} requests, {open} connections open, {tracked} tracked at 15 s"));

        // Then every request succeeds over connections spread on all three pods; kube-proxy's conntrack holds
        // an entry per connection on the client's node, Cilium's socket-level balancer none (the socket is
        // connected to the backend itself)
        Assert.Equal(run.Summary.Requests, run.Summary.Succeeded);
        Assert.Equal(3, run.Pods.Where(p => p.Requests > 0).Select(p => p.Pod).Distinct().Count());
        if (mode == ProxyMode.Ebpf)
        {
            Assert.Equal(0, tracked);
        }
        else
        {
            Assert.True(tracked >= 50, $"{tracked} entries");
        }
    }

    [Fact]
    public void A_Clusterip_Variant_Needs_Client_Groups_Inside_The_Cluster()
    {
        using var files = new Svcsim.Tests.Scenarios.ScenarioFiles();
        string yaml = File.ReadAllText(Path.Combine(Svcsim.Tests.Scenarios.ScenarioFiles.ScenariosDir, "clusterip.yaml"))
            .Replace("    nodes: [w1, w2, w3]\n", "", StringComparison.Ordinal);
        files.Write("manifests/seed.yaml", File.ReadAllText(Path.Combine(Svcsim.Tests.Scenarios.ScenarioFiles.ScenariosDir, "manifests", "seed.yaml")));
        files.Write("s.yaml", yaml);

        var e = files.Fails("s.yaml");

        Assert.Contains(e.Errors, x => x.Field.EndsWith(".kind", StringComparison.Ordinal) && x.Message.Contains("only pods of the cluster reach", StringComparison.Ordinal));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
