using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Workload;

using Svcsim.Network;

namespace Svcsim.Tests.Model;

public class HealthCheckTests
{
    private static readonly HealthCheckSpec Check = new(IntervalS: 5, TimeoutS: 1, UnhealthyThreshold: 2, HealthyThreshold: 2);

    [Fact]
    public void Cloud_Lb_Stops_Sending_To_A_Dead_Node_After_Unhealthy_Threshold_Checks()
    {
        // Given a cloud LB with checks every 5 s, 1 s timeout, 2 failures to eject, and w2 crashing at 30 s
        var spec = TestScenarios.Seed(rate: 100, durationS: 90, variants: [new CloudLbAccess("lb", Check)],
            faults: [new NodeCrash("w2", 30)]) with { ControlPlane = new ControlPlaneSpec(NodeMonitorGracePeriodS: 1000) };

        // When the clients send through it
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then w2 is marked unhealthy within two check intervals plus the timeout, and after that no new
        // connection is sent to it: node_down failures only start before the ejection
        var ejected = Assert.Single(run.Events, e => e.Kind == "lb-unhealthy");
        Assert.Equal("w2", ejected.Node);
        Assert.InRange(ejected.TimeS, 30 + Check.TimeoutS, 30 + 2 * Check.IntervalS + Check.TimeoutS);
        Assert.All(run.Windows.Where(w => w.StartS >= ejected.TimeS), w =>
            Assert.Equal(0, w.FailedByCause[(int)FailureCause.NodeDown]));
        Assert.True(run.Summary.FailedByCause[(int)FailureCause.NodeDown] > 0);
    }

    [Fact]
    public void Checks_Served_By_Pods_Time_Out_Behind_Queued_Work_And_Eject_An_Overloaded_Node()
    {
        // Given Local policy (a node serves what enters it), one slow single-worker pod per worker
        // (20 ms: 50 requests/s each), a cloud LB whose checks go through the pods, and 120 requests/s:
        // 40/s per node, 80 % load, so checks answer in well under the 1 s timeout
        var capacity = new PodCapacity(1, 10_000, Distribution.Exponential(0.02));
        var lb = new CloudLbAccess("lb", Check, FailOpen: false, ProbeThroughPods: true);
        var spec = TestScenarios.Seed(rate: 120, durationS: 120, variants: [lb], policy: TrafficPolicy.Local, capacity: capacity,
            faults: [new NodeCrash("w3", 40)]) with { ControlPlane = new ControlPlaneSpec(NodeMonitorGracePeriodS: 1000) };

        // When w3 crashes at 40 s, its share moves to w1 and w2 (60/s each, more than they can serve)
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then no node is ejected while the load fits; after the crash the dead node is ejected first,
        // then the survivors' queues grow until their checks time out and they are ejected in turn
        var ejections = run.Events.Where(e => e.Kind == "lb-unhealthy").ToList();
        Assert.All(ejections, e => Assert.True(e.TimeS > 40));
        Assert.Equal("w3", ejections[0].Node);
        Assert.Contains(ejections, e => e.Node == "w1");
        Assert.Contains(ejections, e => e.Node == "w2");
        // And with no healthy node left and no fail-open, new connections find no route
        Assert.True(run.Summary.FailedByCause[(int)FailureCause.NoRoute] > 0);
    }

    [Fact]
    public void Cloud_Lb_Round_Robin_Gives_Each_Healthy_Node_Every_Third_Connection()
    {
        // Given a cloud LB with round robin in front of three eligible workers (cp1 is excluded)
        var spec = TestScenarios.Seed(rate: 150, durationS: 65, variants: [new CloudLbAccess("lb", Check, LbAlgorithm.RoundRobin)]);

        // When it runs
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then over the run the workers' entry counts differ by at most one (connections after warm-up
        // start anywhere in the rotation), and the control plane gets none
        var entries = run.Nodes.GroupBy(n => n.Node).ToDictionary(g => g.Key, g => g.Sum(n => n.Requests));
        Assert.Equal(0, entries["cp1"]);
        long[] workers = [entries["w1"], entries["w2"], entries["w3"]];
        Assert.InRange(workers.Max() - workers.Min(), 0, 1);
    }

    [Fact]
    public void Cloud_Lb_Random_Choice_Spreads_Connections_Evenly()
    {
        // Given a cloud LB choosing a healthy node at random
        var spec = TestScenarios.Seed(rate: 150, durationS: 65, variants: [new CloudLbAccess("lb", Check, LbAlgorithm.Random)]);

        // When it runs
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then the workers' entry counts pass a chi-square test of uniformity at the 99 % level (2 degrees
        // of freedom: critical value 9.21), and the counts are not the exact rotation of round robin
        var counts = new[] { "w1", "w2", "w3" }.Select(w => (double)run.Nodes.Where(n => n.Node == w).Sum(n => n.Requests)).ToArray();
        double expected = counts.Average();
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chi2 < MathNet.Numerics.Distributions.ChiSquared.InvCDF(2, 0.99), $"chi-square {chi2}");
        Assert.True(counts.Max() - counts.Min() > 1, "random choice should not rotate exactly");
    }
}
