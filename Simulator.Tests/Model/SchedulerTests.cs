using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

/// <summary>
/// Placement from the pod template: nodeSelector, node affinity, taints and tolerations, pod anti-affinity and
/// topology spread, each against what kube-scheduler would allow (kubernetes.io: assign-pod-node,
/// taint-and-toleration, topology-spread-constraints), and the same placement on every run.
/// </summary>
public sealed class SchedulerTests
{
    private static readonly Dictionary<string, string> Ssd = new() { ["disktype"] = "ssd" };

    private static List<NodeSpec> LabelledNodes() =>
    [
        new("cp1", NodeRole.ControlPlane, "192.168.1.10", Schedulable: false, ExcludeFromExternalLoadBalancers: true),
        new("w1", NodeRole.Worker, "192.168.1.101", "a") { Labels = Ssd },
        new("w2", NodeRole.Worker, "192.168.1.102", "a"),
        new("w3", NodeRole.Worker, "192.168.1.103", "b") { Labels = Ssd },
        new("w4", NodeRole.Worker, "192.168.1.104", "b") { Taints = ["dedicated=gpu:NoSchedule"] },
    ];

    private static List<string> Nodes(PlacementSpec placement, int replicas = 4) =>
        new KubeWorld(LabelledNodes(), [KubeWorld.Source("web", replicas: replicas, placement: placement)]).Placement("web").Select(p => p.Node).ToList();

    [Fact]
    public void With_No_Constraint_Pods_Spread_Over_Untainted_Nodes()
    {
        // The control plane's NoSchedule taint and w4's dedicated=gpu:NoSchedule keep pods off them.
        Assert.Equal(["w1", "w2", "w3", "w1"], Nodes(PlacementSpec.Anywhere));
    }

    [Fact]
    public void A_NodeSelector_And_Required_Node_Affinity_Restrict_The_Nodes()
    {
        Assert.Equal(["w1", "w3", "w1", "w3"], Nodes(new PlacementSpec { NodeSelector = Ssd }));

        var notZoneA = new NodeSelectorTerm([new SelectorRequirement(NodeMetadata.ZoneLabel, SelectorOperator.NotIn, ["a"])], []);
        Assert.Equal(["w3", "w3"], Nodes(new PlacementSpec { RequiredNodeTerms = [notZoneA] }, replicas: 2));

        var byName = new NodeSelectorTerm([], [new SelectorRequirement("metadata.name", SelectorOperator.In, ["w2"])]);
        Assert.Equal(["w2", "w3", "w2", "w3"], Nodes(new PlacementSpec { RequiredNodeTerms = [notZoneA, byName] })); // terms are ORed
    }

    [Fact]
    public void A_Toleration_Opens_A_Tainted_Node_And_The_Control_Plane()
    {
        var gpu = new PlacementSpec { Tolerations = [new Toleration("dedicated", false, "gpu", TaintEffect.NoSchedule)], NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "w4" } };
        Assert.Equal(["w4", "w4"], Nodes(gpu, replicas: 2));

