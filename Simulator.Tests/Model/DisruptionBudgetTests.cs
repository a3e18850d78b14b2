using System.Globalization;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// PodDisruptionBudgets as the Eviction API applies them to a drain (kubernetes.io: "Specifying a Disruption
/// Budget for your Application"; policy/v1 PodDisruptionBudgetSpec): desiredHealthy from minAvailable or
/// maxUnavailable, refused evictions asked again every 5 s as kubectl drain does, the unhealthy-pod policy,
/// and what a budget spares the clients when two nodes are drained at once.
/// </summary>
public sealed class DisruptionBudgetTests(ITestOutputHelper output)
{
    private static readonly LabelSelector Web = LabelSelector.Of(new Dictionary<string, string> { ["app"] = "web" });

    private static DisruptionBudgetSpec MinAvailable(int n) => new("web-pdb", "default", Web, new IntOrPercent(n, false), null);

    [Theory]
    [InlineData(2, false, null, false, 10, 2)] // minAvailable 2
    [InlineData(50, true, null, false, 3, 2)] // minAvailable 50 % of 3: 1.5 rounded up
    [InlineData(null, false, 1, false, 4, 3)] // maxUnavailable 1 of 4
    [InlineData(null, false, 25, true, 10, 7)] // maxUnavailable 25 % of 10: 2.5 rounded up to 3
    [InlineData(null, false, 0, false, 3, 3)] // maxUnavailable 0: no voluntary eviction
    [InlineData(null, false, null, false, 3, 0)] // neither: nothing to keep
    public void Desired_Healthy_Pods_Follow_The_Disruption_Controllers_Rounding(int? min, bool minPercent, int? max, bool maxPercent, int expected, int desired)
    {
        var b = new DisruptionBudgetSpec("b", "default", Web, min is { } m ? new IntOrPercent(m, minPercent) : null, max is { } x ? new IntOrPercent(x, maxPercent) : null);
        Assert.Equal(desired, b.DesiredHealthy(expected));
    }

    [Fact]
    public void A_Drain_Of_Two_Nodes_Evicts_The_Second_Pod_Only_Once_The_Firsts_Replacement_Is_Ready()
    {
        // Given web's 2 pods on w1 and w2, a budget of minAvailable 1, and both nodes drained at 10 s
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", replicas: 2)], budgets: [MinAvailable(1)]);
        Assert.Equal(["w1", "w2"], world.Placement("web").Select(p => p.Node));
        world.At(10, () => world.Model.DrainNode(world.Node("w1"), double.PositiveInfinity));
        world.At(10, () => world.Model.DrainNode(world.Node("w2"), double.PositiveInfinity));

        int minReady = int.MaxValue;
        var s = world.Model.Source("web");
        for (double t = 10; t <= 30; t += 0.1)
        {
            world.RunTo(t);
            minReady = Math.Min(minReady, s.Pods.Count(p => p.EndpointReady && !p.Terminating));
        }

        // Then at least one pod is ready at every moment
        Assert.Equal(1, minReady);
        // And web-1's eviction is refused at 10 s and granted at the drain's next attempt, 5 s later (the
        // replacement of web-0 started in 1 s and was ready before then)
        var refused = world.Events("eviction-refused");
        Assert.Equal("web-1", Assert.Single(refused).Subject);
        Assert.Contains("would violate PodDisruptionBudget web-pdb (1 healthy, 1 needed)", refused[0].Detail, StringComparison.Ordinal);
        var evicted = world.Events("pod-evicted");
        Assert.Equal([("web-0", 10.0), ("web-1", 15.0)], evicted.Select(e => (e.Subject, Math.Round(e.T, 6))));
        Assert.Contains("after 1 refused attempt", evicted[1].Detail, StringComparison.Ordinal);
        Assert.All(world.Placement("web"), p => Assert.Equal("w3", p.Node));
    }

    [Fact]
    public void Without_A_Budget_The_Same_Drain_Leaves_No_Pod_Ready()
    {
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", replicas: 2)]);
        world.At(10, () => world.Model.DrainNode(world.Node("w1"), double.PositiveInfinity));
        world.At(10, () => world.Model.DrainNode(world.Node("w2"), double.PositiveInfinity));
        world.RunTo(10.5);

        Assert.Equal(0, world.Model.Source("web").Pods.Count(p => p.EndpointReady && !p.Terminating));
        Assert.Equal(2, world.Events("pod-evicted").Count);
        Assert.Empty(world.Events("eviction-refused"));
    }

