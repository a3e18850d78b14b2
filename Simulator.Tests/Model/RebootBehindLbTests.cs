using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

/// <summary>
/// A node that reboots behind a cloud load balancer: the LB's check goes to kube-proxy's /healthz (Cluster
/// policy) or the healthCheckNodePort (Local policy), which nothing serves until kubelet has started
/// kube-proxy again, so the LB must not send connections to a node that is merely up.
/// </summary>
public class RebootBehindLbTests
{
    [Fact]
    public void With_Cluster_Policy_No_Connection_Is_Refused_After_A_Reboot_Through_A_Cloud_Lb()
    {
        // Given GCE's check and w2 rebooting at 20 s for 40 s (long enough to be ejected: 17 to 25 s);
        // kubelet and kube-proxy run again 10 s after the boot (controlPlane.nodeRejoin)
        var gce = HealthCheckSpec.Presets["gce"];
        var spec = TestScenarios.Seed(rate: 50, durationS: 120, variants: [new CloudLbAccess("lb", gce)],
            faults: [new NodeReboot("w2", 20, 40)]);

        foreach (int replication in new[] { 0, 1, 2 })
        {
            // When it runs
            var run = new VariantRunner(spec, spec.Variants[0], replication).Run();

            // Then the LB ejects w2 while it is down, takes it back only once kube-proxy answers its health
            // port (after kubelet-start, within one interval: the healthy threshold is 1), and no connection
            // or request is refused or reset on the way
            var ejected = Assert.Single(run.Events, e => e.Kind == "lb-unhealthy" && e.Node == "w2");
            var kubelet = Assert.Single(run.Events, e => e.Kind == "kubelet-start" && e.Node == "w2");
            var healthy = Assert.Single(run.Events, e => e.Kind == "lb-healthy" && e.Node == "w2");
            Assert.InRange(ejected.TimeS, 20 + 17, 20 + 25.01);
            Assert.InRange(healthy.TimeS - kubelet.TimeS, 0, gce.IntervalS + 0.01);
            Assert.Equal(0, run.Summary.FailedByCause[(int)FailureCause.Refused]);
            Assert.Equal(0, run.Summary.FailedByCause[(int)FailureCause.Reset]);
        }
    }

    [Fact]
    public void With_Local_Policy_The_Health_Check_Node_Port_Answers_Only_Once_A_Local_Endpoint_Is_Ready()
    {
        // Given Local policy, one pod per worker (pod start-up 5 s), GCE's check and w2 rebooting at 20 s for 40 s
        var gce = HealthCheckSpec.Presets["gce"];
        var spec = TestScenarios.Seed(rate: 50, durationS: 130, variants: [new CloudLbAccess("lb", gce)], policy: TrafficPolicy.Local,
            faults: [new NodeReboot("w2", 20, 40)]);

        foreach (int replication in new[] { 0, 1, 2 })
        {
            // When it runs
            var run = new VariantRunner(spec, spec.Variants[0], replication).Run();

            // Then w2 turns healthy only after its pod passed readiness again (not when kubelet or kube-proxy
            // returned), and no request is dropped for want of a local endpoint, refused or reset
            var kubelet = Assert.Single(run.Events, e => e.Kind == "kubelet-start" && e.Node == "w2");
            var podReady = run.Events.First(e => e.Kind == "pod-ready" && e.TimeS > kubelet.TimeS && e.Detail.Contains(" on w2 ", StringComparison.Ordinal));
            var healthy = Assert.Single(run.Events, e => e.Kind == "lb-healthy" && e.Node == "w2");
            Assert.True(healthy.TimeS > podReady.TimeS, $"healthy at {healthy.TimeS} s, pod ready at {podReady.TimeS} s");
            Assert.True(healthy.TimeS - podReady.TimeS <= gce.IntervalS + 1.01, $"healthy {healthy.TimeS - podReady.TimeS:F2} s after the pod");
            Assert.Equal(0, run.Summary.FailedByCause[(int)FailureCause.DroppedLocal]);
            Assert.Equal(0, run.Summary.FailedByCause[(int)FailureCause.Refused]);
            Assert.Equal(0, run.Summary.FailedByCause[(int)FailureCause.Reset]);
        }
    }

    [Theory]
    [InlineData("gce")]
    [InlineData("aws-clb")]
    [InlineData("aws-nlb")]
    public void A_Returning_Target_Is_Healthy_Only_After_Healthy_Threshold_Passed_Checks(string preset)
    {
        // Given a preset's check and w2 down long enough to be ejected (unhealthyThreshold x interval + timeout,
        // and more), then back; kube-proxy answers from kubelet-start on. A returning target starts unhealthy
        // (AWS: "initial" until it passes HealthyThresholdCount checks; GCE: unhealthy until one check passes).
        var check = HealthCheckSpec.Presets[preset];
        double down = check.UnhealthyThreshold * check.IntervalS + check.TimeoutS + 20;
        var spec = TestScenarios.Seed(rate: 5, durationS: 20 + down + 10 + (check.HealthyThreshold + 1) * check.IntervalS + 5,
            variants: [new CloudLbAccess("lb", check)], faults: [new NodeReboot("w2", 20, down)]);

        // When it runs in 8 replications
        var waits = Enumerable.Range(0, 8).Select(r =>
        {
            var run = new VariantRunner(spec, spec.Variants[0], r).Run();
            var kubelet = Assert.Single(run.Events, e => e.Kind == "kubelet-start" && e.Node == "w2");
            var healthy = Assert.Single(run.Events, e => e.Kind == "lb-healthy" && e.Node == "w2");
            return healthy.TimeS - kubelet.TimeS;
        }).ToList();

        // Then the wait from kube-proxy's return to the LB's "healthy" is (healthyThreshold - 1) intervals plus
        // the phase of the first passing check: in [(h - 1) x interval, h x interval)
        Assert.All(waits, w => Assert.InRange(w, (check.HealthyThreshold - 1) * check.IntervalS, check.HealthyThreshold * check.IntervalS + 0.01));
    }
}
