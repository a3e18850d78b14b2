using Svcsim.Access;
using Svcsim.Dataplane;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Measurement;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

/// <summary>
/// The indexes that keep a choice or a window's sampling from scanning the cluster give exactly what the
/// scans gave; the limits of routers and cloud load balancers hold.
/// </summary>
public sealed class ScaleIndexTests
{
    [Fact]
    public void The_Minimum_Tree_Answers_What_A_Scan_In_Position_Order_Would()
    {
        // Given 200 positions changed at random 5,000 times (values 0..5 so that ties are common, some absent)
        var random = new Random(12);
        var tree = new MinPositionTree(200);
        var value = new int?[200];
        for (int step = 0; step < 5000; step++)
        {
            int i = random.Next(200);
            if (random.Next(10) == 0)
            {
                tree.Remove(i);
                value[i] = null;
            }
            else
            {
                value[i] = random.Next(6);
                tree.Set(i, value[i]!.Value);
            }

            // Then the best position is the first one holding the smallest value, as a scan keeping the first
            // strictly smaller value finds
            int expected = -1;
            for (int k = 0; k < value.Length; k++)
            {
                if (value[k] is int v && (expected < 0 || v < value[expected]!.Value))
                {
                    expected = k;
                }
            }
            Assert.Equal(expected, tree.Best);
        }
    }

    [Fact]
    public void Least_Connections_Without_A_Scan_Picks_The_First_Least_Connected_Endpoint()
    {
        // Given 60 real pods as an endpoint list and open-connection counts changed at random
        var spec = TestScenarios.Seed(workers: 3, replicas: 60, variants: [TestScenarios.NodePortTo("192.168.1.10")]);
        var runner = new VariantRunner(spec, spec.Variants[0], 0);
        var pods = runner.Model.AllPods.ToArray();
        var positions = new Dictionary<Pod, int>();
        for (int i = 0; i < pods.Length; i++)
        {
            positions[pods[i]] = i;
        }
        var active = new Dictionary<Pod, int>();
        var index = new CandidateIndex(pods, positions);
        var random = new Random(3);
        for (int step = 0; step < 3000; step++)
        {
            // When a connection opens to the endpoint the index picks, or one of the open ones closes
            if (random.Next(3) > 0)
            {
                var chosen = pods[index.Least(active)];
                // Then the pick is the first endpoint with the fewest open connections
                var expected = pods[0];
                foreach (var p in pods)
                {
                    if (active.GetValueOrDefault(p) < active.GetValueOrDefault(expected))
                    {
                        expected = p;
                    }
                }
                Assert.Same(expected, chosen);
                active[chosen] = active.GetValueOrDefault(chosen) + 1;
                index.Changed(chosen, active[chosen], active);
            }
            else if (active.Count > 0)
            {
                var open = active.Keys.OrderBy(p => positions[p]).ElementAt(random.Next(active.Count));
                int left = active[open] - 1;
                if (left == 0)
                {
                    active.Remove(open);
                }
                else
                {
                    active[open] = left;
                }
                index.Changed(open, left, active);
            }
        }
    }

    private static VariantRunResult RunRows(bool idleRows, AccessSpec variant) =>
        new VariantRunner(Spec(idleRows, variant), variant, 0).Run();

    private static Svcsim.Scenarios.ScenarioSpec Spec(bool idleRows, AccessSpec variant) =>
        TestScenarios.Seed(rate: 40, durationS: 90, workers: 6, replicas: 18, faults: [new NodeCrash("w2", 30)], variants: [variant]) with
        {
            Measurement = new MeasurementSpec(WarmupS: 5, WindowS: 5, IdleRows: idleRows),
        };

    public static TheoryData<string> Doors() => new("nodeport", "cloud-lb");

    [Theory]
    [MemberData(nameof(Doors))]
    public void Without_Idle_Rows_A_Window_Keeps_Every_Row_That_Had_Something_And_The_Same_Results(string door)
    {
        // Given the same crash run with a row for every node and pod in every window, and without idle rows
        AccessSpec variant = door == "nodeport" ? TestScenarios.NodePortTo("192.168.1.10") : new CloudLbAccess("cloud-lb", HealthCheckSpec.Presets["gce"]);
        var every = RunRows(idleRows: true, variant);
        var changed = RunRows(idleRows: false, variant);

        // Then the summary is the same, every pod row that had anything is there and unchanged, and only
        // all-zero rows are left out
        Assert.Equal(every.Summary.Requests, changed.Summary.Requests);
        Assert.Equal(every.Summary.Succeeded, changed.Summary.Succeeded);
        Assert.Equal(every.Summary.MaxNodeUtilization, changed.Summary.MaxNodeUtilization);
        Assert.Equal(every.Summary.OverloadS, changed.Summary.OverloadS);
        Assert.Equal(every.Summary.Rejected, changed.Summary.Rejected);
        static bool PodIdle(PodWindowStats p) => p.Requests == 0 && p.Utilization <= 0 && p.QueueLength <= 0 && p.Rejected == 0
            && p.Connections == 0 && p.ConnectionsReset == 0 && p.ConnectionsHung == 0;
        Assert.Equal(every.Pods.Where(p => !PodIdle(p)), changed.Pods);
        Assert.True(changed.Pods.Count < every.Pods.Count, $"{changed.Pods.Count} of {every.Pods.Count} pod rows");
        static bool NodeIdle(NodeWindowStats n) => n.Requests == 0 && n.Utilization <= 0 && n.QueueLength <= 0 && n.Rejected == 0
            && n.BytesIn == 0 && n.BytesOut == 0;
        Assert.Equal(every.Nodes.Where(n => !NodeIdle(n)), changed.Nodes);
        Assert.Contains(changed.Nodes, n => n.Node == "w3" && n.Utilization > 0); // busy nodes are measured against all their pods
    }

