using Svcsim.Access;
using Svcsim.Experiments;
using Svcsim.Kubernetes;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Scenarios;

/// <summary>
/// Scenarios/from-manifests/: a shop's whole manifest folder, applied as kubectl would, reads as the
/// cluster would make it and runs, the workload kinds behaving as their controllers do.
/// </summary>
public sealed class FromManifestsExampleTests
{
    private static readonly string Path_ = Path.Combine(ScenarioFiles.ScenariosDir, "from-manifests", "from-manifests.yaml");

    private static ScenarioFile Load() => ScenarioLoader.Load(Path_);

    [Fact]
    public void The_Folder_Is_Applied_In_Name_Order_And_Every_Kind_It_Holds_Is_Read_Or_Ignored_Without_A_Word()
    {
        var loaded = Load();

        Assert.Empty(loaded.Warnings);
        Assert.Equal(6, loaded.ManifestPaths.Count);
        Assert.Equal(loaded.ManifestPaths.Order(StringComparer.Ordinal), loaded.ManifestPaths);
        var sources = loaded.Spec.PodSources.Select(s => (s.Kind, s.Key)).ToArray();
        Assert.Equal(
        [
            (PodSourceKind.Deployment, "shop/frontend"), (PodSourceKind.Deployment, "shop/productcatalog"), (PodSourceKind.Deployment, "shop/cart"),
            (PodSourceKind.Deployment, "shop/checkout"), (PodSourceKind.Deployment, "shop/loadgenerator"), (PodSourceKind.StatefulSet, "shop/redis-cart"),
            (PodSourceKind.DaemonSet, "ingress-nginx/ingress-nginx-controller"),
        ], sources);
        // The headless redis-cart is not simulated (clients reach it through DNS); the others are
        Assert.Equal(["shop/frontend", "shop/frontend-external", "shop/productcatalog", "shop/cart", "shop/checkout", "shop/redis-cart-rw", "ingress-nginx/ingress-nginx-controller"],
            loaded.Spec.Services.Select(s => s.Key));
    }

    [Fact]
    public void Probes_PreStop_Grace_And_Placement_Come_From_The_Pod_Templates()
    {
        var spec = Load().Spec;
        var frontend = spec.PodSources.Single(s => s.Name == "frontend");
        Assert.Equal(new ProbeSpec(ProbeAction.HttpGet, InitialDelayS: 5, PeriodS: 5), frontend.Health.Readiness);
        Assert.Equal(new ProbeSpec(ProbeAction.HttpGet, InitialDelayS: 10, PeriodS: 10), frontend.Health.Liveness);
        Assert.Equal((20.0, 5.0), (frontend.Health.TerminationGracePeriodS, frontend.Health.PreStopS));
        Assert.Equal((1, NodeMetadata.HostnameLabel, false), (frontend.Placement.Spread[0].MaxSkew, frontend.Placement.Spread[0].TopologyKey, frontend.Placement.Spread[0].DoNotSchedule));
        Assert.Equal((8, 128), (frontend.Capacity.Workers, frontend.Capacity.Backlog));

        var catalog = spec.PodSources.Single(s => s.Name == "productcatalog");
        Assert.Equal(ProbeAction.Grpc, catalog.Health.Readiness!.Action);
        Assert.Equal((100, NodeMetadata.ZoneLabel), (catalog.Placement.PreferredAntiAffinity[0].Weight, catalog.Placement.PreferredAntiAffinity[0].Term.TopologyKey));

        var ingress = spec.PodSources.Single(s => s.Kind == PodSourceKind.DaemonSet);
        Assert.Equal(new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" }, ingress.Placement.NodeSelector);
        Assert.Equal((64, 1000), (ingress.Capacity.Workers, ingress.Capacity.Backlog)); // backlog: 1k, a quantity

        var svc = spec.Services.Single(s => s.Name == "ingress-nginx-controller");
        Assert.Equal((TrafficPolicy.Local, "192.168.1.201"), (svc.ExternalTrafficPolicy, svc.LoadBalancerIp));
        Assert.Equal((80, 80), (svc.Ports[0].Port, svc.Ports[0].TargetPort)); // targetPort: http, the controller's named port
        Assert.Equal("192.168.1.200", spec.Services.Single(s => s.Name == "frontend-external").LoadBalancerIp);
    }

    [Fact]
    public void It_Runs_And_Each_Kind_Of_Workload_Meets_The_Crash_And_The_Drain_As_Its_Controller_Would()
    {
        var spec = Load().Spec;
        var l2 = spec.Variants.Single(v => v is MetalLbL2Access);

        var run = new VariantRunner(spec, l2, 0).Run();
        var events = run.Events;
        double At(string kind, string subject) => events.Single(e => e.Kind == kind && e.Node == subject).TimeS;

        // Then the DaemonSet runs on the four workers, not on the tainted control plane
        Assert.Equal(4, run.Pods.Select(p => p.Pod).Distinct().Count(p => p.StartsWith("ingress-nginx/ingress-nginx-controller-", StringComparison.Ordinal)));
        // And after w2's crash (60 s) it is NotReady at the first monitor tick more than the 40 s grace (1.31) after
        // its last lease (both timers at this replication's phases: 30 to 45 s after the crash), and its pods are
        // evicted 300 s after that
        double notReady = At("node-not-ready", "w2");
        Assert.InRange(notReady - 60, 40 - 10, 40 + 5);
        double evictedAt = notReady + 300;
        var evicted = events.Where(e => e.Kind == "pod-evicted" && e.TimeS < 480).Select(e => e.Node).Order(StringComparer.Ordinal).ToArray();
        Assert.All(evicted, p => Assert.Equal(evictedAt, At("pod-evicted", p), 6));
        Assert.Contains("shop/redis-cart-0", evicted);
        Assert.DoesNotContain(evicted, p => p.StartsWith("ingress-nginx/", StringComparison.Ordinal));
        // And the Deployments' pods are replaced at once; the StatefulSet's is not while w2 is away
        Assert.All(evicted.Where(p => !p.Contains("redis", StringComparison.Ordinal)), p =>
            Assert.Contains(events, e => e.Kind == "pod-scheduled" && Math.Abs(e.TimeS - evictedAt) < 1e-6 && e.Node.StartsWith(p[..p.LastIndexOf('-')], StringComparison.Ordinal)));
        Assert.DoesNotContain(events, e => e.Kind == "pod-scheduled" && e.Node.StartsWith("shop/redis-cart-", StringComparison.Ordinal));
        // And the drain at 480 s moves w4's pods away; the frontend's leaves after its 5 s preStop
        Assert.Contains(events, e => e.Kind == "node-drain" && e.TimeS == 480);
        var drained = events.Where(e => e.Kind == "pod-evicted" && e.TimeS == 480).Select(e => e.Node).ToList();
        Assert.NotEmpty(drained);
        foreach (string pod in drained.Where(p => p.StartsWith("shop/frontend-", StringComparison.Ordinal)))
        {
            Assert.Equal(485, At("pod-deleted", pod), 6);
        }
        // And the shoppers mostly get through: the crash costs the connections to w2's pods until NotReady
        Assert.InRange(run.Summary.Availability, 0.95, 1.0);
    }
}