    [Fact]
    public void MaxUnavailable_0_Blocks_The_Drain_Until_The_Node_Is_Uncordoned_And_Then_Asks_No_More()
    {
        // Given a budget that allows no voluntary disruption, and w1 drained at 10 s for 30 s
        var budget = new DisruptionBudgetSpec("web-pdb", "default", Web, null, new IntOrPercent(0, false));
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", replicas: 3)], budgets: [budget]);
        world.At(10, () => world.Model.DrainNode(world.Node("w1"), 30));
        world.RunTo(120);

        // Then the pod on w1 is never evicted, its refusal is written once, and it is still there after the uncordon
        Assert.Empty(world.Events("pod-evicted"));
        Assert.Equal("web-0", Assert.Single(world.Events("eviction-refused")).Subject);
        Assert.Contains(world.Placement("web"), p => p == ("web-0", "w1"));
        Assert.Single(world.Events("node-uncordon"));
    }

    [Theory]
    [InlineData(false, 0)] // IfHealthyBudget: 1 healthy < 2 desired, the crashed pod stays
    [InlineData(true, 1)] // AlwaysAllow: an unready pod may always go
    public void An_Unready_Pod_Is_Evicted_Under_A_Broken_Budget_Only_With_AlwaysAllow(bool alwaysAllow, int evicted)
    {
        // Given web-1 on w2 crashed at 5 s (back in 60 s), a budget of minAvailable 2, and w2 drained at 8 s
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", replicas: 2)], budgets: [MinAvailable(2) with { AlwaysAllowUnhealthy = alwaysAllow }]);
        world.At(5, () => world.Model.CrashPod(world.Model.Source("web").Pods[1], Time.FromSeconds(60)));
        world.At(8, () => world.Model.DrainNode(world.Node("w2"), double.PositiveInfinity));
        world.RunTo(7.9);
        Assert.Equal([true, false], world.Model.Source("web").Pods.Select(p => p.EndpointReady));
        world.RunTo(8.1);

        Assert.Equal(evicted, world.Events("pod-evicted").Count(e => e.Subject == "web-1"));
    }

    [Fact]
    public void A_Pod_Two_Budgets_Cover_Is_Never_Evicted()
    {
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", replicas: 3)],
            budgets: [MinAvailable(0), MinAvailable(0) with { Name = "other" }]);
        world.At(10, () => world.Model.DrainNode(world.Node("w1"), double.PositiveInfinity));
        world.RunTo(30);

        Assert.Empty(world.Events("pod-evicted"));
        Assert.Contains("more than one PodDisruptionBudget (web-pdb, other)", Assert.Single(world.Events("eviction-refused")).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Budget_Spares_The_Clients_The_Gap_A_Drain_Of_Both_Nodes_Would_Leave()
    {
        // Given 200/s through w3's node port to deploy-nginx's 2 pods on w1 and w2 (5 s to start, a 2 s preStop),
        // both nodes drained at 20 s
        (long Failed, long Refused) Run(bool budget)
        {
            var spec = TestScenarios.Seed(rate: 200, durationS: 60, replicas: 2, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(3))],
                faults: [new NodeDrain("w1", 20), new NodeDrain("w2", 20)]);
            spec = spec with
            {
                PodSources = [spec.PodSources[0] with { Health = new HealthSpec(PreStopS: 2) }],
                DisruptionBudgets = budget ? [new DisruptionBudgetSpec("nginx", "default", LabelSelector.Of(TestScenarios.NginxLabels), new IntOrPercent(1, false), null)] : [],
            };
            var run = new VariantRunner(spec, spec.Variants[0], 0).Run();
            return (run.Summary.Failed, run.Summary.FailedByCause[(int)FailureCause.Refused]);
        }

        var without = Run(budget: false);
        var with = Run(budget: true);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"drain of w1 and w2: {without.Failed} failed ({without.Refused} refused) without a budget, {with.Failed} with minAvailable 1"));

        // Then without a budget both pods are gone after their 2 s preStop and the replacements serve only
        // after their 5 s start: about 3 s without endpoints, 200/s refused (one second either way for the
        // kubelet's and the proxies' delays)
        Assert.InRange(without.Refused, 200 * 2, 200 * 4);
        // And with minAvailable 1 one pod is ready at every moment and a terminating one keeps serving through
        // its preStop until the proxies have moved on: no request fails
        Assert.Equal(0, with.Failed);
    }
}
