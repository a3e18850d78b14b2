using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

public class MetalLbFidelityTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(50)]
    public void Memberlist_Declares_A_Crashed_Speaker_Dead_After_Its_First_Probe_And_Memberlist_s_Suspicion_For_The_Cluster_Size(int nodes)
    {
        // Given MetalLB L2 (memberlist LAN defaults: probe 1 s, timeout 0.5 s, suspicionMult 4,
        // suspicionMaxTimeoutMult 6) on a cluster of n nodes (cp1 and n - 1 workers), w1 crashing at 10 s
        var l2 = new MetalLbL2Access("metallb-l2");
        var spec = TestScenarios.Seed(rate: 5, durationS: 40, variants: [l2], workers: nodes - 1, faults: [new NodeCrash("w1", 10)]);

        // When it runs in 20 replications
        var delays = Enumerable.Range(0, 20).Select(r =>
            Assert.Single(new VariantRunner(spec, l2, r).Run().Events, e => e.Kind == "memberlist-dead" && e.Node == "w1").TimeS - 10).ToList();

        // Then (memberlist suspicionTimeout) the suspicion is at least 4 x max(1, log10 n) x 1 s: 4 s for 4 nodes,
        // 6.80 s for 50. The k = suspicionMult - 2 = 2 confirmations come from the next members to probe the dead
        // one, well inside that, so the delay is F + 0.5 s + min, where F, the first of the n - 1 survivors' probes
        // (each uniform over a round of n - 1 intervals), has mean (n - 1) / n s and variance
        // (n - 1)^3 / (n^2 (n + 1)) s^2. Each delay is at least 0.5 s + min, and their mean lies within
        // 3 standard errors of the theory.
        double min = 4 * Math.Max(1, Math.Log10(nodes));
        Assert.All(delays, d => Assert.True(d >= 0.5 + min - 1e-6, $"{d:F3} s < {0.5 + min:F3} s"));
        double m = nodes - 1;
        double mean = m / nodes + 0.5 + min;
        double sd = Math.Sqrt(m * m * m / ((double)nodes * nodes * (nodes + 1)));
        Assert.InRange(delays.Average(), mean - 3 * sd / Math.Sqrt(delays.Count), mean + 3 * sd / Math.Sqrt(delays.Count));
    }

    [Theory]
    [InlineData("l2")]
    [InlineData("bgp")]
    public void MetalLb_Stops_Announcing_A_Service_Without_A_Ready_Endpoint_So_Clients_Get_No_Route_Not_Refused(string mode)
    {
        // Given one pod, pinned to w1, and w1 crashing at 20 s: from NotReady on (50 to 65 s after the crash... within
        // the run) the Service has no ready endpoint anywhere; the pod is not evicted before 300 s
        AccessSpec access = mode == "l2" ? new MetalLbL2Access("metallb-l2") : new MetalLbBgpAccess("metallb-bgp", Bfd: true);
        var spec = TestScenarios.Seed(rate: 20, durationS: 110, variants: [access], replicas: 1, pinned: ["w1"], faults: [new NodeCrash("w1", 20)]);

        // When it runs
        var run = new VariantRunner(spec, access, 0).Run();

        // Then once the endpoint is withdrawn MetalLB stops announcing (no L2 owner answers ARP; the BGP route is
        // withdrawn): requests fail for want of a route, and not one is refused
        var notReady = Assert.Single(run.Events, e => e.Kind == "node-not-ready");
        Assert.Equal(0, run.Summary.FailedByCause[(int)FailureCause.Refused]);
        var after = run.Windows.Where(w => w.StartS > notReady.TimeS + 2).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, w => Assert.Equal(w.Requests, w.FailedByCause[(int)FailureCause.NoRoute]));
    }
}
