using Svcsim.Dataplane;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Measurement;

namespace Svcsim.Tests.Model;

public sealed class SyncCostTests
{
    private static double SyncAfterNotReady(ProxyMode mode, double ruleWriteS)
    {
        // Given 3 workers with 100 pods each, syncs that start exactly 100 ms after a change, and w2 crashing
        var proxy = new KubeProxySpec(mode, IpvsScheduler.RoundRobin, 1.0, Distribution.Constant(0.1), ConntrackSpec.Default, ruleWriteS);
        var spec = TestScenarios.Seed(rate: 20, durationS: 120, workers: 3, replicas: 300, proxy: proxy,
            faults: [new NodeCrash("w2", 20)], variants: [TestScenarios.NodePortTo("192.168.1.10")]) with
        {
            Measurement = new MeasurementSpec(WarmupS: 5, WindowS: 5, EventsPerNode: true),
        };
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();
        // When the control plane marks w2 NotReady, how long until w1's rules no longer hold its endpoints
        double notReady = run.Events.Single(e => e.Kind == "node-not-ready").TimeS;
        double applied = run.Events.First(e => e.Kind == "kube-proxy-sync" && e.Node == "w1" && e.TimeS > notReady).TimeS;
        return applied - notReady;
    }

    [Fact]
    public void Iptables_Writes_Every_Rule_And_Nftables_Only_The_Changed_Ones()
    {
        const double Rule = 0.001; // 1 ms per rule, to make the difference plain
        double slice = ControlPlaneSpec.Default.EndpointSliceDelayS, start = 0.1;

        int services = TestScenarios.Seed().Services.Count; // a NodePort and a LoadBalancer Service, both on the same pods

        // Then iptables rewrites the whole ruleset: 5 rules for each Service and 3 for each of its 300 endpoints,
        // of which 200 remain ready
        double iptables = SyncAfterNotReady(ProxyMode.Iptables, Rule);
        Assert.Equal(slice + start + services * (5 + 3 * 200) * Rule, iptables, 6);
        // And nftables writes only what changed: each Service's rules and the 100 endpoints that left it
        double nftables = SyncAfterNotReady(ProxyMode.Nftables, Rule);
        Assert.Equal(slice + start + services * (5 + 3 * 100) * Rule, nftables, 6);
        // And with no rule cost both apply as soon as the sync starts
        Assert.Equal(slice + start, SyncAfterNotReady(ProxyMode.Iptables, 0), 6);
    }

    [Fact]
    public void Rule_Counts_Follow_The_Mode()
    {
        var sim = new Simulation(new RandomStreams(1, 0));
        var spec = TestScenarios.Seed(workers: 2, replicas: 4);
        var model = new KubernetesModel(sim, new Svcsim.Network.Cluster(spec.Nodes, spec.Network, sim.Streams), spec.PodSources,
            spec.Services, spec.ControlPlane, new Trace());
        var synced = model.Services.Select(s => (EndpointSnapshot?)s.Endpoints).ToArray();
        int services = model.Services.Count, endpoints = model.Services.Sum(s => s.Endpoints.Usable.Length);

        // A proxy that never synced writes everything in every mode; one up to date writes nothing
        // incrementally and everything again in iptables mode
        var never = new EndpointSnapshot?[services];
        Assert.Equal(5 * services + 3 * endpoints, SyncCost.Rules(ProxyMode.Nftables, model.Services, never));
        Assert.Equal(0, SyncCost.Rules(ProxyMode.Ipvs, model.Services, synced));
        Assert.Equal(5 * services + 3 * endpoints, SyncCost.Rules(ProxyMode.Iptables, model.Services, synced));
        // And the default rate is the documented 18 µs per rule
        Assert.Equal(18_000, SyncCost.Duration(KubeProxySpec.Default, 1000) / 1000);
    }
}