        var controlPlane = new PlacementSpec { Tolerations = [new Toleration(Taint.ControlPlaneKey, true, "", TaintEffect.NoSchedule)] };
        Assert.Equal(["cp1", "w1", "w2", "w3", "cp1"], Nodes(controlPlane, replicas: 5));
    }

    [Fact]
    public void Preferred_Node_Affinity_Ranks_Before_Spreading()
    {
        var prefer = new PlacementSpec
        {
            PreferredNodeTerms = [new(50, new NodeSelectorTerm([new SelectorRequirement("disktype", SelectorOperator.In, ["ssd"])], []))],
        };
        Assert.Equal(["w1", "w3", "w1", "w3"], Nodes(prefer));
    }

    [Fact]
    public void Required_Anti_Affinity_By_Hostname_Puts_One_Pod_Per_Node_And_Leaves_The_Rest_Pending()
    {
        var oneEach = new PlacementSpec { RequiredAntiAffinity = [new PodAffinityTerm(LabelSelector.Of(new Dictionary<string, string> { ["app"] = "web" }), NodeMetadata.HostnameLabel, [])] };
        var world = new KubeWorld(LabelledNodes(), [KubeWorld.Source("web", replicas: 4, placement: oneEach)]);

        Assert.Equal(["w1", "w2", "w3"], world.Placement("web").Select(p => p.Node));
        var pending = Assert.Single(world.Events("unschedulable"));
        Assert.Contains("2 do not fit its nodeSelector, affinity, tolerations or pinned nodes, 3 break pod (anti-)affinity", pending.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Anti_Affinity_Is_Checked_Both_Ways_And_By_Zone()
    {
        // Given a cache spread one per zone, and a web Deployment whose pods must avoid zones with a cache pod
        var selectCache = LabelSelector.Of(new Dictionary<string, string> { ["app"] = "cache" });
        var cache = KubeWorld.Source("cache", replicas: 1);
        var web = KubeWorld.Source("web", replicas: 2, placement: new PlacementSpec { RequiredAntiAffinity = [new PodAffinityTerm(selectCache, NodeMetadata.ZoneLabel, [])] });
        var world = new KubeWorld(LabelledNodes(), [cache, web]);

        Assert.Equal(["w1"], world.Placement("cache").Select(p => p.Node)); // zone a
        Assert.Equal(["w3", "w3"], world.Placement("web").Select(p => p.Node)); // zone b only (w4 is tainted)

        // And a pod whose existing neighbours' term selects it is kept out of their domain too
        var loner = KubeWorld.Source("loner", replicas: 1, placement: new PlacementSpec
        {
            RequiredAntiAffinity = [new PodAffinityTerm(LabelSelector.Of(new Dictionary<string, string> { ["app"] = "late" }), NodeMetadata.ZoneLabel, [])],
        });
        var late = KubeWorld.Source("late", replicas: 2);
        var both = new KubeWorld(LabelledNodes(), [loner, late]);
        Assert.Equal(["w1"], both.Placement("loner").Select(p => p.Node));
        Assert.Equal(["w3", "w3"], both.Placement("late").Select(p => p.Node));
    }

    [Fact]
    public void Topology_Spread_With_MaxSkew_1_Balances_Zones_Where_Spreading_By_Node_Would_Not()
    {
        // Zone a has w1 and w2, zone b has w3 (and w4, tainted: its domain still counts, with no pod, by default)
        var byZone = new SpreadConstraint(1, NodeMetadata.ZoneLabel, true, LabelSelector.Of(new Dictionary<string, string> { ["app"] = "web" }));
        Assert.Equal(["w1", "w3", "w2", "w3"], Nodes(new PlacementSpec { Spread = [byZone] }));
        Assert.Equal(["w1", "w2", "w3", "w1"], Nodes(PlacementSpec.Anywhere)); // a: 3, b: 1 without it

        // A hostname constraint counts w4's domain (0 pods, tainted: nodeTaintsPolicy Ignore), so a 4th pod cannot go anywhere
        var byHost = new SpreadConstraint(1, NodeMetadata.HostnameLabel, true, LabelSelector.Of(new Dictionary<string, string> { ["app"] = "web" }));
        Assert.Equal(["w1", "w2", "w3"], Nodes(new PlacementSpec { Spread = [byHost] }));
        Assert.Equal(["w1", "w2", "w3", "w1"], Nodes(new PlacementSpec { Spread = [byHost with { HonorNodeTaints = true }] }));
    }

    [Fact]
    public void Placement_Is_The_Same_On_Every_Build_And_Every_Seed()
    {
        var spread = new PlacementSpec
        {
            Spread = [new SpreadConstraint(2, NodeMetadata.ZoneLabel, false, LabelSelector.Of(new Dictionary<string, string> { ["app"] = "web" }))],
            PreferredAntiAffinity = [new(10, new PodAffinityTerm(LabelSelector.Of(new Dictionary<string, string> { ["app"] = "web" }), NodeMetadata.HostnameLabel, []))],
        };
        var first = new KubeWorld(LabelledNodes(), [KubeWorld.Source("web", replicas: 7, placement: spread)], seed: 1).Placement("web");
        var second = new KubeWorld(LabelledNodes(), [KubeWorld.Source("web", replicas: 7, placement: spread)], seed: 99).Placement("web");

        Assert.Equal(first, second);
    }

    /// <summary>The rule written as a scan of every feasible node and every pod: what the heap must pick.</summary>
    private static Node? Reference(Scheduler scheduler, IReadOnlyList<Node> nodes, List<Pod> live, PodSource d, Func<Node, bool> ready)
    {
        Node? best = null;
        int bestOwn = int.MaxValue, bestAll = int.MaxValue;
        foreach (var n in nodes)
        {
            if (!scheduler.Fits(d, n) || !ready(n))
            {
                continue;
            }
            int own = live.Count(p => p.Node == n && p.Source == d), all = live.Count(p => p.Node == n);
            if (own < bestOwn || (own == bestOwn && all < bestAll))
            {
                (best, bestOwn, bestAll) = (n, own, all);
            }
        }
        return best;
    }

    [Fact]
    public void Heap_Choices_Equal_A_Full_Scan_Through_Placements_Deletions_And_Readiness_Changes()
    {
        // Given 40 nodes (some cordoned), three Deployments (one pinned to a few nodes), and 100 seeded random
        // sequences of placements, deletions and nodes going in and out of readiness
        for (int seed = 0; seed < 100; seed++)
        {
            var random = new Random(seed);
            var specs = Enumerable.Range(0, 40)
                .Select(i => new NodeSpec($"n{i}", NodeRole.Worker, $"10.0.0.{i + 1}", Schedulable: i % 7 != 3))
                .ToList();
            var sim = new Simulation(new RandomStreams(seed, 0));
            var cluster = new Cluster(specs, NetworkSpec.Default, sim.Streams);
            var notReady = new HashSet<Node>();
            bool Ready(Node n) => !notReady.Contains(n);
            var sampler = Distribution.Constant(0.001).CreateSampler(sim.Streams.Get("s"));
            var deployments = new[]
            {
                new PodSource(0, TestScenarios.Nginx(1), 40, sampler),
                new PodSource(1, TestScenarios.Nginx(1) with { Name = "b" }, 40, sampler),
                new PodSource(2, TestScenarios.Nginx(1, pinned: ["n5", "n9", "n3", "n20"]) with { Name = "c" }, 40, sampler),
            };
            var scheduler = new Scheduler(cluster.Nodes, deployments, Ready);
            var live = new List<Pod>();
            var probes = new PodProbeSlot();
            for (int step = 0; step < 300; step++)
            {
                int what = random.Next(10);
                if (what < 6)
                {
                    // When a pod of a random Deployment is placed
                    var d = deployments[random.Next(deployments.Length)];
                    var expected = Reference(scheduler, cluster.Nodes, live, d, Ready);
                    var chosen = scheduler.Place(d, out _);
                    // Then the scheduler picks what the full scan picks
                    Assert.Equal(expected, chosen);
                    if (chosen is not null)
                    {
                        var pod = new Pod(sim, probes, step, d, $"{d.Name}-{step}", step, chosen, sampler);
                        d.Add(pod);
                        live.Add(pod);
                        scheduler.Added(pod);
                    }
                }
                else if (what < 8 && live.Count > 0)
                {
                    var pod = live[random.Next(live.Count)];
                    live.Remove(pod);
                    pod.Source.Remove(pod);
                    scheduler.Removed(pod, wasTerminating: false);
                }
                else
                {
                    var n = cluster.Nodes[random.Next(cluster.Nodes.Count)];
                    if (!notReady.Remove(n))
                    {
                        notReady.Add(n);
                    }
                }
            }
            // And each node's pods are listed by Deployment, oldest first
            foreach (var n in cluster.Nodes)
            {
                var expectedOrder = deployments.SelectMany(d => d.Pods.Where(p => p.Node == n)).ToList();
                Assert.Equal(expectedOrder, scheduler.PodsOn(n));
            }
        }
    }
}
