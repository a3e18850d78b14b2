using Svcsim.Reports;
using System.Globalization;
using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;
using Svcsim.Queueing;
using Svcsim.Scenarios;
using Svcsim.Workload;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// The walk of a request: which hops it takes under each traffic policy, how long the path takes with no
/// load, what a full pod answers, and that every request ends exactly once.
/// </summary>
public class DataPathTests(ITestOutputHelper output)
{
    private const string Cp1Ip = "192.168.1.10";

    [Theory]
    [InlineData("w1", 3, 1)] // one pod per worker: 2 of 3 endpoints elsewhere
    [InlineData("w1", 4, 2)] // spreading puts the 4th pod on w1 again: 2 of 4 elsewhere
    [InlineData("cp1", 3, 0)] // the control plane runs no pods: every connection hops
    public void Cluster_Policy_Takes_The_Extra_Hop_For_N_Minus_Local_Over_N_Of_Connections(string entry, int replicas, int local)
    {
        // Given Cluster policy, NodePort clients pinned to one node that holds `local` of the `replicas` pods
        var cp = TestScenarios.ControlPlane;
        string ip = entry == "cp1" ? cp.Ip : TestScenarios.WorkerIp(int.Parse(entry[1..], CultureInfo.InvariantCulture));
        var spec = TestScenarios.Seed(rate: 200, durationS: 40, variants: [TestScenarios.NodePortTo(ip)], replicas: replicas);
        var runner = new VariantRunner(spec, spec.Variants[0], 0);
        var entryNode = runner.Model.Cluster.ByName(entry);
        Assert.Equal(local, runner.Model.AllPods.Count(p => p.Node == entryNode));

        // When the clients send
        var run = runner.Run();

        // Then the requests that crossed from the entry node to another node (bytes on the node-to-node
        // links: the connection's SYN and its 500-byte request) are exactly those served by pods elsewhere,
        // each answer came back through the entry node (SNAT: the SYN-ACK and the 2000-byte reply on the
        // links into it), and their number lies in the exact 99 % binomial region of Binomial(n, (N - local)/N):
        // each connection picks a pod uniformly.
        var cluster = runner.Model.Cluster;
        var others = cluster.Nodes.Where(n => n != entryNode).ToList();
        long hops = entryNode.ToNodes.BytesSent / (500 + Segments.Control);
        long returns = entryNode.FromNodes.BytesSent / (2000 + Segments.Control);
        Assert.Equal(hops * (500 + Segments.Control), others.Sum(n => n.FromNodes.BytesSent)); // nothing else crossed between nodes
        long served = runner.Model.AllPods.Sum(p => p.Pool.Completed);
        long servedLocally = runner.Model.AllPods.Where(p => p.Node == entryNode).Sum(p => p.Pool.Completed);
        Assert.Equal(run.Summary.Requests, run.Summary.Succeeded);
        Assert.Equal(served - servedLocally, hops);
        Assert.Equal(hops, returns);
        double p = (replicas - local) / (double)replicas;
        var (lo, hi) = Tolerances.BinomialRegion(served, p);
        output.WriteLine($"entry {entry}: {hops} of {served} hopped ({(double)hops / served:F4}), theory {p:F4}, region [{lo}, {hi}]");
        Assert.InRange(hops, lo, hi);
    }

    [Fact]
    public void Local_Policy_Never_Hops_And_Drops_Connections_At_Nodes_Without_A_Local_Pod()
    {
        // Given Local policy, pods on w1 and w2 only, and 99 NodePort clients spread over w1, w2 and w3
        var access = new NodePortAccess("nodeport", [TestScenarios.WorkerIp(1), TestScenarios.WorkerIp(2), TestScenarios.WorkerIp(3)], NodePortAssignment.Spread);
        var spec = TestScenarios.Seed(rate: 150, durationS: 45, variants: [access], replicas: 2, pinned: ["w1", "w2"],
            policy: TrafficPolicy.Local, network: TestScenarios.Instant) with
        { Clients = [TestScenarios.Clients(150, clients: 99)] };
        var runner = new VariantRunner(spec, access, 0);

        // When the clients send
        var run = runner.Run();

        // Then no byte ever crossed between nodes
        var cluster = runner.Model.Cluster;
        Assert.All(cluster.Nodes, n => Assert.Equal(0, n.ToNodes.BytesSent + n.FromNodes.BytesSent));
        // And every connection entering w3 (no local pod) was dropped, every other one served by the pod on
        // its own entry node
        var entries = run.Nodes.GroupBy(n => n.Node).ToDictionary(g => g.Key, g => g.Sum(n => n.Requests));
        var perPodNode = run.Pods.GroupBy(p => p.Node).ToDictionary(g => g.Key, g => g.Sum(p => p.Requests));
        long dropped = run.Summary.FailedByCause[(int)FailureCause.DroppedLocal];
        Assert.Equal(entries["w3"], dropped);
        Assert.Equal(run.Summary.Requests - dropped, run.Summary.Succeeded);
        Assert.Equal(entries["w1"], perPodNode["w1"]);
        Assert.Equal(entries["w2"], perPodNode["w2"]);
        // And w3's share of the requests is a third (33 of the 99 clients use it, each request from a
        // uniformly drawn client): within the exact 99 % binomial region
        var (lo, hi) = Tolerances.BinomialRegion(run.Summary.Requests, 1.0 / 3);
        output.WriteLine($"dropped at w3 {dropped} of {run.Summary.Requests}, region [{lo}, {hi}]; served at w1 {entries["w1"]}, at w2 {entries["w2"]}");
        Assert.InRange(dropped, lo, hi);
    }

