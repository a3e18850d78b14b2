using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;
using Svcsim.Reports;
using Svcsim.Workload;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

public class WorkloadTests(ITestOutputHelper output)
{
    [Fact]
    public void Closed_Loop_Users_Get_The_Throughput_Of_The_Finite_Source_Queue()
    {
        // Given N = 5 users who think exp(0.2 s) and send to one pod with one worker serving exp(50 ms),
        // over instant links: the machine-repairman (M/M/1//N) queue, whose throughput is
        // X = mu (1 - P0) with P0 = 1 / sum_n N!/(N-n)! (lambda/mu)^n, lambda = 1/Z per thinking user
        const int N = 5;
        const double Z = 0.2, Mu = 20, Measured = 300;
        double rho = 1 / Z / Mu, sum = 0, term = 1;
        for (int n = 0; n <= N; n++)
        {
            sum += term;
            term *= (N - n) * rho;
        }
        double throughput = Mu * (1 - 1 / sum);
        var users = new ClientGroupSpec("users", "lb-nginx", "np-nginx", N, 0, N, Distribution.Exponential(Z),
            Distribution.Constant(100), Distribution.Constant(100), 60, 60, 0, Distribution.Constant(0));
        var spec = TestScenarios.Seed(durationS: 20 + Measured, replicas: 1, capacity: TestScenarios.SingleServer(Mu),
            network: TestScenarios.Instant, warmupS: 20, variants: [new MetalLbL2Access("l2")]) with { Clients = [users] };

        // When 8 independent replications run
        var perReplication = Enumerable.Range(0, 8)
            .Select(rep => new VariantRunner(spec, spec.Variants[0], rep).Run().Summary.Requests / Measured)
            .ToList();

        // Then the theory lies in the 99 % Student-t interval of the replications' throughputs
        var ci = ConfidenceIntervals.Of(perReplication, 0.99);
        output.WriteLine($"throughput {ci.Mean:F3} [{ci.Low:F3}, {ci.High:F3}] /s, theory {throughput:F3} /s");
        Assert.True(ci.Contains(throughput), $"{throughput} outside {ci}");
    }

    [Fact]
    public void Closed_Loop_Users_Outnumbering_Client_Machines_Share_Them()
    {
        // Regression: a user's index was taken as its client machine's, so more users than `clients`
        // (the loader's default is one machine) ran past the NodePort address table and crashed the run.
        // Given 12 users on 3 client machines, NodePort clients spread over the workers' addresses
        var users = new ClientGroupSpec("users", "lb-nginx", "np-nginx", 3, 0, 12, Distribution.Exponential(0.5),
            Distribution.Constant(100), Distribution.Constant(100), 5, 3, 0, Distribution.Constant(0));
        var np = new NodePortAccess("np", [TestScenarios.WorkerIp(1), TestScenarios.WorkerIp(2), TestScenarios.WorkerIp(3)], NodePortAssignment.Spread);
        var spec = TestScenarios.Seed(durationS: 60, variants: [np]) with { Clients = [users] };

        // When they run
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then every request succeeds and each worker is the entry of a third of them
        Assert.Equal(run.Summary.Requests, run.Summary.Succeeded);
        var entries = run.Nodes.GroupBy(n => n.Node).ToDictionary(g => g.Key, g => g.Sum(n => n.Requests));
        Assert.Equal(0, entries["cp1"]);
        Assert.All(new[] { "w1", "w2", "w3" }, w => Assert.True(entries[w] > run.Summary.Requests / 5, $"{w}: {entries[w]}"));
    }

