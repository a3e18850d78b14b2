using System.Globalization;
using Svcsim.Access;
using Svcsim.Dataplane;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Measurement;
using Svcsim.Network;
using Svcsim.Workload;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// TCP connections against Linux's documented behaviour and against theory: SYN resends, connection-level
/// balancing, ECMP rehash resets, conntrack pinning a keep-alive connection to a dead pod, and a full
/// conntrack table (kubernetes-behaviour.md, "Connections: TCP, conntrack and keep-alive").
/// </summary>
public sealed class ConnectionTests(ITestOutputHelper output)
{
    private static readonly ConnectionSpec KeepForever = new(ConnectionReuse.KeepAlive, MaxRequests: int.MaxValue, IdleTimeoutS: double.PositiveInfinity);

    [Fact]
    public void A_Connection_Whose_Path_Is_Dead_For_D_Seconds_Succeeds_On_Its_First_Syn_Sent_After_D()
    {
        // Given NodePort clients pinned to w1 (no pods there), w1 down from C = 20 s for D = 10 s with kube-proxy
        // back the moment it boots, and clients patient enough for several SYN resends (60 s)
        const double C = 20, D = 10;
        var clients = TestScenarios.Clients(20) with { TimeoutS = 60, ConnectTimeoutS = 60 };
        var spec = TestScenarios.Seed(rate: 20, durationS: 40, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(1))],
            pinned: ["w2", "w3"], faults: [new NodeCrash("w1", C, D)]) with
        { Clients = [clients], ControlPlane = new ControlPlaneSpec(NodeRejoinS: 0) };

        // When the clients send
        var ledger = OutcomeLedger.Run(spec, spec.Variants[0], 0, drainS: 120);

        // Then every request started at s while w1 was down succeeds, late: its SYNs leave at s, s + 1, s + 3,
        // s + 7 ... (2^k - 1 s), and the first one sent once w1 is back connects; the exchange after it takes
        // milliseconds on the LAN
        var during = ledger.Outcomes.Where(o => o.Start >= Time.FromSeconds(C) && o.Start < Time.FromSeconds(C + D)).ToList();
        Assert.True(during.Count > 150, $"{during.Count} requests during the outage");
        foreach (var o in during)
        {
            Assert.True(o.Success, $"the request started at {o.Start / 1e9:F3} s failed with {o.Cause}");
            int k = 1;
            while (o.Start + Tcp.SynSentAt(k) < Time.FromSeconds(C + D))
            {
                k++;
            }
            double latency = (o.End - o.Start) / 1e9, expected = Tcp.SynSentAt(k) / 1e9;
            Assert.InRange(latency, expected, expected + 0.1);
        }
        output.WriteLine(Inv($"{during.Count} requests started during the {D} s outage, all connected on the first SYN sent after it"));
    }

    [Fact]
    public void During_An_L2_Failover_Only_Connections_Whose_Last_Syn_Within_Their_Timeout_Leaves_Before_It_Ends_Fail()
    {
        // Given MetalLB L2 whose leader holds no pod and crashes at C = 20 s, and clients that give up after
        // 5 s (connect included): their SYNs leave at s, s + 1 and s + 3 (s + 7 is past the timeout)
        const double C = 20, Timeout = 5;
        var l2 = new MetalLbL2Access("metallb-l2");
        var names = new[] { "cp1", "w1", "w2", "w3", "w4" };
        string leader = MetalLbOrdering.Order(names, "192.168.1.11").First(n => n != "cp1");
        var clients = TestScenarios.Clients(200) with { TimeoutS = Timeout, ConnectTimeoutS = Timeout };
        var spec = TestScenarios.Seed(rate: 200, durationS: 40, variants: [l2], workers: 4, pinned: names.Where(n => n != "cp1" && n != leader).ToList(),
            faults: [new NodeCrash(leader, C)]) with
        { Clients = [clients] };
        long lastSyn = Enumerable.Range(0, Tcp.SynRetries + 1).Select(Tcp.SynSentAt).Last(t => t < Time.FromSeconds(Timeout));

        long started = 0, failed = 0;
        double predicted = 0;
        for (int rep = 0; rep < 3; rep++)
        {
            // When the leader crashes and the next node in MetalLB's order takes over after memberlist's
            // detection (the failover lasts D = F - C, about 5 s)
            var ledger = OutcomeLedger.Run(spec, l2, rep, drainS: 30);
            var run = new VariantRunner(spec, l2, rep).Run();
            double f = run.Events.Single(e => e.Kind == "metallb-l2-leader").TimeS;
            long end = Time.FromSeconds(f);

            // Then a connection started at s in [C, F) fails exactly when even its last SYN (s + 3 s) leaves
            // before F, with no answer from the dead node; all the others connect on a resend
            var during = ledger.Outcomes.Where(o => o.Start >= Time.FromSeconds(C) && o.Start < end).ToList();
            foreach (var o in during)
            {
                bool doomed = o.Start + lastSyn < end;
                Assert.True(doomed != o.Success, Inv($"rep {rep}: the request started at {o.Start / 1e9:F3} s (failover ends at {f:F3} s) {(o.Success ? "succeeded" : "failed")}"));
                if (!o.Success)
                {
                    Assert.Equal(FailureCause.NodeDown, o.Cause);
                }
            }
            // And their share is (D - 3)/D of the connections started during the failover
            double d = f - C;
            started += during.Count;
            failed += during.Count(o => !o.Success);
            predicted += during.Count * Math.Max(0, d - lastSyn / 1e9) / d;
            output.WriteLine(Inv($"rep {rep}: failover {d:F3} s, {during.Count(o => !o.Success)} of {during.Count} connections failed, (D - 3)/D = {(d - 3) / d:F3}"));
        }
        var (lo, hi) = Tolerances.BinomialRegion(started, predicted / started);
        Assert.InRange(failed, lo, hi);
    }

    [Fact]
    public void Long_Lived_Connections_Spread_Over_Pods_As_A_Multinomial_But_Their_Requests_Do_Not()
    {
        // Given 240 client machines that each keep one connection open forever, 6 pods, and all traffic
        // entering at cp1, whose kube-proxy picks a pod uniformly per new connection
        const int Pods = 6;
        var clients = TestScenarios.Clients(24, clients: 240) with { Connection = KeepForever };
        var spec = TestScenarios.Seed(rate: 24, durationS: 200, variants: [TestScenarios.NodePortTo("192.168.1.10")], replicas: Pods, warmupS: 0) with
        { Clients = [clients] };

        // When the clients send about 20 requests each
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then the connections per pod follow Multinomial(C, 1/6): the chi-square statistic is below its 99 %
        // quantile with 5 degrees of freedom; C is one per machine (plus the few a machine opened while its
        // connection was busy)
        var connections = run.Pods.GroupBy(p => p.Pod).Select(g => g.Sum(p => p.Connections)).ToList();
        var requests = run.Pods.GroupBy(p => p.Pod).Select(g => g.Sum(p => p.Requests)).ToList();
        double limit = Tolerances.ChiSquareQuantile(Pods - 1);
        double chiConnections = Tolerances.ChiSquareUniform(connections), chiRequests = Tolerances.ChiSquareUniform(requests);
        output.WriteLine(Inv($"connections per pod {string.Join(", ", connections)} (chi2 {chiConnections:F2}); requests per pod {string.Join(", ", requests)} (chi2 {chiRequests:F1}); limit {limit:F2}"));
        Assert.Equal(Pods, connections.Count);
        Assert.InRange(connections.Sum(), 240, 250);
        Assert.Equal(run.Summary.Connections, connections.Sum());
        Assert.True(chiConnections < limit, $"chi2 {chiConnections}");
        // And requests, which ride those connections about 20 at a time, are far from uniform over the pods
        Assert.True(chiRequests > 3 * limit, $"chi2 {chiRequests}");
        Assert.True(run.Summary.PodImbalanceMaxOverMean > 1.1, $"{run.Summary.PodImbalanceMaxOverMean}");
    }

    [Fact]
    public void With_One_Connection_Per_Request_Requests_Are_Balanced_Per_Request()
    {
        // Given the same cluster and clients, but a new connection for every request
        const int Pods = 6;
        var clients = TestScenarios.Clients(24, clients: 240);
        var spec = TestScenarios.Seed(rate: 24, durationS: 200, variants: [TestScenarios.NodePortTo("192.168.1.10")], replicas: Pods, warmupS: 0) with
        { Clients = [clients] };

        // When they send
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then every request had its own connection, and requests per pod follow Multinomial(n, 1/6)
        var connections = run.Pods.GroupBy(p => p.Pod).Select(g => g.Sum(p => p.Connections)).ToList();
        var requests = run.Pods.GroupBy(p => p.Pod).Select(g => g.Sum(p => p.Requests)).ToList();
        Assert.Equal(requests, connections);
        Assert.Equal(run.Summary.Requests, run.Summary.Connections);
        double chi = Tolerances.ChiSquareUniform(requests), limit = Tolerances.ChiSquareQuantile(Pods - 1);
        output.WriteLine(Inv($"requests per pod {string.Join(", ", requests)} (chi2 {chi:F2}, limit {limit:F2})"));
        Assert.True(chi < limit, $"chi2 {chi}");
    }

    [Fact]
    public void An_Ecmp_Rehash_From_Three_To_Two_Next_Hops_Resets_Exactly_The_Established_Flows_The_Modulo_Hash_Moves()
    {
        // Given MetalLB BGP with BFD over three workers (w1 holds no pod), 300 client machines that each keep
        // one connection open, and w1 crashing at C = 30 s: BFD drops its route 0.9 s later and the router
        // hashes every flow modulo 2 instead of modulo 3
        const double C = 30;
        var bgp = new MetalLbBgpAccess("metallb-bgp", Bfd: true);
        var clients = TestScenarios.Clients(60, clients: 300, timeoutS: 2) with { Connection = KeepForever };
        var spec = TestScenarios.Seed(rate: 60, durationS: 100, variants: [bgp], pinned: ["w2", "w3"], faults: [new NodeCrash("w1", C)]) with
        { Clients = [clients] };
        var runner = new VariantRunner(spec, bgp, 0);
        var door = (MetalLbBgpFrontDoor)runner.FrontDoor;
        var service = runner.Model.Service("lb-nginx");
        IReadOnlyList<Node> before = [], after = [];
        IReadOnlyList<ulong> flows = [];
        runner.Simulation.ScheduleAt(Time.FromSeconds(C) - 1, () =>
        {
            before = door.Routes(service).ToList();
            flows = runner.Groups[0].Established().Select(c => c.FlowHash).ToList();
        });
        runner.Simulation.ScheduleAt(Time.FromSeconds(C + 5), () => after = door.Routes(service).ToList());

        // When it runs on for a minute after the rehash (every machine sends again, 0.2 requests/s each)
        var run = runner.Run();
        var survivors = runner.Groups[0].Established().Select(c => c.FlowHash).ToHashSet();

        // Then a flow moves when its next hop changes (h mod 3 and h mod 2 pick different nodes; every flow of
        // w1 moves), and exactly the moved flows' connections end, on their next packet: reset by the node
        // that now gets them (no conntrack entry there), or, if a request was in flight through w1, given up.
        // Every flow that kept its next hop is still established at the end.
        Assert.Equal(3, before.Count);
        Assert.Equal(2, after.Count);
        var moved = flows.Where(h => before[(int)(h % 3)] != after[(int)(h % 2)]).ToHashSet();
        var ended = flows.Where(h => !survivors.Contains(h)).ToHashSet();
        var s = run.Summary;
        output.WriteLine(Inv($"{flows.Count} established flows, {moved.Count} moved ({(double)moved.Count / flows.Count:F3}; modulo hashing moves 2/3), {ended.Count} ended; reset {s.ConnectionsReset}, hung {s.ConnectionsHung}"));
        Assert.InRange(flows.Count, 280, 320);
        Assert.True(moved.SetEquals(ended), "the connections that ended are not the moved ones");
        // And the run counted them: one reset (or hang) each, plus at most a few of the connections opened
        // after the snapshot (a machine's second connection while its first was busy)
        Assert.InRange(s.ConnectionsReset + s.ConnectionsHung - moved.Count, 0, 3);
        var (lo, hi) = Tolerances.BinomialRegion(flows.Count, 2.0 / 3);
        Assert.InRange(moved.Count, lo, hi);
    }

    [Fact]
    public void A_Keep_Alive_Connection_On_A_Dead_Pod_Fails_Until_The_Client_Times_Out_And_Reconnects()
    {
        // Given one user on one machine sending every 0.5 s over one keep-alive connection to cp1's node port,
        // kube-proxy in IPVS round robin (so the first connection goes to the first endpoint, on w2, and the
        // next one to the second, on w3), a 2 s timeout, and w2 crashing at C = 30 s
        const double C = 30;
        var user = new ClientGroupSpec("web", "lb-nginx", "np-nginx", 1, 0, 1, Distribution.Constant(0.5),
            Distribution.Constant(500), Distribution.Constant(2000), 2, 2, 0, Distribution.Constant(0), Connection: KeepForever);
        var spec = TestScenarios.Seed(durationS: 120, variants: [TestScenarios.NodePortTo("192.168.1.10")], replicas: 2, pinned: ["w2", "w3"],
            proxy: KubeProxySpec.Default with { Mode = ProxyMode.Ipvs }, faults: [new NodeCrash("w2", C)]) with
        { Clients = [user] };

        // When it runs
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then the first request after the crash goes where conntrack keeps the connection, the dead pod, and
        // fails when the client's timeout ends it; the client gives the connection up, reconnects, and every
        // later request succeeds on the new connection, long before the control plane notices (50 s)
        var s = run.Summary;
        output.WriteLine(Inv($"{s.Requests} requests, {s.Failed} failed ({string.Join(", ", FailureCauses.All.Where(c => s.FailedByCause[(int)c.Cause] > 0).Select(c => c.Name))}), connections opened {s.Connections}, hung {s.ConnectionsHung}"));
        Assert.Equal(1, s.Failed);
        Assert.Equal(1, s.FailedByCause[(int)FailureCause.DeadEndpoint] + s.FailedByCause[(int)FailureCause.InFlightLost]);
        Assert.Equal(1, s.ConnectionsHung);
        Assert.Equal(1, s.Connections); // the reconnection (the first connection was opened during warm-up)
        var failedWindow = Assert.Single(run.Windows, w => w.Requests > w.Succeeded);
        Assert.InRange(failedWindow.StartS, C - 5, C + 1);
    }

    [Fact]
    public void With_One_Connection_Per_Request_Every_Other_New_Connection_Fails_Until_Kube_Proxy_Drops_The_Dead_Pod()
    {
        // Given the same user, cluster and crash, but a new connection for every request: IPVS round robin
        // alternates the two endpoints, one of them dead until kube-proxy on cp1 applies the EndpointSlice
        // that marks it not ready (grace period 50 s, then the sync)
        const double C = 30;
        var user = new ClientGroupSpec("web", "lb-nginx", "np-nginx", 1, 0, 1, Distribution.Constant(0.5),
            Distribution.Constant(500), Distribution.Constant(2000), 2, 2, 0, Distribution.Constant(0));
        var spec = TestScenarios.Seed(durationS: 120, variants: [TestScenarios.NodePortTo("192.168.1.10")], replicas: 2, pinned: ["w2", "w3"],
            proxy: KubeProxySpec.Default with { Mode = ProxyMode.Ipvs }, faults: [new NodeCrash("w2", C)]) with
        { Clients = [user] };

        // When it runs
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();
        double synced = run.Events.Where(e => e.Kind == "kube-proxy-sync" && e.Node == "cp1" && e.TimeS > C).Min(e => e.TimeS);

        // Then between the crash and that sync, every other connection goes to the dead pod and fails after
        // the connect timeout; after it, none fails
        var windows = run.Windows;
        long failed = run.Summary.Failed;
        long during = windows.Where(w => w.StartS >= C && w.EndS <= synced).Sum(w => w.Requests);
        output.WriteLine(Inv($"kube-proxy on cp1 dropped the dead pod at {synced:F1} s; {failed} failed of {during} requests in the windows between"));
        Assert.InRange(synced, C + 40, C + 62);
        Assert.All(windows.Where(w => w.StartS >= synced + 3), w => Assert.Equal(w.Requests, w.Succeeded));
        Assert.Equal(failed, run.Summary.FailedByCause[(int)FailureCause.DeadEndpoint] + run.Summary.FailedByCause[(int)FailureCause.InFlightLost]);
        // A failed request costs the 2 s timeout and a success about 0.5 s, so failures are a fifth of the
        // requests sent during the grace period, and about half of the connections made to each endpoint
        long successesDuring = windows.Where(w => w.StartS >= C && w.EndS <= synced).Sum(w => w.Succeeded);
        Assert.InRange(failed, successesDuring - 2, successesDuring + 2);
        Assert.True(failed > 10);
    }

    [Fact]
    public void A_Conntrack_Table_Fills_When_New_Connections_Outlive_Its_Size_And_Drops_From_The_Predicted_Connection_On()
    {
        // Given cp1's conntrack table limited to 1,000 entries, every connection entering there (NodePort to
        // cp1), one connection per request at 50/s, and entries lingering 120 s after their connection closes
        const int Max = 1000;
        var spec = TestScenarios.Seed(rate: 50, durationS: 60, variants: [TestScenarios.NodePortTo("192.168.1.10")]) with
        {
            Nodes = [TestScenarios.ControlPlane with { ConntrackMax = Max }, .. TestScenarios.Workers(3)],
            Clients = [TestScenarios.Clients(50, timeoutS: 2)],
        };
        Assert.True(spec.Clients[0].Rate > Max / spec.KubeProxy.Conntrack.TimeWaitTimeoutS, "the arrival rate outruns the table");

        // When the clients send
        var ledger = OutcomeLedger.Run(spec, spec.Variants[0], 0, drainS: 10);
        var starts = OutcomeLedger.ExpectedStarts(spec, 0);

        // Then the table holds the entries of the first 1,000 connections (open or in TIME_WAIT, none old
        // enough to expire), so the 1,001st connection is the first dropped, and every one after it too,
        // each failing with conntrack_full when its connect timeout ends
        var byStart = ledger.Outcomes.ToDictionary(o => o.Start);
        Assert.All(starts.Take(Max), t => Assert.True(byStart[t].Success));
        Assert.All(starts.Skip(Max), t => Assert.Equal((false, FailureCause.ConntrackFull), (byStart[t].Success, byStart[t].Cause)));
        output.WriteLine(Inv($"drops started at {starts[Max] / 1e9:F3} s, the {Max + 1}st connection (predicted at about {Max / 50.0:F0} s)"));
    }

    [Fact]
    public void A_Conntrack_Table_That_Entries_Expire_From_Fast_Enough_Never_Fills()
    {
        // Given the same 1,000-entry table, and 5 new connections/s living 120 s each: 600 entries at most
        var spec = TestScenarios.Seed(rate: 5, durationS: 300, variants: [TestScenarios.NodePortTo("192.168.1.10")]) with
        {
            Nodes = [TestScenarios.ControlPlane with { ConntrackMax = 1000 }, .. TestScenarios.Workers(3)],
            Clients = [TestScenarios.Clients(5, timeoutS: 2)],
        };

        // When the clients send for 300 s, then nothing is dropped
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();
        Assert.Equal(0, run.Summary.FailedByCause[(int)FailureCause.ConntrackFull]);
        Assert.Equal(run.Summary.Requests, run.Summary.Succeeded);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
