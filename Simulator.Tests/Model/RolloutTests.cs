using System.Globalization;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// Rollouts by update strategy (kubernetes.io: Deployment "Rolling Update Deployment" and "Recreate",
/// StatefulSet "Rolling Updates", DaemonSet "Perform a Rolling Update"): how many pods run and serve at each
/// moment, in which order they are replaced, and what a rollout costs the clients.
/// </summary>
public sealed class RolloutTests(ITestOutputHelper output)
{
    private static UpdateStrategy Rolling(int surge, int unavailable) => new(UpdateKind.RollingUpdate, new IntOrPercent(surge, false), new IntOrPercent(unavailable, false));

    /// <summary>Samples, every 0.1 s from <paramref name="from"/> to <paramref name="to"/>, the source's pods: (not terminating, ready and not terminating, of the new revision).</summary>
    private static List<(double T, int Pods, int Ready, int New)> Sample(KubeWorld world, string source, double from, double to)
    {
        var samples = new List<(double, int, int, int)>();
        var s = world.Model.Source(source);
        for (double t = from; t <= to; t += 0.1)
        {
            world.RunTo(t);
            samples.Add((t, s.Active, s.Pods.Count(p => p.EndpointReady && !p.Terminating), s.Pods.Count(p => p.Revision == s.Revision && !p.Terminating)));
        }
        return samples;
    }

    [Fact]
    public void A_Rolling_Update_With_MaxSurge_1_And_MaxUnavailable_0_Never_Drops_Below_The_Replicas()
    {
        var web = KubeWorld.Source("web", replicas: 4) with { Update = Rolling(1, 0) };
        var world = new KubeWorld(KubeWorld.Nodes(3), [web]);
        world.At(10, () => world.Model.Rollout(world.Model.Source("web")));

        var samples = Sample(world, "web", 10, 40);

        // Then at most 5 pods run, at least 4 are ready at every moment, and it ends with 4 new ones
        Assert.All(samples, s => Assert.InRange(s.Pods, 4, 5));
        Assert.All(samples, s => Assert.True(s.Ready >= 4, $"{s.Ready} ready at {s.T:F1} s"));
        Assert.Equal((4, 4, 4), (samples[^1].Pods, samples[^1].Ready, samples[^1].New));
        // And each old pod goes only once a new one is ready (1 s to start here): four steps of about 1 s
        var complete = world.Events("rollout-complete").Single().T;
        Assert.InRange(complete - 10, 4, 4 * 1.5);
    }

    [Fact]
    public void A_Rolling_Update_With_25_Percent_Defaults_Replaces_A_Quarter_At_A_Time()
    {
        var web = KubeWorld.Source("web", replicas: 8); // maxSurge 25 % = 2 (up), maxUnavailable 25 % = 2 (down)
        var world = new KubeWorld(KubeWorld.Nodes(3), [web]);
        world.At(10, () => world.Model.Rollout(world.Model.Source("web")));

        var samples = Sample(world, "web", 10, 30);

        Assert.Equal(10, samples.Max(s => s.Pods));
        Assert.Equal(6, samples.Min(s => s.Ready));
        Assert.Equal(8, samples[^1].New);
    }

    [Fact]
    public void Recreate_Deletes_Every_Old_Pod_Before_Making_New_Ones()
    {
        var web = KubeWorld.Source("web", replicas: 3, health: new HealthSpec(PreStopS: 2)) with
        {
            Update = new UpdateStrategy(UpdateKind.Recreate, new IntOrPercent(0, false), new IntOrPercent(0, false)),
        };
        var world = new KubeWorld(KubeWorld.Nodes(3), [web]);
        world.At(10, () => world.Model.Rollout(world.Model.Source("web")));

        var samples = Sample(world, "web", 10, 20);

        // Then no pod serves from the end of the old pods' preStop until the new ones have started
        Assert.Contains(samples, s => s.Ready == 0);
        double firstNew = world.Events("pod-scheduled").Min(e => e.T);
        double lastGone = world.Events("pod-deleted").Max(e => e.T);
        Assert.Equal(12, lastGone, 6);
        Assert.True(firstNew >= lastGone, $"a new pod at {firstNew} s before the last old one went at {lastGone} s");
        Assert.Equal(3, samples[^1].New);
    }

