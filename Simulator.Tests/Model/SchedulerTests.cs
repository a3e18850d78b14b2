using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

public sealed class SchedulerTests
{
    /// <summary>The rule written as a scan of every feasible node and every pod: what the scheduler must pick.</summary>
    private static Node? Reference(IReadOnlyList<Node> nodes, List<Pod> live, DeploymentState d, Func<Node, bool> ready)
    {
        Node? best = null;
        int bestOwn = int.MaxValue, bestAll = int.MaxValue;
        foreach (var n in nodes)
        {
            if (!Scheduler.Feasible(d, n) || !ready(n))
            {
                continue;
            }
            int own = live.Count(p => p.Node == n && p.Deployment == d), all = live.Count(p => p.Node == n);
            if (own < bestOwn || (own == bestOwn && all < bestAll))
            {
                (best, bestOwn, bestAll) = (n, own, all);
            }
        }
        return best;
    }

    [Fact]
    public void Choices_Equal_A_Full_Scan_Through_Placements_Deletions_And_Readiness_Changes()
    {
        // Given 40 nodes (some unschedulable), three Deployments (one pinned to a few nodes), and 100
        // seeded random sequences of placements, deletions and nodes going in and out of readiness
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
            var scheduler = new Scheduler(cluster.Nodes, Ready);
            var deployments = new[]
            {
                new DeploymentState(0, TestScenarios.Nginx(1)),
                new DeploymentState(1, TestScenarios.Nginx(1) with { Name = "b" }),
                new DeploymentState(2, TestScenarios.Nginx(1, pinned: ["n5", "n9", "n3", "n20"]) with { Name = "c" }),
            };
            var live = new List<Pod>();
            var sampler = Distribution.Constant(0.001).CreateSampler(sim.Streams.Get("s"));
            var probes = new PodProbes();
            for (int step = 0; step < 300; step++)
            {
                int what = random.Next(10);
                if (what < 6)
                {
                    // When a pod of a random Deployment is placed
                    var d = deployments[random.Next(deployments.Length)];
                    var expected = Reference(cluster.Nodes, live, d, Ready);
                    var chosen = scheduler.Choose(d);
                    // Then the scheduler picks what the full scan picks
                    Assert.Equal(expected, chosen);
                    if (chosen is not null)
                    {
                        var pod = new Pod(sim, probes, step, d, $"{d.Name}-{step}", chosen, sampler);
                        d.Pods.Add(pod);
                        live.Add(pod);
                        scheduler.Added(pod);
                    }
                }
                else if (what < 8 && live.Count > 0)
                {
                    var pod = live[random.Next(live.Count)];
                    live.Remove(pod);
                    pod.Deployment.Pods.Remove(pod);
                    scheduler.Removed(pod);
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
