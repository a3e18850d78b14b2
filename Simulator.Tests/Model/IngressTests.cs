using System.Globalization;
using Svcsim.Access;
using Svcsim.Access.Ingress;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;
using Svcsim.Workload;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// The ingress-nginx front door against what its configuration documents: per-request round robin, the
/// next upstream after a connect timeout, the TLS handshake's CPU, and the controller's own exposure.
/// </summary>
public sealed class IngressTests(ITestOutputHelper output)
{
    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static IngressNginxAccess Ingress(int replicas = 1, AccessSpec? exposedBy = null, int keepalive = 320, int tries = 3,
        double tlsS = 0, int workers = 2) =>
        new("ingress-nginx", new IngressController(replicas, workers, 4096, 0.0002, 5, TrafficPolicy.Cluster, exposedBy ?? TestScenarios.NodePortTo("192.168.1.10")),
            Tries: tries, Keepalive: keepalive, TlsHandshakeCpuS: tlsS);

    private sealed record Outcome(double StartS, double LatencyS, bool Success, FailureCause Cause);

    private static List<Outcome> Of(OutcomeLedger ledger) =>
        ledger.Outcomes.Select(o => new Outcome(Time.ToSeconds(o.Start), Time.ToSeconds(o.End - o.Start), o.Success, o.Cause)).ToList();

    private static List<Pod> Controllers(VariantRunner runner) =>
        runner.Model.AllPods.Where(p => p.Source.Spec.Name == IngressNginxKind.ControllerName).ToList();

