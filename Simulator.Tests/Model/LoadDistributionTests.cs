using Svcsim.Dataplane;
using Svcsim.Reports;
using System.Globalization;
using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Kubernetes;
using Svcsim.Queueing;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// How connections are spread: kube-proxy's endpoint choice over pods, and the load balancers' choice of
/// entry node, checked against the distributions and queueing results they must produce.
/// </summary>
public class LoadDistributionTests(ITestOutputHelper output)
{
    private const string Cp1Ip = "192.168.1.10";

    [Theory]
    [InlineData(ProxyMode.Iptables)]
    [InlineData(ProxyMode.Nftables)]
    public void Random_Endpoint_Choice_Spreads_Connections_Uniformly_Over_Ready_Pods(ProxyMode mode)
    {
        // Given 6 pods on 4 workers (w1 and w2 hold two each), clients entering through every node, and
        // kube-proxy choosing at random
        var access = new NodePortAccess("nodeport", [Cp1Ip, .. Enumerable.Range(1, 4).Select(TestScenarios.WorkerIp)], NodePortAssignment.Spread);
        var spec = TestScenarios.Seed(rate: 300, durationS: 65, variants: [access], workers: 4, replicas: 6, proxy: TestScenarios.Proxy(mode));

        // When the clients send for a minute
        var run = new VariantRunner(spec, access, 0).Run();

        // Then every pod (not every node) receives the same share: under uniform choice the per-pod counts
        // are multinomial, so Pearson's statistic follows chi-square with pods - 1 degrees of freedom and stays
        // under its 99 % quantile unless the choice is biased.
        var perPod = run.Pods.GroupBy(p => p.Pod).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Sum(p => p.Requests)).ToList();
        Assert.Equal(6, perPod.Count);
        Assert.Equal(run.Summary.Requests, run.Summary.Succeeded);
        double chi2 = Tolerances.ChiSquareUniform(perPod);
        double limit = Tolerances.ChiSquareQuantile(perPod.Count - 1);
        output.WriteLine($"{mode}: per-pod requests {string.Join(", ", perPod)}; chi2 = {chi2:F2}, 99 % quantile = {limit:F2}");
        Assert.True(chi2 < limit, $"chi2 {chi2:F2} >= {limit:F2}: endpoint choice is not uniform over pods");
    }

    // M/M/1 pods: λ = 150/s over 3 pods (50/s each), μ = 100/s, so ρ = 0.5 per pod.
    private const double Lambda = 150;
    private const double Mu = 100;
    private const int Pods = 3;
    private const double Warmup = 5;
    private const double Measured = 200;
    private const int Replications = 8;

    [Fact]
    public void Each_Pod_Is_An_MM1_Queue_With_Rate_Lambda_Over_N_Under_Random_Choice()
    {
        // Given Poisson arrivals (λ = 150/s), iptables' random choice over 3 pods with one worker each,
        // exponential service (μ = 100/s) and links that take no time
        // When the model runs 8 replications of 200 s after a 5 s warm-up
        var responses = new List<double>();
        for (int rep = 0; rep < Replications; rep++)
        {
            var pods = RunPods(ProxyMode.Iptables, rep);
            responses.Add(pods.Average(p => p.MeanWait + p.MeanService));
        }

        // Then the mean response time (wait + service, both from the pod's own books) matches the M/M/1
        // result with arrival rate λ/N: random splitting of a Poisson stream is Poisson. The replication
        // means are i.i.d., so the theory must lie in their 99 % Student-t interval.
        double theory = QueueingTheory.MmcMeanResponse(1, Lambda / Pods, Mu);
        var ci = ConfidenceIntervals.Of(responses, 0.99);
        output.WriteLine(Inv($"mean response {ci} s, M/M/1 theory {theory:G6} s"));
        Assert.True(ci.Contains(theory), Inv($"M/M/1 response {theory:G6} outside {ci}"));
    }

    [Fact]
    public void Ipvs_Round_Robin_Gives_Each_Pod_Every_Nth_Arrival_And_A_Shorter_Wait_Than_Random_Choice()
    {
        // Given the same pods and arrivals as the M/M/1 test, once with IPVS round robin and once with
        // iptables' random choice, in pairs that share their random numbers
        // When both run the same 8 replications
        var ipvs = new List<double>();
        var random = new List<double>();
        for (int rep = 0; rep < Replications; rep++)
        {
            ipvs.Add(RunPods(ProxyMode.Ipvs, rep).Average(p => p.MeanWait));
            random.Add(RunPods(ProxyMode.Iptables, rep).Average(p => p.MeanWait));
        }

        // Then under round robin each pod sees every 3rd arrival of a Poisson stream (Erlang-3
        // inter-arrivals), and its mean wait matches the E_3/M/1 (GI/M/1) result, within the 99 % t-interval
        // of the replication means
        double erlang = QueueingTheory.ErlangArrivalsMeanWait(Pods, Lambda, Mu);
        double mm1 = QueueingTheory.MmcMeanWait(1, Lambda / Pods, Mu);
        var ipvsCi = ConfidenceIntervals.Of(ipvs, 0.99);
        var randomCi = ConfidenceIntervals.Of(random, 0.99);
        var diff = ConfidenceIntervals.OfPairedDifferences(random, ipvs, 0.99);
        output.WriteLine(Inv($"IPVS rr wait {ipvsCi} s, E3/M/1 theory {erlang:G6} s"));
        output.WriteLine(Inv($"random wait {randomCi} s, M/M/1 theory {mm1:G6} s"));
        output.WriteLine(Inv($"random - rr {diff} s, theory {mm1 - erlang:G6} s"));
        Assert.True(ipvsCi.Contains(erlang), Inv($"E3/M/1 wait {erlang:G6} outside {ipvsCi}"));
        Assert.True(randomCi.Contains(mm1), Inv($"M/M/1 wait {mm1:G6} outside {randomCi}"));
        // And it is clearly shorter than under random choice: the paired difference's interval lies above
        // zero and holds the theoretical difference
        Assert.True(diff.Low > 0, $"round robin is not shorter than random choice: {diff}");
        Assert.True(diff.Contains(mm1 - erlang), Inv($"difference {mm1 - erlang:G6} outside {diff}"));
    }

    [Fact]
    public void MetalLb_L2_Sends_All_Ingress_Through_The_Leader_Of_The_Hash_Ordering()
    {
        // Given MetalLB in layer-2 mode on cp1 (excluded from load balancers) and three workers
        var l2 = new MetalLbL2Access("metallb-l2");
        var spec = TestScenarios.Seed(rate: 200, durationS: 35, variants: [l2]);
        string expected = MetalLbOrdering.Order(spec.Nodes.Select(n => n.Name), "192.168.1.11")
            .First(n => !spec.Nodes.Single(s => s.Name == n).ExcludeFromExternalLoadBalancers);

        // When clients send to the service IP
        var runner = new VariantRunner(spec, l2, 0);
        var run = runner.Run();

        // Then the announcing node is the first eligible node of MetalLB's ordering, every request entered
        // through it and no other node saw ingress
        var leader = ((MetalLbL2FrontDoor)runner.FrontDoor).Leader(runner.Model.Service("lb-nginx"));
        Assert.Equal(expected, leader?.Name);
        var entries = run.Nodes.GroupBy(n => n.Node).ToDictionary(g => g.Key, g => g.Sum(n => n.Requests));
        output.WriteLine($"leader {expected}; entries {string.Join(", ", entries.Select(e => $"{e.Key}={e.Value}"))}");
        Assert.Equal(run.Summary.Requests, entries[expected]);
        Assert.All(entries.Where(e => e.Key != expected), e => Assert.Equal(0, e.Value));
        // And with Cluster policy kube-proxy on the leader still spreads the work over every pod
        Assert.All(run.Pods.GroupBy(p => p.Pod), g => Assert.True(g.Sum(p => p.Requests) > 0, $"{g.Key} got nothing"));
    }

    [Fact]
    public void MetalLb_Bgp_Ecmp_Spreads_Ingress_Evenly_Over_Every_Eligible_Worker()
    {
        // Given MetalLB in BGP mode: every worker peers with the router, cp1 is excluded
        var bgp = new MetalLbBgpAccess("metallb-bgp");
        var spec = TestScenarios.Seed(rate: 300, durationS: 45, variants: [bgp], workers: 4, replicas: 4);

        // When clients send to the service IP
        var run = new VariantRunner(spec, bgp, 0).Run();

        // Then cp1 gets no ingress, and the router's per-flow hash spreads the connections evenly over the
        // four workers: the counts are multinomial under an even spread, so Pearson's statistic stays under
        // the 99 % quantile of chi-square with 3 degrees of freedom
        var entries = run.Nodes.GroupBy(n => n.Node).ToDictionary(g => g.Key, g => g.Sum(n => n.Requests));
        Assert.Equal(0, entries["cp1"]);
        var workers = Enumerable.Range(1, 4).Select(i => entries[$"w{i}"]).ToList();
        Assert.Equal(run.Summary.Requests, workers.Sum());
        double chi2 = Tolerances.ChiSquareUniform(workers);
        double limit = Tolerances.ChiSquareQuantile(workers.Count - 1);
        output.WriteLine($"entries per worker {string.Join(", ", workers)}; chi2 = {chi2:F2}, 99 % quantile = {limit:F2}");
        Assert.True(chi2 < limit, $"chi2 {chi2:F2} >= {limit:F2}: ECMP spread is uneven");
    }

    /// <summary>One pod's queue after warm-up: mean wait in the backlog and mean service time (busy time per request served).</summary>
    private sealed record PodQueue(double MeanWait, double MeanService, long Served);

    private static List<PodQueue> RunPods(ProxyMode mode, int replication)
    {
        // All traffic enters through cp1 (no pods there), so a single kube-proxy makes every choice: under
        // round robin each pod then gets exactly every N-th arrival.
        var spec = TestScenarios.Seed(rate: Lambda, durationS: Warmup + Measured, variants: [TestScenarios.NodePortTo(Cp1Ip)],
            proxy: TestScenarios.Proxy(mode), capacity: TestScenarios.SingleServer(Mu), network: TestScenarios.Instant, warmupS: Warmup) with
        { Seed = 11 };
        var runner = new VariantRunner(spec, spec.Variants[0], replication);
        var pods = runner.Model.AllPods.ToList();
        var servedAtWarmup = new long[pods.Count];
        // Warm-up deletion on the pods' own books: the queues start empty.
        runner.Simulation.ScheduleAt(Time.FromSeconds(Warmup), () =>
        {
            for (int i = 0; i < pods.Count; i++)
            {
                pods[i].Pool.ResetStatistics(runner.Simulation.Now);
                servedAtWarmup[i] = pods[i].Pool.Completed;
            }
        });
        var run = runner.Run();
        Assert.Equal(run.Summary.Requests, run.Summary.Succeeded);
        long now = runner.Simulation.Now;
        return pods.Select((p, i) =>
        {
            long served = p.Pool.Completed - servedAtWarmup[i];
            return new PodQueue(p.Pool.Wait.Mean, p.Pool.BusyServers.Integral(now) / served, served);
        }).ToList();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
