using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Tests.Model;
using Xunit.Abstractions;

namespace Svcsim.Tests.Scratch;

public sealed class LeakTests(ITestOutputHelper output)
{
    [Fact]
    public void Find_Leaks()
    {
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
        { Clients = [TestScenarios.Clients(150, timeoutS: 1, retries: 0)] };
        var expected = OutcomeLedger.ExpectedStarts(spec, 0);
        foreach (var v in variants)
        {


            var ledger = OutcomeLedger.Run(spec, v, 0, drainS: 60);
            var missing = expected.Where(t => !ledger.OutcomesByStart.ContainsKey(t)).ToList();
            output.WriteLine($"{v.Name}: {missing.Count} missing; first {string.Join(", ", missing.Take(10).Select(t => Time.ToSeconds(t).ToString("F3")))}");
        }
    }
}
