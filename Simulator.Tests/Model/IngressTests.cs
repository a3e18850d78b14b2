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
    public void The_Tls_Handshake_Raises_Controller_Utilisation_By_Rate_Times_Its_Cpu_Over_Workers_For_Tls_Hosts_Only()
    {
        // Given one controller pod with 2 workers and 0.2 ms of CPU per request, and two groups of 200 requests/s,
        // each request on a new client connection: one asks for a host of an Ingress tls section (HTTPS), the
        // other for a plain HTTP host; once with no TLS cost, once with 1 ms of CPU per TLS handshake
        const double Rate = 200, TlsS = 0.001, RequestCpuS = 0.0002, DurationS = 60, WarmupS = 5;
        const int Workers = 2;
        var secure = TestScenarios.Clients(Rate) with { Name = "secure", Tls = true };
        var plainGroup = TestScenarios.Clients(Rate) with { Name = "plain" };
        double Utilisation(double tls)
        {
            var ingress = Ingress(tlsS: tls, workers: Workers);
            var spec = TestScenarios.Seed(rate: Rate, durationS: DurationS, warmupS: WarmupS, variants: [ingress]) with { Clients = [secure, plainGroup] };
            var run = new VariantRunner(spec, ingress, 0).Run();
            var windows = run.Pods.Where(p => p.Pod.Contains(IngressNginxKind.ControllerName, StringComparison.Ordinal)).ToList();
            return windows.Average(w => w.Utilization);
        }

        // When both run on the same arrivals
        double plain = Utilisation(0), tls = Utilisation(TlsS);

        // Then utilisation is 2 x rate x requestCpu / workers = 0.04 without TLS, and rises by rate x
        // tlsHandshakeCpu / workers = 0.1 with it: the secure group's connections only. The rise is the secure
        // group's connection count times the handshake's CPU, so its noise is that count's: Poisson over
        // rate x (duration - warmup) = 11000 arrivals, a relative standard deviation of 1/sqrt(11000) = 0.95 %;
        // the tolerance is the 99.9 % interval of it (z = 3.29), and it must be narrow (under 5 %).
        double expected = Rate * TlsS / Workers;
        double n = Rate * (DurationS - WarmupS);
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.9995);
        double rel = z / Math.Sqrt(n);
        output.WriteLine(Inv($"utilisation plain {plain:F4}, with TLS {tls:F4}, rise {tls - plain:F4}, expected {expected:F4} ± {rel:P1}"));
        Assert.True(rel < 0.05, $"the interval ±{rel:P1} is too wide to mean anything");
        double plainExpected = 2 * Rate * RequestCpuS / Workers;
        Assert.InRange(plain, plainExpected * (1 - rel), plainExpected * (1 + rel));
        Assert.InRange(tls - plain, expected * (1 - rel), expected * (1 + rel));
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
    public void A_Backend_Service_Without_Endpoints_Answers_503_At_Once()
    {
        // Given a group the Ingress rules route to a Service whose selector matches no pod
        var ingress = new IngressNginxAccess("ingress-nginx", new IngressController(1, 2, 4096, 0.0002, 5, TrafficPolicy.Cluster, TestScenarios.NodePortTo("192.168.1.10")));
        var empty = new ServiceSpec("empty", ServiceType.ClusterIP, new Dictionary<string, string> { ["app"] = "none" }, [new ServicePortSpec("http", 80, 80, 0)]);
        var group = TestScenarios.Clients(20) with { IngressService = "empty" };
        var spec = TestScenarios.Seed(durationS: 20, variants: [ingress]) with { Clients = [group] };
        spec = spec with { Services = [.. spec.Services, empty] };
        var ledger = new OutcomeLedger();

        // When it sends
        new VariantRunner(spec, ingress, 0, ledger).Run();

        // Then every request is answered 503 (refused) by the controller, without a connect timeout
        Assert.True(ledger.Outcomes.Count > 200, $"{ledger.Outcomes.Count}");
        Assert.All(ledger.Outcomes, o => Assert.False(o.Success));
        Assert.All(ledger.Outcomes, o => Assert.Equal(FailureCause.Refused, o.Cause));
        Assert.All(ledger.Outcomes, o => Assert.True(o.End - o.Start < Time.FromSeconds(0.1)));
    }

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

/// <summary>ingress-nginx's ewma balancer (balancer/ewma.lua) against its formulas, then against round robin.</summary>
public sealed class IngressEwmaTests(ITestOutputHelper output)
{
    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class Peer(string name)
    {
        public override string ToString() => name;
    }

    private static long S(double seconds) => Time.FromSeconds(seconds);