    [Theory]
    [InlineData(SessionAffinity.ClientIP, 1)]
    [InlineData(SessionAffinity.None, 3)]
    public void Session_Affinity_ClientIP_Keeps_Each_Client_On_One_Pod(SessionAffinity affinity, int podsServing)
    {
        // Given a single client machine entering through one node (NodePort to w1), three pods
        var spec = TestScenarios.Seed(rate: 50, durationS: 60, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(1))]) with
        {
            Clients = [TestScenarios.Clients(50, clients: 1)],
            Services = [TestScenarios.NodePortService(affinity: affinity), TestScenarios.LoadBalancerService()],
        };

        // When it sends for a minute
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then with ClientIP affinity one pod serves it all; without, all three share the work
        int serving = run.Pods.GroupBy(p => p.Pod).Count(g => g.Sum(p => p.Requests) > 0);
        Assert.Equal(podsServing, serving);
        Assert.Equal(run.Summary.Requests, run.Summary.Succeeded);
    }

    [Fact]
    public void Bgp_With_Bfd_Drops_A_Dead_Node_In_About_A_Second_And_The_Hold_Timer_In_Sixty_To_Ninety()
    {
        // Given pods only on w1 and w2, and w3 (an ECMP next hop with no pods) crashing at 30 s
        var spec = TestScenarios.Seed(rate: 100, durationS: 200, pinned: ["w1", "w2"],
            variants: [new MetalLbBgpAccess("bgp-hold"), new MetalLbBgpAccess("bgp-bfd", Bfd: true)],
            faults: [new NodeCrash("w3", 30)]);

        // When each runs
        var hold = new VariantRunner(spec, spec.Variants[0], 0).Run();
        var bfd = new VariantRunner(spec, spec.Variants[1], 0).Run();

        // Then the router stops hashing flows to w3 after 0.9 s with BFD, between 60 and 90 s with the
        // hold timer (keepalive 30 s, hold 90 s); failures stop there, and only node_down failures happen,
        // besides the few requests whose answer was on its way back through w3 when it crashed (Little's law:
        // 100/s x a few ms in flight)
        double Dropped(Svcsim.Measurement.VariantRunResult r) => Assert.Single(r.Events, e => e.Kind == "bgp-session-down").TimeS - 30;
        Assert.Equal(0.9, Dropped(bfd), 6);
        Assert.InRange(Dropped(hold), 60, 90);
        long inFlight = hold.Summary.FailedByCause[(int)FailureCause.InFlightLost];
        Assert.Equal(hold.Summary.Failed, hold.Summary.FailedByCause[(int)FailureCause.NodeDown] + inFlight);
        Assert.InRange(inFlight, 0, 5);
        Assert.All(bfd.Outages, o => Assert.True(o.DurationS <= 2, $"{o}"));
        Assert.Contains(hold.Outages, o => o.DurationS >= 60);
    }

    [Fact]
    public void Zone_Failures_Take_Every_Node_Of_The_Zone_Down_Together()
    {
        // Given workers in two zones (w1, w2 in a; w3 in b) failing by zone
        var nodes = new List<NodeSpec>
        {
            TestScenarios.ControlPlane with { Zone = "c" },
            new("w1", NodeRole.Worker, TestScenarios.WorkerIp(1), Zone: "a"),
            new("w2", NodeRole.Worker, TestScenarios.WorkerIp(2), Zone: "a"),
            new("w3", NodeRole.Worker, TestScenarios.WorkerIp(3), Zone: "b"),
        };
        var spec = TestScenarios.Seed(rate: 20, durationS: 2000, variants: [new MetalLbL2Access("l2")],
            faults: [new RandomNodeFailures(["w1", "w2", "w3"], Distribution.Exponential(300), Distribution.Exponential(60), ByZone: true)]) with { Nodes = nodes };

        // When it runs
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then w1 and w2 crash and start at the same instants, never w3 with them
        var crashes = run.Events.Where(e => e.Kind is "node-crash" or "node-start").ToLookup(e => (e.TimeS, e.Kind), e => e.Node);
        Assert.NotEmpty(crashes);
        foreach (var at in crashes)
        {
            var set = at.Order(StringComparer.Ordinal).ToList();
            Assert.True(set.SequenceEqual(["w1", "w2"]) || set.SequenceEqual(["w3"]), $"{at.Key}: {string.Join(",", set)}");
        }
        Assert.Contains(crashes, g => g.Contains("w1"));
    }

    [Theory]
    [InlineData(true, 10)]
    [InlineData(false, 10)]
    public void A_Client_Moves_Once_To_The_Next_Address_After_Its_First_Failed_Connect(bool sameSegment, double expectedS)
    {
        // Regression: every failed connection to a dead address moved the client on, so the many
        // connections it had open to w1 moved it back and forth between w1 and w2.
        // Given NodePort clients holding w1 then w2, moving to the next address after a failure and retrying
        // once at once, a connect timeout of 10 s, and w1 (which holds no pod: the pods are on w2 and w3,
        // so only the entry address can fail) crashing at 20 s
        var np = new NodePortAccess("np", [TestScenarios.WorkerIp(1), TestScenarios.WorkerIp(2)], Failover: NodePortFailover.NextAddress);
        var clients = TestScenarios.Clients(20, clients: 1, timeoutS: 20, retries: 1) with
        {
            ConnectTimeoutS = 10,
            SameSegment = sameSegment,
            RetryBackoff = Svcsim.Engine.Distribution.Constant(0),
        };
        var spec = TestScenarios.Seed(durationS: 60, variants: [np], pinned: ["w2", "w3"], faults: [new NodeCrash("w1", 20)]) with { Clients = [clients] };

        // When they run
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then every request succeeds, and the slowest took the failed attempt on w1 first: the full connect
        // timeout, on the segment too, since the client's neighbour entry for w1 was confirmed just before the
        // crash and stays REACHABLE (15 s at least) past it (NeighbourTests time the entry itself)
        Assert.Equal(run.Summary.Requests, run.Summary.Succeeded);
        Assert.InRange(run.Summary.LatencyMaxMs / 1000, expectedS, expectedS + 0.1);
        Assert.Equal(0, run.Summary.FailedByCause[(int)FailureCause.NodeDown]);
    }
}