    [Fact]
    public void Round_Robin_Over_N_Upstreams_Is_Exactly_Cyclic_Per_Controller_Pod()
    {
        // Given two controller pods in front of four nginx pods, and clients that keep their connections
        const int N = 4;
        var ingress = Ingress(replicas: 2);
        var clients = TestScenarios.Clients(100, clients: 10) with { Connection = new ConnectionSpec(ConnectionReuse.KeepAlive) };
        var spec = TestScenarios.Seed(durationS: 20, variants: [ingress], replicas: N, workers: 4) with { Clients = [clients] };
        var runner = new VariantRunner(spec, ingress, 0);
        var door = (IngressNginxFrontDoor)runner.FrontDoor;
        var picks = new Dictionary<Pod, List<Pod>>();
        door.Chosen = (controller, upstream) =>
        {
            if (!picks.TryGetValue(controller, out var list))
            {
                picks[controller] = list = [];
            }
            list.Add(upstream);
        };

        // When they send about 2000 requests
        var run = runner.Run();

        // Then each controller pod takes the four pods in one fixed order, over and over, whatever the
        // connection a request came on
        Assert.Equal(2, picks.Count);
        foreach (var (controller, list) in picks)
        {
            output.WriteLine(Inv($"{controller.Name}: {list.Count} picks, first {string.Join(" ", list.Take(8).Select(p => p.Name))}"));
            Assert.True(list.Count > 500, $"{list.Count}");
            Assert.Equal(N, list.Take(N).Distinct().Count());
            for (int i = N; i < list.Count; i++)
            {
                Assert.Same(list[i - N], list[i]);
            }
        }
        Assert.Equal(0, run.Summary.Failed);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void A_Dead_Upstream_Not_Yet_Removed_Costs_A_Connect_Timeout_And_A_Retry_Not_A_Failed_Request(int tries)
    {
        // Given one controller pod on w5 in front of four nginx pods on w1..w4, a new upstream connection per
        // request (no keep-alive pool to go stale), clients that wait 30 s, and w1 crashing at C = 10 s: its
        // pod stays in the EndpointSlice until the node is NotReady (40 s or more later)
        const int N = 4;
        const double C = 10, ConnectTimeoutS = 5;
        var ingress = Ingress(keepalive: 0, tries: tries);
        var clients = TestScenarios.Clients(40, clients: 20, timeoutS: 30);
        var spec = TestScenarios.Seed(durationS: 50, variants: [ingress], replicas: N, workers: 5, pinned: ["w1", "w2", "w3", "w4"], warmupS: 0,
            faults: [new NodeCrash("w1", C)]) with { Clients = [clients] };
        var outcomes = new OutcomeLedger();
        var runner = new VariantRunner(spec, ingress, 0, outcomes);
        Assert.Equal("w5", Assert.Single(Controllers(runner)).Node.Name);

        // When it runs
        runner.Run();

        // Then, of the requests sent while the dead pod is in the controller's view, the ones whose first try
        // went to it (a share of 1/N) took at least the connect timeout, and the others none of it
        var during = Of(outcomes).Where(o => o.StartS >= C + 0.5 && o.StartS < C + 38).ToList();
        var slow = during.Where(o => o.LatencyS >= ConnectTimeoutS).ToList();
        var failed = during.Where(o => !o.Success).ToList();
        output.WriteLine(Inv($"tries {tries}: {during.Count} requests, {slow.Count} paid a connect timeout ({(double)slow.Count / during.Count:F3}, 1/N = {1.0 / N}), {failed.Count} failed, retries {((IngressNginxFrontDoor)runner.FrontDoor).Retries}"));
        Assert.True(during.Count > 1000, $"{during.Count}");
        Assert.All(during.Where(o => o.LatencyS < ConnectTimeoutS), o => Assert.True(o.LatencyS < 0.5, $"{o.LatencyS}"));
        var (lo, hi) = Tolerances.BinomialRegion(during.Count, 1.0 / N);
        Assert.InRange(slow.Count, lo, hi);
        Assert.True(hi - lo < 0.1 * during.Count / N * 3, "the interval is too wide to mean anything");
        if (tries == 1)
        {
            // Without a next try, every request sent to the dead pod fails, with a 504 after the connect timeout
            Assert.Equal(slow.Count, failed.Count);
            Assert.All(failed, o => Assert.Equal(FailureCause.DeadEndpoint, o.Cause));
            Assert.All(failed, o => Assert.InRange(o.LatencyS, ConnectTimeoutS, ConnectTimeoutS + 0.5));
        }
        else
        {
            // With three tries a request fails only if every try went to the dead pod: (1/N)^3 of them, each
            // after three connect timeouts; a request that paid one timeout took its second try at once
            var (flo, fhi) = Tolerances.BinomialRegion(during.Count, Math.Pow(1.0 / N, tries));
            Assert.InRange(failed.Count, flo, fhi);
            Assert.All(failed, o => Assert.Equal(FailureCause.DeadEndpoint, o.Cause));
            Assert.All(failed, o => Assert.InRange(o.LatencyS, tries * ConnectTimeoutS, (tries * ConnectTimeoutS) + 0.5));
            var once = slow.Where(o => o.Success && o.LatencyS < 2 * ConnectTimeoutS).ToList();
            var (olo, ohi) = Tolerances.BinomialRegion(during.Count, (1.0 / N) * (1 - (1.0 / N)));
            Assert.InRange(once.Count, olo, ohi);
            Assert.All(once, o => Assert.InRange(o.LatencyS, ConnectTimeoutS, ConnectTimeoutS + 0.5));
        }
    }

    [Fact]
    public void The_Tls_Handshake_Raises_Controller_Utilisation_By_Rate_Times_Its_Cpu_Over_Workers()
    {
        // Given one controller pod with 2 workers and 0.2 ms of CPU per request, and 200 requests/s each on a
        // new client connection; once plain HTTP, once with 1 ms of CPU per TLS handshake
        const double Rate = 200, TlsS = 0.001;
        const int Workers = 2;
        double Utilisation(double tls)
        {
            var ingress = Ingress(tlsS: tls, workers: Workers);
            var spec = TestScenarios.Seed(rate: Rate, durationS: 60, variants: [ingress]) with { Clients = [TestScenarios.Clients(Rate)] };
            var run = new VariantRunner(spec, ingress, 0).Run();
            var windows = run.Pods.Where(p => p.Pod.Contains(IngressNginxKind.ControllerName, StringComparison.Ordinal)).ToList();
            return windows.Average(w => w.Utilization);
        }

        // When both run on the same arrivals
        double plain = Utilisation(0), tls = Utilisation(TlsS);

        // Then utilisation rises by rate x tlsHandshakeCpu / workers = 0.1 (within the arrivals' Poisson noise,
        // 2 % over 11000 requests), from rate x requestCpu / workers = 0.02
        double expected = Rate * TlsS / Workers;
        output.WriteLine(Inv($"utilisation plain {plain:F4}, with TLS {tls:F4}, rise {tls - plain:F4}, expected {expected:F4}"));
        Assert.InRange(plain, 0.02 * 0.95, 0.02 * 1.05);
        Assert.InRange(tls - plain, expected * 0.95, expected * 1.05);
    }

    [Fact]
    public void A_Controller_Pods_Node_Crashing_Fails_Connections_Until_The_Exposures_Kube_Proxy_Drops_It()
    {
        // Given two controller pods exposed by MetalLB L2 (Cluster policy, so the leader's kube-proxy picks a
        // controller pod at random per new connection), the nginx pods on w3 and w4, and the node of a
        // controller pod that is not on the leader crashing at C = 20 s (it holds no nginx pod: one that did
        // would also hang the other controller's kept-alive upstream connections to it)
        const double C = 20;
        var ingress = Ingress(replicas: 2, exposedBy: new MetalLbL2Access("metallb-l2"));
        var clients = TestScenarios.Clients(40, clients: 20, timeoutS: 5);
        var spec = TestScenarios.Seed(durationS: 110, variants: [ingress], workers: 4, replicas: 2, pinned: ["w3", "w4"]) with { Clients = [clients] };
        var outcomes = new OutcomeLedger();
        var runner = new VariantRunner(spec, ingress, 0, outcomes);
        var door = (IngressNginxFrontDoor)runner.FrontDoor;
        var leader = ((MetalLbL2FrontDoor)door.Exposure).Leader(door.ControllerService)!;
        var victim = Controllers(runner).First(p => p.Node != leader).Node;
        Assert.DoesNotContain(victim.Name, new[] { "w3", "w4" });
        runner.Simulation.ScheduleAt(Time.FromSeconds(C), () => runner.Model.CrashNode(victim));

        // When it runs
        var run = runner.Run();
        double synced = run.Events.Where(e => e.Kind == "kube-proxy-sync" && e.Node == leader.Name && e.TimeS > C).Min(e => e.TimeS);

        // Then, as for any Service behind L2 whose pod's node died: the leader stays (it is alive), so the
        // outage is decided by the node lifecycle controller (NotReady after the 50 s grace period, within a
        // lease interval) and the leader's kube-proxy sync; until then half of the new connections go to the
        // dead controller pod and fail; after it, none does
        var during = Of(outcomes).Where(o => o.StartS >= C + 0.5 && o.StartS < synced - 4).ToList();
        long failed = during.Count(o => !o.Success);
        output.WriteLine(Inv($"leader {leader.Name}, crashed {victim.Name}, kube-proxy on the leader dropped the dead controller at {synced:F1} s; {failed} of {during.Count} failed between"));
        Assert.InRange(synced, C + 40, C + 62);
        var (lo, hi) = Tolerances.BinomialRegion(during.Count, 0.5);
        Assert.InRange(failed, lo, hi);
        Assert.All(Of(outcomes).Where(o => o.StartS >= synced + 0.1), o => Assert.True(o.Success));
        Assert.All(Of(outcomes).Where(o => o.StartS < C - 0.5), o => Assert.True(o.Success));
    }
}

/// <summary>Ingress rules as the networking.k8s.io/v1 API orders them.</summary>
public sealed class IngressRouteTests
{
    private static readonly IngressRoute[] Routes =
    [
        new("", "/", IngressPathType.Prefix, "root"),
        new("", "/ip", IngressPathType.Prefix, "ip"),
        new("", "/ip/exact", IngressPathType.Exact, "exact"),
        new("shop.example", "/", IngressPathType.Prefix, "shop"),
    ];