    [Fact]
    public void Scores_Move_Towards_Each_Rtt_And_Decay_Towards_Zero_With_A_10s_Time_Constant()
    {
        // Given a peer observed once at 1 s (200 ms) and once at 3 s (100 ms)
        var b = new EwmaBalancer<Peer>();
        var p = new Peer("p");
        b.Observe(p, S(0.2), S(1));
        double first = b.Score(p, S(1));
        double later = b.Score(p, S(11));
        b.Observe(p, S(0.1), S(3));

        // Then the first observation is the rtt itself (ewma.lua starts at 0 touched at the epoch), a read decays
        // it by exp(-Δt/10 s), and the second moves it by weight exp(-2 s/10 s)
        Assert.Equal(0.2, first, 12);
        Assert.Equal(0.2 * Math.Exp(-1), later, 12);
        double w = Math.Exp(-0.2);
        Assert.Equal((0.2 * w) + (0.1 * (1 - w)), b.Score(p, S(3)), 12);
        Assert.Equal(0, b.Score(new Peer("unknown"), S(3)));
    }

    [Fact]
    public void The_Lower_Decayed_Score_Of_Two_Random_Peers_Wins_And_Tried_Peers_Are_Left_Out()
    {
        // Given two peers, a scored 50 ms at 0 s and b 30 ms at 9 s: at 10 s a has decayed to 50·e^-1 = 18 ms,
        // below b's 30·e^-0.1 = 27 ms
        var b = new EwmaBalancer<Peer>();
        Peer a = new("a"), c = new("b");
        b.Observe(a, S(0.05), 0);
        b.Observe(c, S(0.03), S(9));
        var random = new Random(1);
        Peer[] peers = [a, c];

        // Then a fresh request takes a whatever the draw; a retry that tried a takes b; one that tried both takes a again
        for (int i = 0; i < 20; i++)
        {
            var tried = new List<Peer>();
            Assert.Same(a, b.Pick(peers, tried, random, S(10)));
            Assert.Same(c, b.Pick(peers, tried, random, S(10)));
            Assert.Same(a, b.Pick(peers, tried, random, S(10)));
            Assert.Equal([a, c, a], tried);
        }
    }

    [Fact]
    public void New_Endpoints_Start_At_The_Mean_Score_And_Removed_Ones_Are_Forgotten()
    {
        var b = new EwmaBalancer<Peer>();
        Peer a = new("a"), c = new("c"), d = new("d"), e = new("e");
        b.Observe(a, S(0.01), S(1));
        b.Observe(c, S(0.03), S(1));
        b.Sync([a, c], [a, c, d], S(5));
        Assert.Equal(0.02, b.Score(d, S(5)), 12); // the mean of the stored scores, touched now
        b.Sync([a, c, d], [c, d, e], S(6));
        Assert.Equal(0, b.Score(a, S(6)));
        Assert.Equal(3, b.Count);
        Assert.Equal((0.03 + 0.02) / 2, b.Score(e, S(6)), 12);
    }

    /// <summary>
    /// One controller pod, upstream connections kept alive and links that take no time, in front of four pods of
    /// one Service: three answer in <paramref name="fastS"/>, one in <paramref name="slowS"/>, each with workers to
    /// spare; <paramref name="rate"/> requests/s. Returns the tries after a 10 s warm-up, the times the slow pod
    /// was chosen, and the requests' mean latency.
    /// </summary>
    private static (long Picks, List<double> SlowPicks, double MeanLatency) Run(IngressBalance balance, double fastS, double slowS, double rate, double durationS)
    {
        var ingress = new IngressNginxAccess("ingress-nginx", new IngressController(1, 4, 4096, 0.0002, 5, TrafficPolicy.Cluster, TestScenarios.NodePortTo("192.168.1.10")),
            Balance: balance);
        var fast = TestScenarios.Nginx(3, new PodCapacity(64, 1000, Distribution.Constant(fastS)), ["w1", "w2", "w3"]);
        var slow = TestScenarios.Nginx(1, new PodCapacity(64, 1000, Distribution.Constant(slowS)), ["w4"]) with { Name = "deploy-slow" };
        var clients = TestScenarios.Clients(rate, clients: 20, timeoutS: 5) with { Connection = new ConnectionSpec(ConnectionReuse.KeepAlive) };
        var spec = TestScenarios.Seed(durationS: durationS, variants: [ingress], workers: 5, network: TestScenarios.Instant, warmupS: 10)
            with { PodSources = [fast, slow], Clients = [clients] };
        var ledger = new OutcomeLedger();
        var runner = new VariantRunner(spec, ingress, 0, ledger);
        var door = (IngressNginxFrontDoor)runner.FrontDoor;
        long picks = 0;
        var slowPicks = new List<double>();
        long from = Time.FromSeconds(10);
        door.Chosen = (_, upstream) =>
        {
            if (runner.Simulation.Now >= from)
            {
                picks++;
                if (upstream.Source.Spec.Name == "deploy-slow")
                {
                    slowPicks.Add(Time.ToSeconds(runner.Simulation.Now));
                }
            }
        };
        runner.Run();
        var after = ledger.Outcomes.Where(o => o.Start >= from && o.Success).ToList();
        return (picks, slowPicks, after.Average(o => Time.ToSeconds(o.End - o.Start)));
    }

