using Svcsim.Reports;
using System.Globalization;
using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Measurement;
using Svcsim.Workload;
using Xunit.Abstractions;

using Svcsim.Network;

namespace Svcsim.Tests.Model;

/// <summary>
/// What faults cost and how long the cluster takes to react, against the timings of
/// kubernetes-behaviour.md: pinned NodePort clients, the node-monitor grace period, MetalLB's
/// memberlist, node IP changes, eviction and rescheduling.
/// </summary>
public class FaultReactionTests(ITestOutputHelper output)
{
    [Fact]
    public void NodePort_Client_Pinned_To_A_Node_Down_D_Of_T_Seconds_Loses_About_D_Over_T_Of_Its_Requests()
    {
        // Given NodePort clients pinned to w1, which holds no pod (the 3 pods are on w2 and w3, so
        // kube-proxy on w1 forwards everything and only w1 being down can fail a request), and w1 down
        // for D = 15 s of the T = 60 s measured (crash at 20 s, back at 35 s); clients give up connecting
        // after L = 3 s
        const double D = 15, T = 60, Crash = 20;
        // (kubelet rejoins the moment the node boots, so the node's services return with it: the outage
        // is the down time alone; the rejoin delay has its own test below)
        var spec = TestScenarios.Seed(rate: 100, durationS: 5 + T, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(1))],
            pinned: ["w2", "w3"], faults: [new NodeCrash("w1", Crash, D)]) with { ControlPlane = new ControlPlaneSpec(NodeRejoinS: 0) };
        double connectTimeout = spec.Clients[0].ConnectTimeoutS;

        // When the clients send
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then a connection started at s during the down time fails unless one of its SYNs is sent after w1 is
        // back and before the connect timeout: Linux resends at s + 1, s + 3, s + 7 ... s, so with L = 3 s only
        // the resend at s + 1 can: requests started in [Crash, Crash + D - 1) fail with no answer from their
        // node, those in the last second of the down time succeed on their resend, and all others succeed
        double resend = Tcp.SynSentAt(1) / 1e9;
        Assert.True(Tcp.SynSentAt(2) / 1e9 >= connectTimeout, "the second resend comes after the connect timeout");
        double lostS = D - resend;
        var s = run.Summary;
        long nodeDown = s.FailedByCause[(int)FailureCause.NodeDown];
        long inFlight = s.FailedByCause[(int)FailureCause.InFlightLost];
        Assert.All(run.Windows.Where(w => w.StartS >= Crash && w.EndS <= Crash + lostS), w => Assert.Equal(w.Requests, w.FailedByCause[(int)FailureCause.NodeDown]));
        Assert.All(run.Windows.Where(w => w.StartS >= Crash + D || w.EndS <= Crash), w => Assert.Equal(w.Requests, w.Succeeded + w.FailedByCause[(int)FailureCause.InFlightLost]));
        // And their share is (D - 1)/T: given n Poisson arrivals in T, each falls in the lost part of the down
        // time with probability (D - 1)/T, so the count lies in the exact 99 % region of Binomial(n, (D - 1)/T)
        var (lo, hi) = Tolerances.BinomialRegion(s.Requests, lostS / T);
        output.WriteLine(Inv($"lost {nodeDown} of {s.Requests} to node_down ({(double)nodeDown / s.Requests:F4}, (D - 1)/T = {lostS / T:F4}, region [{lo}, {hi}]) and {inFlight} in flight at the crash"));
        Assert.InRange(nodeDown, lo, hi);
        // And the edge effect is the requests in flight at the crash: λ·E[response] ≈ 100/s × 6 ms = 0.6 on
        // average (Little's law), so more than 5 (Poisson tail < 1e-3) would be a bug
        Assert.Equal(s.Failed, nodeDown + inFlight);
        Assert.InRange(inFlight, 0, 5);
    }

    [Fact]
    public void A_Booted_Node_Refuses_Node_Port_Connections_Until_Its_Kubelet_Has_Started_Kube_Proxy()
    {
        // Given NodePort clients pinned to w1 (no pods there), w1 down from 20 s to 35 s, and kubelet
        // rejoining 10 s after boot (iptables rules do not survive a reboot; kube-proxy is a DaemonSet pod)
        var spec = TestScenarios.Seed(rate: 100, durationS: 65, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(1))],
            pinned: ["w2", "w3"], faults: [new NodeCrash("w1", 20, 15)]) with { ControlPlane = new ControlPlaneSpec(NodeRejoinS: 10) };

        // When the clients send
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then requests started between the boot and kubelet's return are refused, and none after it fail
        Assert.All(run.Windows.Where(w => w.StartS >= 35 && w.EndS <= 45), w => Assert.Equal(w.Requests, w.FailedByCause[(int)FailureCause.Refused]));
        Assert.All(run.Windows.Where(w => w.StartS >= 45), w => Assert.Equal(w.Requests, w.Succeeded));
        Assert.Contains(run.Events, e => e.Kind == "kubelet-start" && Math.Abs(e.TimeS - 45) < 1e-6);
    }

    [Fact]
    public void NodePort_Availability_Under_Random_Failures_Of_The_Pinned_Node_Converges_To_Mtbf_Over_Mtbf_Plus_Mttr()
    {
        // Given NodePort clients pinned to w1 (no pods there) and w1 failing at random: exponential up
        // times with MTBF 30 s and repairs with MTTR 10 s, so A = 30 / 40 = 0.75
        const double Mtbf = 30, Mttr = 10;
        var spec = TestScenarios.Seed(rate: 10, durationS: 1050, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(1))],
            pinned: ["w2", "w3"], faults: [new RandomNodeFailures(["w1"], Distribution.Exponential(Mtbf), Distribution.Exponential(Mttr))],
            warmupS: 50) with
        { Seed = 3, ControlPlane = new ControlPlaneSpec(NodeRejoinS: 0) }; // repair time includes kubelet's return

        // When 10 replications run 1000 s each after a 50 s warm-up
        var availability = new List<double>();
        for (int rep = 0; rep < 10; rep++)
        {
            availability.Add(new VariantRunner(spec, spec.Variants[0], rep).Run().Summary.Availability);
        }

        // Then the share of requests answered converges to the node's steady-state availability: Poisson
        // arrivals see time averages, so it is the share of time w1 is up. The replications are i.i.d.,
        // so MTBF/(MTBF+MTTR) lies in their 99 % t-interval. (The run starts with w1 up: P(up at t) exceeds A
        // by (1 - A) e^{-t (1/MTBF + 1/MTTR)}, 3e-4 at the end of the 50 s warm-up and falling, negligible
        // against a half-width of a few percent.)
        double theory = Mtbf / (Mtbf + Mttr);
        var ci = ConfidenceIntervals.Of(availability, 0.99);
        output.WriteLine(Inv($"availability {ci}, MTBF/(MTBF+MTTR) = {theory}"));
        Assert.True(ci.Contains(theory), Inv($"{theory} outside {ci}"));
    }

    [Theory]
    [InlineData(50, 3, "w3", 1)] // Kubernetes >= 1.32; w3 holds 1 of 3 endpoints
    [InlineData(40, 4, "w1", 2)] // up to 1.31; w1 holds 2 of 4 endpoints (spreading puts the 4th pod there)
    public void During_The_Grace_Period_Connections_Through_Survivors_Fail_In_The_Dead_Nodes_Share_Until_Kube_Proxy_Resyncs(
        double grace, int replicas, string dead, int deadPods)
    {
        // Given Cluster policy, NodePort clients spread over the two surviving workers, 1 s windows, and a
        // control plane with the given node-monitor-grace-period
        var survivors = Enumerable.Range(1, 3).Where(i => $"w{i}" != dead).ToList();
        var access = new NodePortAccess("nodeport", survivors.Select(TestScenarios.WorkerIp).ToList(), NodePortAssignment.Spread);
        const double Crash = 30.5;
        var cp = ControlPlaneSpec.Default with { NodeMonitorGracePeriodS = grace };
        var spec = TestScenarios.Seed(rate: 100, durationS: Crash + grace + 20, variants: [access], replicas: replicas,
            faults: [new NodeCrash(dead, Crash)]) with
        { ControlPlane = cp, Measurement = new MeasurementSpec(WarmupS: 5, WindowS: 1) };

        // When the node crashes for good
        var run = new VariantRunner(spec, access, 0).Run();

        // Then the control plane marks it NotReady at a monitor tick more than the grace period after its
        // last lease (renewed every 10 s): between grace - lease and grace + monitor period after the crash,
        double notReady = run.Events.Single(e => e.Kind == "node-not-ready" && e.Node == dead).TimeS;
        Assert.InRange(notReady - Crash, grace - cp.LeaseRenewS, grace + cp.NodeMonitorPeriodS);
        // on the controller's own tick grid, which starts at this replication's phase of the monitor timer
        double phase = Time.ToSeconds(new RandomStreams(spec.Seed, 0).Phase("node-monitor", Time.FromSeconds(cp.NodeMonitorPeriodS)));
        Assert.Equal(0, Math.IEEERemainder(notReady - phase, cp.NodeMonitorPeriodS), 9);
        // And each surviving entry node's kube-proxy applies the change an EndpointSlice delay plus one sync
        // (50-500 ms by default) later
        var syncs = survivors.Select(i => run.Events.First(e => e.Kind == "kube-proxy-sync" && e.Node == $"w{i}" && e.TimeS > notReady).TimeS).ToList();
        Assert.All(syncs, t => Assert.InRange(t - notReady, cp.EndpointSliceDelayS + 0.05 - 1e-9, cp.EndpointSliceDelayS + 0.5 + 1e-9));

        // And before the crash nothing failed
        Assert.All(run.Windows.Where(w => w.EndS <= Crash), w => Assert.Equal(w.Requests, w.Succeeded));
        // And until NotReady, new connections failed in the dead node's share of endpoints, all of them sent
        // to its dead pods: each connection picks uniformly among the endpoints kube-proxy still lists, so the
        // count lies in the exact 99 % region of Binomial(n, deadPods / replicas)
        var inGrace = run.Windows.Where(w => w.StartS >= Math.Ceiling(Crash) && w.EndS <= notReady).ToList();
        long n = inGrace.Sum(w => w.Requests);
        long failed = inGrace.Sum(w => w.Requests - w.Succeeded);
        long deadEndpoint = inGrace.Sum(w => w.FailedByCause[(int)FailureCause.DeadEndpoint]);
        double share = deadPods / (double)replicas;
        var (lo, hi) = Tolerances.BinomialRegion(n, share);
        output.WriteLine(Inv($"grace {grace} s: NotReady {notReady - Crash:F1} s after the crash, kube-proxies synced {string.Join(", ", syncs.Select(t => (t - Crash).ToString("F2", CultureInfo.InvariantCulture)))} s after; failed {failed} of {n} ({(double)failed / n:F4}), share {share:F4}, region [{lo}, {hi}]"));
        Assert.Equal(failed, deadEndpoint);
        Assert.InRange(failed, lo, hi);
        // And once every entry node's kube-proxy has synced, nothing fails
        Assert.All(run.Windows.Where(w => w.StartS >= syncs.Max()), w => Assert.Equal(w.Requests, w.Succeeded));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(3.0)]
    public void MetalLb_L2_Clients_Are_Cut_Off_For_Memberlist_Detection_Plus_Arp_Time_And_No_Longer(double arpCacheS)
    {
        // Given MetalLB L2 on four workers, the pods on the three workers that are not the leader (so its
        // loss costs ingress only), and outage detection at 0.1 s resolution
        const double Crash = 20, Resolution = 0.1;
        var l2 = new MetalLbL2Access("metallb-l2", ArpCacheS: arpCacheS);
        var names = new[] { "cp1", "w1", "w2", "w3", "w4" };
        string leader = MetalLbOrdering.Order(names, "192.168.1.11").First(n => n != "cp1");
        var others = names.Where(n => n != "cp1" && n != leader).ToList();
        var spec = TestScenarios.Seed(rate: 200, durationS: 40, variants: [l2], workers: 4, pinned: others,
            faults: [new NodeCrash(leader, Crash)]) with
        { Measurement = new MeasurementSpec(WarmupS: 5, OutageResolutionS: Resolution) };
        // memberlist with 5 members: each of the 4 survivors first probes the dead one within 4 probe intervals,
        // and their confirmations arrive before the shortest suspicion (4 s) has run from the first suspicion
        double minSuspicion = MemberlistDetection.MinSuspicionS(5, l2.SuspicionMult, l2.ProbeIntervalS);
        double lower = l2.ProbeTimeoutS + minSuspicion, upper = 4 * l2.ProbeIntervalS + l2.ProbeTimeoutS + minSuspicion;

        for (int rep = 0; rep < 4; rep++)
        {
            // When the leader crashes
            var run = new VariantRunner(spec, l2, rep).Run();

            // Then memberlist declares it dead after the first probe of it, the probe timeout and the suspicion
            double detected = run.Events.Single(e => e.Kind == "memberlist-dead").TimeS - Crash;
            Assert.InRange(detected, lower, upper);
            // And the clients see exactly one outage, of no answer, as long as detection plus the ARP cache
            // time less the one second in which connections still succeed on their SYN resend (at +1 s, within
            // the 3 s connect timeout) once clients follow the new leader: measured in 0.1 s buckets, so it may
            // start one bucket early (requests in flight at the crash) and end one bucket off either way
            var outage = Assert.Single(run.Outages);
            output.WriteLine(Inv($"rep {rep}: detection {detected:F3} s, ARP {arpCacheS} s, outage {outage.StartS:F1}-{outage.EndS:F1} s ({outage.DurationS:F2} s, {outage.Cause})"));
            Assert.Equal(FailureCause.NodeDown, outage.Cause);
            double resend = Tcp.SynSentAt(1) / 1e9;
            Assert.InRange(outage.DurationS, detected + arpCacheS - resend - 2 * Resolution, detected + arpCacheS - resend + 2 * Resolution);
            Assert.InRange(outage.DurationS, lower + arpCacheS - resend - 2 * Resolution, upper + arpCacheS - resend + 2 * Resolution);
            Assert.InRange(outage.StartS, Crash - Resolution, Crash);
        }
    }

    [Fact]
    public void An_Ip_Change_Cuts_Off_NodePort_Clients_Pinned_To_That_Node_Until_Reconfiguration_And_No_Load_Balancer_Client()
    {
        // Given clients pinned to w1's address (reconfigured by an operator 10 s after a change), and clients
        // of MetalLB L2, MetalLB BGP and a cloud LB, with 1 s windows
        const double Change = 20, Reconfigure = 10;
        var nodePort = new NodePortAccess("nodeport", [TestScenarios.WorkerIp(1)], ReconfigureAfterS: Reconfigure);
        var variants = new AccessSpec[] { nodePort, new MetalLbL2Access("metallb-l2"), new MetalLbBgpAccess("metallb-bgp"),
            new CloudLbAccess("cloud-lb", HealthCheckSpec.Presets["gce"]) };
        var spec = TestScenarios.Seed(rate: 100, durationS: 45, variants: variants, faults: [new NodeIpChange("w1", Change, "192.168.1.201")]) with
        { Measurement = new MeasurementSpec(WarmupS: 5, WindowS: 1) };

        // When w1 changes its address
        var results = ExperimentRunner.Run(spec).Runs.ToDictionary(r => r.Variant);

        // Then every NodePort request started in the 10 s before reconfiguration fails (its address belongs
        // to nobody), and every other one succeeds
        var np = results["nodeport"];
        Assert.All(np.Windows, w =>
        {
            bool cut = w.StartS >= Change && w.EndS <= Change + Reconfigure;
            Assert.Equal(cut ? w.Requests : 0, w.FailedByCause[(int)FailureCause.StaleIp]);
            Assert.Equal(cut ? 0 : w.Requests, w.Succeeded);
        });
        // And the operator points them at w1's new address: after reconfiguration they still enter at w1
        var after = np.Nodes.Where(n => n.StartS >= Change + Reconfigure).GroupBy(n => n.Node).ToDictionary(g => g.Key, g => g.Sum(n => n.Requests));
        output.WriteLine($"nodeport: {np.Summary.FailedByCause[(int)FailureCause.StaleIp]} stale_ip of {np.Summary.Requests}; entries after reconfiguration {string.Join(", ", after.Select(e => $"{e.Key}={e.Value}"))}");
        Assert.Equal(after.Values.Sum(), after["w1"]);
        Assert.True(after["w1"] > 0);
        // And no load-balancer client notices: its address does not depend on node addresses
        foreach (var lb in variants.Skip(1))
        {
            var s = results[lb.Name].Summary;
            output.WriteLine($"{lb.Name}: {s.Failed} failed of {s.Requests}");
            Assert.Equal(s.Requests, s.Succeeded);
        }
    }

    [Fact]
    public void After_Eviction_And_Rescheduling_Per_Pod_Utilisation_Follows_Lambda_Over_Mu_Times_Ready_Pods()
    {
        // Given 3 single-worker pods (μ = 100/s), one per worker, Poisson arrivals λ = 120/s through w1, and
        // w3 crashing for good at 60.5 s
        const double Lambda = 120, Mu = 100, Crash = 60.5;
        var spec = TestScenarios.Seed(rate: Lambda, durationS: 520, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(1))],
            capacity: TestScenarios.SingleServer(Mu), network: TestScenarios.Instant, faults: [new NodeCrash("w3", Crash)]);

        // When the control plane notices, waits tolerationSeconds (300 s), evicts and reschedules
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();
        var ev = run.Events;
        double notReady = ev.Single(e => e.Kind == "node-not-ready").TimeS;
        double evicted = ev.Single(e => e.Kind == "pod-evicted").TimeS;
        var scheduled = ev.Single(e => e.Kind == "pod-scheduled");
        string replacement = scheduled.Detail.Split(' ')[0];
        double replacementReady = ev.Single(e => e.Kind == "pod-ready" && e.TimeS > evicted).TimeS;
        double FirstSyncAfter(double t) => ev.First(e => e.Kind == "kube-proxy-sync" && e.Node == "w1" && e.TimeS > t).TimeS;

        // Then eviction comes tolerationSeconds after NotReady and the replacement lands on a survivor
        Assert.Equal(spec.ControlPlane.TolerationSeconds, evicted - notReady, 6);
        Assert.Contains(scheduled.Detail.Split(' ')[^1], new[] { "w1", "w2" });

        // And in each phase the time-averaged utilisation of each live pod is λ / (μ · ready pods): 3 before
        // the crash, 2 once kube-proxy dropped w3's endpoint, 3 again once the replacement is ready and
        // synced. Windows are 5 s, about 25 relaxation times of these queues, so their per-window means
        // (averaged over the live pods) are nearly independent batch means: theory must lie in their 99 %
        // t-interval.
        var phases = new (string Name, double From, double To, int Ready)[]
        {
            ("before the crash", spec.Measurement.WarmupS, Crash, 3),
            ("w3's endpoint removed", FirstSyncAfter(notReady), evicted, 2),
            ("replacement ready", FirstSyncAfter(replacementReady), spec.DurationS, 3),
        };
        var cis = new List<Estimate>();
        foreach (var (name, from, to, ready) in phases)
        {
            var perWindow = run.Pods
                .Where(p => (p.Node != "w3" || to <= Crash) && p.StartS >= from && p.StartS + spec.Measurement.WindowS <= to)
                // The replacement is created at a window boundary and the collector then gives it an empty
                // row for the window that just ended, before it existed: not a live pod there.
                .Where(p => p.Pod != replacement || p.StartS >= evicted)
                .GroupBy(p => p.StartS)
                .Select(g => { Assert.Equal(ready, g.Count()); return g.Average(p => p.Utilization); })
                .ToList();
            double theory = Lambda / (Mu * ready);
            var ci = ConfidenceIntervals.Of(perWindow, 0.99);
            cis.Add(ci);
            output.WriteLine(Inv($"{name} [{from:F1}, {to:F1}): utilisation {ci} over 5 s windows, theory {theory:F4}"));
            Assert.True(ci.Contains(theory), Inv($"{name}: {theory} outside {ci}"));
        }
        // And the rise while w3's endpoint is gone is clear: the intervals do not overlap
        Assert.True(cis[1].Low > cis[0].High && cis[1].Low > cis[2].High, "utilisation did not rise while a pod was missing");
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