    [Theory]
    [InlineData("", "/", "root")]
    [InlineData("", "/ip", "ip")]
    [InlineData("", "/ip/", "ip")]
    [InlineData("", "/ip/x", "ip")]
    [InlineData("", "/ipx", "root")] // a Prefix matches whole path elements
    [InlineData("", "/ip/exact", "exact")] // Exact before Prefix
    [InlineData("", "/ip/exact/more", "ip")]
    [InlineData("shop.example", "/ip", "shop")] // the request's host before host-less rules
    [InlineData("other.example", "/ip", "ip")]
    public void A_Request_Takes_The_Most_Specific_Rule(string host, string path, string service)
    {
        Assert.Equal(service, IngressRoute.Match(Routes, host, path));
    }

    [Fact]
    public void Without_A_Matching_Rule_The_Default_Backend_Or_Nothing()
    {
        IngressRoute[] rules = [new("", "/api", IngressPathType.Prefix, "api")];
        Assert.Null(IngressRoute.Match(rules, "", "/"));
        Assert.Equal("fallback", IngressRoute.Match([.. rules, new("", "", IngressPathType.Prefix, "fallback")], "", "/"));
    }
}

/// <summary>Requests through ingress-nginx follow their group's Ingress rule; none matching is a 404.</summary>
public sealed class IngressRoutingTests
{
    [Fact]
    public void A_Group_No_Rule_Matches_Gets_404_While_A_Routed_Group_Is_Served()
    {
        // Given one group the Ingress rules route to lb-nginx and one they route nowhere
        var ingress = new IngressNginxAccess("ingress-nginx", new IngressController(1, 2, 4096, 0.0002, 5, TrafficPolicy.Cluster, TestScenarios.NodePortTo("192.168.1.10")));
        var routed = TestScenarios.Clients(20) with { IngressService = "lb-nginx" };
        var lost = TestScenarios.Clients(20) with { Name = "lost", IngressService = "" };
        var spec = TestScenarios.Seed(durationS: 20, variants: [ingress]) with { Clients = [routed, lost] };
        var ledger = new OutcomeLedger();

        // When they send
        new VariantRunner(spec, ingress, 0, ledger).Run();

        // Then the routed group's requests are all served, the other's all answered 404 (no_route) at once
        var byGroup = ledger.Outcomes.Count;
        Assert.True(byGroup > 500, $"{byGroup}");
        Assert.Contains(ledger.Outcomes, o => o.Success);
        var failed = ledger.Outcomes.Where(o => !o.Success).ToList();
        Assert.InRange(failed.Count, byGroup * 0.4, byGroup * 0.6);
        Assert.All(failed, o => Assert.Equal(FailureCause.NoRoute, o.Cause));
        Assert.All(failed, o => Assert.True(o.End - o.Start < Time.FromSeconds(0.1)));
    }
}