    [Fact]
    public void Ewma_Sends_A_Slow_Upstream_Far_Less_Than_Round_Robins_One_In_N()
    {
        // Given one slow pod (s = 50 ms) among N = 4 (f = 10 ms), 400 requests/s
        const int N = 4;
        const double F = 0.01, Slow = 0.05, Rate = 400, DurationS = 75;
        const double Decay = EwmaBalancer<object>.DecayTimeS;

        // When the same requests go through round robin and through ewma
        var rr = Run(IngressBalance.RoundRobin, F, Slow, Rate, DurationS);
        var ewma = Run(IngressBalance.Ewma, F, Slow, Rate, DurationS);

        // Then round robin gives it 1/N of the tries, exactly (it is cyclic), and a mean latency of (3f + s)/4
        double rrShare = (double)rr.SlowPicks.Count / rr.Picks;
        output.WriteLine(Inv($"round robin: slow share {rrShare:P2} of {rr.Picks} (1/N = {1.0 / N:P0}), mean latency {rr.MeanLatency * 1000:F2} ms"));
        Assert.InRange(rrShare, (1.0 / N) - (1.0 / rr.Picks), (1.0 / N) + (1.0 / rr.Picks));
        Assert.InRange(rr.MeanLatency, ((3 * F) + Slow) / 4 * 0.98, ((3 * F) + Slow) / 4 * 1.02);

        // ewma.lua's score carries no count of requests in flight: once the slow pod's score has decayed below
        // the fast pods' f, every pair of draws holding it (2/N of the requests) picks it, until its first answer
        // comes back s later and lifts its score back to s (the weight of the old score, exp(-Δt/10 s) = f/s,
        // is small after the long decay). Its last answers come 2s after the burst began; from s the score
        // takes 10 s · ln(s/f) to decay to f again. So the slow pod gets bursts of 1 + Poisson(λ s 2/N) tries
        // every 2s + 10 s · ln(s/f) = 16.19 s: a share of about (1 + λ s 2/N) / (λ period) = 0.17 %.
        var bursts = new List<List<double>>();
        foreach (double t in ewma.SlowPicks)
        {
            if (bursts.Count == 0 || t - bursts[^1][^1] > 1)
            {
                bursts.Add([]);
            }
            bursts[^1].Add(t);
        }
        double period = (2 * Slow) + (Decay * Math.Log(Slow / F));
        var gaps = bursts.Zip(bursts.Skip(1), (a, b) => b[0] - a[0]).ToList();
        double share = (double)ewma.SlowPicks.Count / ewma.Picks;
        double theoryShare = (1 + (Rate * Slow * 2 / N)) / (Rate * period);
        output.WriteLine(Inv($"ewma: {bursts.Count} bursts of {string.Join(", ", bursts.Select(b => b.Count))} tries, {string.Join(", ", bursts.Select(b => b[0].ToString("F2", CultureInfo.InvariantCulture)))} s; gaps {string.Join(", ", gaps.Select(g => g.ToString("F2", CultureInfo.InvariantCulture)))} s (theory {period:F2} s)"));
        output.WriteLine(Inv($"ewma: slow share {share:P2} of {ewma.Picks} (theory {theoryShare:P2}), mean latency {ewma.MeanLatency * 1000:F2} ms"));
        Assert.InRange(gaps.Count, 3, 6);
        Assert.All(gaps, g => Assert.InRange(g, period * 0.98, period * 1.02));
        // The bursts after the first (which may have begun before the warm-up ended): 1 + Poisson(λ s 2/N) each,
        // their sum within its 99 % interval.
        var whole = bursts.Skip(1).ToList();
        double mean = whole.Count * Rate * Slow * 2 / N;
        double sum = whole.Sum(b => b.Count - 1);
        double half = 2.576 * Math.Sqrt(mean);
        Assert.InRange(sum, mean - half, mean + half);
        Assert.True(share < rrShare / 20, $"{share}");
        Assert.True(ewma.MeanLatency < F * 1.05, $"{ewma.MeanLatency}");
    }
}