    [Fact]
    public void Zero_Load_Latency_Is_The_Sum_Of_Hop_Latencies_And_Transmission_Times()
    {
        // Given constant latencies and finite bandwidths that differ per kind of link, a constant 2 ms service
        // time, one pod pinned on w2, 500-byte requests, 2000-byte answers, and one closed-loop user with 1 s
        // of think time (so no request ever waits for another, on a link or in the pod)
        var clientNode = Link(0.001, 100);
        var nodeNode = Link(0.0005, 200);
        var lbNode = Link(0.00025, 50);
        var clientLb = Link(0.002, 25);
        var network = new NetworkSpec(Spec(clientNode), Spec(nodeNode), Spec(lbNode), Spec(clientLb));
        var capacity = new PodCapacity(1, 10, Distribution.Constant(0.002));
        var user = new ClientGroupSpec("web", "lb-nginx", "np-nginx", 1, 0, 1, Distribution.Constant(1),
            Distribution.Constant(500), Distribution.Constant(2000), 5, 3, 0, Distribution.Constant(0.1));
        const long Req = 500, Resp = 2000;
        const double Service = 0.002;
        // One hop of b bytes: transmission 8 b / bandwidth, then propagation.
        static double Hop((double Latency, double NsPerByte) l, long bytes) => bytes * l.NsPerByte * 1e-9 + l.Latency;
        // Each request opens its own connection: the SYN and SYN-ACK (60 bytes each) cross the same hops
        // first, then the request and its answer.
        const long Syn = Segments.Control;
        static double There(long bytes, params (double, double)[] hops) => hops.Sum(h => Hop(h, bytes));

        // Entering at w1 (Cluster policy): client>w1, w1>w2, service, w2>w1 (SNAT return), w1>client.
        double viaOtherNode = 2 * There(Syn, clientNode, nodeNode) + There(Req, clientNode, nodeNode) + Service + There(Resp, nodeNode, clientNode);
        // Entering at w2: no node-to-node hop.
        double viaPodNode = 2 * There(Syn, clientNode) + Hop(clientNode, Req) + Service + Hop(clientNode, Resp);
        // Through the router (BGP, Local policy so only w2 is announced): client>lb, lb>w2, service, w2>lb, lb>client.
        double viaRouter = 2 * There(Syn, clientLb, lbNode) + There(Req, clientLb, lbNode) + Service + There(Resp, lbNode, clientLb);

        var cluster = TestScenarios.Seed(durationS: 65, variants: [], replicas: 1, pinned: ["w2"], capacity: capacity, network: network) with { Clients = [user] };
        string leader = MetalLbOrdering.Order(cluster.Nodes.Select(n => n.Name), "192.168.1.11").First(n => n != "cp1");
        var cases = new (string What, ScenarioSpec Spec, AccessSpec Access, double Expected)[]
        {
            ("NodePort to w1", cluster, TestScenarios.NodePortTo(TestScenarios.WorkerIp(1)), viaOtherNode),
            ("NodePort to w2", cluster, TestScenarios.NodePortTo(TestScenarios.WorkerIp(2)), viaPodNode),
            ($"MetalLB L2 (leader {leader})", cluster, new MetalLbL2Access("metallb-l2"), leader == "w2" ? viaPodNode : viaOtherNode),
            ("MetalLB BGP, Local policy", cluster with { Services = [TestScenarios.NodePortService(TrafficPolicy.Local), TestScenarios.LoadBalancerService(TrafficPolicy.Local)] },
                new MetalLbBgpAccess("metallb-bgp"), viaRouter),
        };

        foreach (var (what, spec, access, expected) in cases)
        {
            // When the user sends about 60 requests
            var s = new VariantRunner(spec, access, 0).Run().Summary;

            // Then every request succeeds and takes the same time (median = maximum), which is the sum of
            // the path's hops. The histogram stores whole microseconds (truncated) with 3 significant
            // digits and reports a bucket's upper end: a bucket is at most 1/1024 of its value wide, so the
            // reading lies in [expected - 1 us, expected + expected/1024 + 1 us].
            double expectedMs = expected * 1000;
            output.WriteLine(Inv($"{what}: p50 {s.LatencyP50Ms} ms, max {s.LatencyMaxMs} ms, expected {expectedMs:F4} ms ({s.Requests} requests)"));
            Assert.True(s.Requests >= 55, $"{what}: {s.Requests} requests");
            Assert.Equal(s.Requests, s.Succeeded);
            Assert.Equal(s.LatencyP50Ms, s.LatencyMaxMs);
            Assert.InRange(s.LatencyP50Ms, expectedMs - 0.001, expectedMs + expectedMs / 1024 + 0.001);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Every_Request_Has_Exactly_One_Outcome_Under_Faults_And_Retries(int retries)
    {
        // Given small pods that overflow (503s), a short client timeout, every kind of fault (crashes,
        // reboot with a new address, IP change, partition, lossy links, pod crash, random node failures)
        // and every way of access, with and without retries
        var faults = new FaultSpec[]
        {
            new NodeCrash("w1", 15, 20),
            new NodeReboot("w2", 40, 10, "192.168.1.202"),
            new NetworkPartition(["w1"], ["w3", "cp1"], 55, 10),
            new LinkDegradation("w3", 60, 10, 0.01, 0.3),
            new PodCrash("deploy-nginx", 0, 70, 5),
            new NodeIpChange("w1", 80, "192.168.1.201"),
            new RandomNodeFailures(["w3"], Distribution.Exponential(20), Distribution.Exponential(4)),
        };
        var variants = new AccessSpec[]
        {
            new NodePortAccess("nodeport", [], NodePortAssignment.Spread, NodePortFailover.NextAddress, ReconfigureAfterS: 10),
            new MetalLbL2Access("metallb-l2", ArpCacheS: 2),
            new MetalLbBgpAccess("metallb-bgp"),
            new CloudLbAccess("cloud-lb", HealthCheckSpec.Presets["gce"], LbAlgorithm.LeastConnections, ProbeThroughPods: true),
        };
        var spec = TestScenarios.Seed(rate: 150, durationS: 100, variants: variants, capacity: new PodCapacity(1, 2, Distribution.Exponential(0.01)),
            faults: faults) with
        { Clients = [TestScenarios.Clients(150, timeoutS: 1, retries: retries)] };
        var expected = OutcomeLedger.ExpectedStarts(spec, 0);
        long warmup = Time.FromSeconds(spec.Measurement.WarmupS), end = Time.FromSeconds(spec.DurationS);

        foreach (var variant in variants)
        {
            // When the run ends and every request still in flight has had time to finish (every attempt's
            // timeout and back-off, with room to spare)
            var ledger = OutcomeLedger.Run(spec, variant, 0, drainS: 60);

            // Then each request the clients started got exactly one outcome, and nothing else got one
            Assert.Equal(expected.Count, ledger.OutcomesByStart.Count);
            Assert.All(expected, t => Assert.Equal(1, ledger.OutcomesByStart.GetValueOrDefault(t)));

            // And the collector of the same run counts each request started after warm-up once:
            // requests = succeeded + failures of every cause, in the summary and window by window
            var run = new VariantRunner(spec, variant, 0).Run();
            var s = run.Summary;
            var counted = ledger.Outcomes.Where(o => o.Start >= warmup && o.Start < end).ToList();
            output.WriteLine($"{variant.Name}, retries {retries}: {s.Requests} requests, {s.Succeeded} ok, failed " +
                string.Join(", ", FailureCauses.All.Where(c => s.FailedByCause[(int)c.Cause] > 0).Select(c => $"{c.Name}={s.FailedByCause[(int)c.Cause]}")));
            Assert.Equal(counted.Count, s.Requests);
            Assert.Equal(s.Requests, s.Succeeded + s.FailedByCause.Sum());
            Assert.Equal(counted.Count(o => o.Success), s.Succeeded);
            foreach (var cause in FailureCauses.All.Select(c => c.Cause))
            {
                Assert.Equal(counted.Count(o => !o.Success && o.Cause == cause), s.FailedByCause[(int)cause]);
            }
            Assert.Equal(s.Requests, run.Windows.Sum(w => w.Requests));
            Assert.All(run.Windows, w => Assert.Equal(w.Requests, w.Succeeded + w.FailedByCause.Sum()));
            Assert.True(s.Failed > 0, "the faults should have failed some requests");
        }
    }

    [Fact]
    public void Client_Gives_Up_At_Its_Timeout_While_Its_Request_Is_Still_Being_Retransmitted()
    {
        // Regression: the client's timeout was only enforced once the request reached a pod, so a request
        // held on a lossy link by retransmissions (0.2 s doubled up to 8 times, about 51 s) ended tens of
        // seconds after its 1 s timeout, and its retries started that late.
        // Given a client-to-node link that loses 70 % of transmissions and clients with a 1 s timeout
        var lossy = new LinkSpec(Distribution.Constant(0.0002), 1e9, Loss: 0.7);
        var network = NetworkSpec.Default with { ClientToNode = lossy };
        var spec = TestScenarios.Seed(rate: 50, durationS: 30, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(1))], network: network) with
        { Clients = [TestScenarios.Clients(50, timeoutS: 1)] };

        // When they send
        var ledger = OutcomeLedger.Run(spec, spec.Variants[0], 0, drainS: 120);

        // Then some requests time out, and no request ends later than its timeout
        long longest = ledger.Outcomes.Max(o => o.End - o.Start);
        int timeouts = ledger.Outcomes.Count(o => !o.Success && o.Cause == FailureCause.Timeout);
        output.WriteLine(Inv($"{timeouts} of {ledger.Outcomes.Count} timed out; longest request {Time.ToSeconds(longest):F3} s"));
        Assert.True(timeouts > 0, "the lossy link should make some requests time out");
        Assert.True(longest <= Time.FromSeconds(1), Inv($"a request lasted {Time.ToSeconds(longest):F3} s with a 1 s timeout"));
    }