    [Fact]
    public void A_StatefulSet_Rolls_One_Pod_At_A_Time_From_The_Highest_Ordinal_Down_To_Its_Partition()
    {
        var db = KubeWorld.Source("db", PodSourceKind.StatefulSet, replicas: 4) with
        {
            Update = new UpdateStrategy(UpdateKind.RollingUpdate, new IntOrPercent(0, false), new IntOrPercent(1, false), Partition: 1),
        };
        var world = new KubeWorld(KubeWorld.Nodes(3), [db]);
        world.At(10, () => world.Model.Rollout(world.Model.Source("db")));

        world.RunTo(60);

        var replaced = world.Events("pod-terminating").Select(e => e.Subject).ToList();
        Assert.Equal(["db-3", "db-2", "db-1"], replaced); // db-0 is below the partition
        var deleted = world.Events("pod-terminating").Select(e => e.T).ToList();
        var ready = world.Events("pod-ready").Select(e => e.T).ToList();
        // Each next pod goes only after the one before it is back and ready
        Assert.True(deleted[1] >= ready[0] && deleted[2] >= ready[1], $"deleted at {string.Join(", ", deleted)}; ready at {string.Join(", ", ready)}");
        Assert.Equal([0, 1, 1, 1], world.Model.Source("db").Pods.OrderBy(p => p.Ordinal).Select(p => p.Revision));
        Assert.Single(world.Events("rollout-complete"));
    }

    [Fact]
    public void A_DaemonSet_Rolls_One_Node_At_A_Time_And_Each_Pod_Comes_Back_On_Its_Node()
    {
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("logs", PodSourceKind.DaemonSet) with { Update = UpdateStrategy.For(PodSourceKind.DaemonSet) }]);
        world.At(10, () => world.Model.Rollout(world.Model.Source("logs")));

        var samples = Sample(world, "logs", 10, 30);

        Assert.All(samples, s => Assert.True(s.Ready >= 2, $"{s.Ready} ready at {s.T:F1} s"));
        Assert.Equal(["logs-w1", "logs-w2", "logs-w3"], world.Events("pod-terminating").Select(e => e.Subject));
        Assert.Equal(["w1", "w2", "w3"], world.Placement("logs").Select(p => p.Node).Order(StringComparer.Ordinal));
        Assert.All(world.Model.Source("logs").Pods, p => Assert.Equal(1, p.Revision));
    }

    /// <summary>One run of 200/s through w2's node port to deploy-nginx's 3 pods (5 s to start), rolled at 30 s.</summary>
    private static (long Failed, long Refused) RolledRun(UpdateStrategy update, double preStopS)
    {
        var spec = TestScenarios.Seed(rate: 200, durationS: 60, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(2))],
            faults: [new WorkloadRollout("deploy-nginx", 30)]);
        spec = spec with { PodSources = [spec.PodSources[0] with { Health = new HealthSpec(PreStopS: preStopS), Update = update }] };
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();
        Assert.Single(run.Events, e => e.Kind == "rollout-complete");
        return (run.Summary.Failed, run.Summary.FailedByCause[(int)Svcsim.Network.FailureCause.Refused]);
    }

    [Fact]
    public void A_Rolling_Update_Loses_Requests_Without_A_PreStop_And_None_With_One()
    {
        // Given a rolling update with maxSurge 1 and maxUnavailable 0
        long without = RolledRun(Rolling(1, 0), 0).Failed, with = RolledRun(Rolling(1, 0), 5).Failed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rollout: {without} requests failed without preStop, {with} with a 5 s preStop sleep"));

        // Then each replaced pod refuses connections from SIGTERM on while kube-proxies still send it a third
        // of them for the slice delay and their sync; a preStop longer than that serves them all
        Assert.InRange(without, 1, 3 * (200 / 3 * 0.6 + 10));
        Assert.Equal(0, with);
    }

    [Fact]
    public void Recreate_Leaves_The_Service_Without_Endpoints_For_The_New_Pods_Start_And_A_Rolling_Update_Never_Does()
    {
        // Given the same 5 s preStop, Recreate against a rolling update with maxUnavailable 0
        var recreate = RolledRun(new UpdateStrategy(UpdateKind.Recreate, new IntOrPercent(0, false), new IntOrPercent(0, false)), 5);
        var rolling = RolledRun(Rolling(1, 0), 5);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rollout with a 5 s preStop: Recreate {recreate.Failed} failed ({recreate.Refused} refused), RollingUpdate maxUnavailable 0 {rolling.Failed}"));

        // Then Recreate's old pods serve through their preStop (terminating endpoints, none ready) and the new
        // ones are made only once they are gone: no endpoint for the new pods' 5 s start, 200/s refused (a
        // second either way for the kubelet's and the proxies' delays); the rolling update loses none
        Assert.InRange(recreate.Refused, 200 * 4, 200 * 6);
        Assert.Equal(0, rolling.Failed);
    }
}