    private static (IReadOnlyList<Node> Targets, VariantRunResult Run) Limited(int total, int perZone)
    {
        // 8 workers in two zones, alternating from zone a (the control plane's)
        var nodes = new List<NodeSpec> { TestScenarios.ControlPlane with { Zone = "a" } };
        nodes.AddRange(TestScenarios.Workers(8).Select((n, i) => n with { Zone = i % 2 == 0 ? "a" : "b" }));
        var variant = new CloudLbAccess("cloud-lb", HealthCheckSpec.Presets["aws-nlb"], MaxTargets: total, MaxTargetsPerZone: perZone);
        var spec = TestScenarios.Seed(rate: 100, durationS: 40, workers: 8, replicas: 8, variants: [variant]) with { Nodes = nodes };
        var runner = new VariantRunner(spec, variant, 0);
        var run = runner.Run();
        return (Assert.IsType<CloudLbFrontDoor>(runner.FrontDoor).Targets, run);
    }

    [Fact]
    public void A_Cloud_Lb_Registers_No_More_Targets_Than_Its_Limits_And_Sends_Only_To_Them()
    {
        // Given a load balancer that takes at most 2 targets per zone
        var (perZone, run) = Limited(total: 0, perZone: 2);

        // Then the first two nodes of each zone are its targets, the trace says so, and requests enter through them only
        // (the control plane is labelled exclude-from-external-load-balancers)
        Assert.Equal(["w1", "w2", "w3", "w4"], perZone.Select(n => n.Name));
        Assert.Contains(run.Events, e => e.Kind == "lb-target-limit" && e.Detail.Contains("registered 4 of 8 nodes", StringComparison.Ordinal));
        Assert.All(run.Nodes.Where(n => n.Requests > 0), n => Assert.Contains(n.Node, perZone.Select(t => t.Name)));
        Assert.True(run.Summary.Succeeded > 0.95 * run.Summary.Requests, $"{run.Summary.Succeeded}/{run.Summary.Requests}");

        // And a limit in all takes the first nodes in node order
        Assert.Equal(["w1", "w2", "w3"], Limited(total: 3, perZone: 0).Targets.Select(n => n.Name));
        Assert.Equal(8, Limited(total: 0, perZone: 0).Targets.Count);
    }

    [Theory]
    [InlineData("nodeport")]
    [InlineData("cloud-lb")]
    public void Per_Node_Timers_Wait_Apart_From_The_Packets_So_A_Delivery_Does_Not_Grow_With_The_Cluster(string door)
    {
        // Given a generated 300-node world (a kubelet lease per node; with a cloud LB a health check per node too)
        var spec = Svcsim.Scenarios.ScenarioLoader.LoadText(Svcsim.Scenarios.ScenarioGenerator.Write(
            new Svcsim.Scenarios.GeneratorOptions(300, Rate: 400, DurationS: 120, Variants: [door])), "generated-300.yaml").Spec;
        var runner = new VariantRunner(spec, spec.Variants[0], 0);

        // When it has run 30 simulated seconds of traffic
        runner.RunUntilRequests(12_000);
        var sim = runner.Simulation;

        // Then every node's timers wait in the far heap, and the heap each delivery sifts holds only what is in flight
        Assert.True(sim.FarPendingEvents >= 300, $"{sim.FarPendingEvents} far of {sim.PendingEvents}");
        Assert.True(sim.PendingEvents - sim.FarPendingEvents < 60, $"{sim.PendingEvents - sim.FarPendingEvents} near of {sim.PendingEvents}");
    }

    [Fact]
    public void The_Presets_Carry_Each_Clouds_Documented_Target_Limits()
    {
        static CloudLbAccess Read(string preset)
        {
            string text = Svcsim.Scenarios.ScenarioGenerator.Write(new Svcsim.Scenarios.GeneratorOptions(4, Variants: ["cloud-lb"]))
                .Replace("preset: gce", $"preset: {preset}", StringComparison.Ordinal);
            return Assert.IsType<CloudLbAccess>(Svcsim.Scenarios.ScenarioLoader.LoadText(text, "limits.yaml").Spec.Variants[0]);
        }

        Assert.Equal((3000, 500), (Read("aws-nlb").MaxTargets, Read("aws-nlb").MaxTargetsPerZone));
        Assert.Equal((1000, 0), (Read("aws-clb").MaxTargets, Read("aws-clb").MaxTargetsPerZone));
        Assert.Equal((1000, 0), (Read("azure").MaxTargets, Read("azure").MaxTargetsPerZone));
        Assert.Equal((0, 0), (Read("gce").MaxTargets, Read("gce").MaxTargetsPerZone));
    }

    [Fact]
    public void A_Router_With_Max_Paths_Hashes_Over_That_Many_Nodes()
    {
        // Given five announcing workers and a router that installs at most four equal paths
        var variant = new MetalLbBgpAccess("metallb-bgp", MaxPaths: 4);
        var spec = TestScenarios.Seed(rate: 200, durationS: 30, workers: 5, replicas: 5, variants: [variant]);
        var runner = new VariantRunner(spec, variant, 0);
        var run = runner.Run();

        // Then four next hops carry all of the traffic
        var bgp = Assert.IsType<MetalLbBgpFrontDoor>(runner.FrontDoor);
        var routes = bgp.Routes(runner.Model.Services.Single(s => s.Spec.Type == ServiceType.LoadBalancer));
        Assert.Equal(["w1", "w2", "w3", "w4"], routes.Select(n => n.Name));
        var entries = run.Nodes.Where(n => n.Requests > 0).Select(n => n.Node).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["w1", "w2", "w3", "w4"], entries);
    }
}