    [Fact]
    public void A_Full_Backlog_Answers_503_With_The_MMcK_Blocking_Probability()
    {
        // Given one pod with c = 2 workers and 3 waiting places (K = 5 in the system), exponential service
        // μ = 100/s, Poisson arrivals λ = 150/s and links that take no time: an M/M/2/5 station
        const int C = 2, Backlog = 3;
        const double Lambda = 150, Mu = 100;
        var spec = TestScenarios.Seed(rate: Lambda, durationS: 105, variants: [TestScenarios.NodePortTo(Cp1Ip)], replicas: 1,
            capacity: new PodCapacity(C, Backlog, Distribution.Exponential(1 / Mu)), network: TestScenarios.Instant) with
        { Seed = 5 };

        // When it runs 6 replications of 100 s after warm-up
        var blocked = new List<double>();
        for (int rep = 0; rep < 6; rep++)
        {
            var s = new VariantRunner(spec, spec.Variants[0], rep).Run().Summary;
            long overloaded = s.FailedByCause[(int)FailureCause.Overloaded];
            // Then every failure is a 503 from the pod's full backlog, one per rejection the pod counted
            Assert.Equal(s.Failed, overloaded);
            Assert.Equal(s.Rejected, overloaded);
            blocked.Add((double)overloaded / s.Requests);
        }

        // And the share of requests turned away matches P(N = K) of M/M/c/K (Poisson arrivals see time
        // averages), within the 99 % t-interval of the replications
        double theory = QueueingTheory.MmcKBlocking(C, C + Backlog, Lambda, Mu);
        var ci = ConfidenceIntervals.Of(blocked, 0.99);
        output.WriteLine(Inv($"blocking {ci}, M/M/{C}/{C + Backlog} theory {theory:G6}"));
        Assert.True(ci.Contains(theory), Inv($"M/M/c/K blocking {theory:G6} outside {ci}"));
    }

    private static (double Latency, double NsPerByte) Link(double latency, double nsPerByte) => (latency, nsPerByte);

    private static LinkSpec Spec((double Latency, double NsPerByte) l) => new(Distribution.Constant(l.Latency), 8e9 / l.NsPerByte);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
