using Svcsim.Kubernetes;

namespace Svcsim.Tests.Model;

/// <summary>
/// Each kind of pod source names, places and replaces pods as its controller does, when a node crashes and
/// the control plane evicts what ran there (kubernetes.io: ReplicaSet, StatefulSet, DaemonSet pages;
/// force-delete-stateful-set-pod; taint-and-toleration).
/// </summary>
public sealed class PodSourceTests
{
    // w3 crashes at 10 s; it is marked NotReady at the first monitor tick more than the 50 s grace period after
    // its last lease (both timers at this replication's phases: KubeWorld.NotReadyAfterCrash), tainted then, and
    // its pods are evicted 300 s later (DefaultTolerationSeconds).
    private const double Crash = 10;

    private static (double NotReady, double Evicted) Times(KubeWorld world)
    {
        double notReady = world.NotReadyAfterCrash("w3", Crash);
        Assert.InRange(notReady - Crash, 40, 55); // the window the timers allow: a lease 0 to 10 s old, a tick within 5 s
        return (notReady, notReady + 300);
    }

    [Fact]
    public void A_Deployment_Replaces_An_Evicted_Pod_At_Once_On_Another_Node_With_A_New_Name()
    {
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web")]);
        world.At(Crash, () => world.Model.CrashNode(world.Node("w3")));
        var (NotReady, Evicted) = Times(world);

        world.RunTo(Evicted + 1);

        Assert.Equal(NotReady, world.Events("node-not-ready").Single().T, 6);
        Assert.Equal("web-2", world.Events("pod-evicted").Single().Subject);
        Assert.Equal(Evicted, world.Events("pod-evicted").Single().T, 6);
        Assert.Equal([("web-0", "w1"), ("web-1", "w2"), ("web-2", "w3"), ("web-3", "w1")], world.Placement("web"));
        Assert.True(world.Model.Source("web").Pods[2].Terminating); // the old one waits on the dead node
        Assert.Equal(3, world.Model.Source("web").Active);
    }

    [Fact]
    public void A_StatefulSet_Pod_Is_Recreated_With_Its_Name_Only_Once_The_Old_Pod_Is_Gone_Not_While_Its_Node_Is_Unreachable()
    {
        // Given a StatefulSet of 3 and w3 crashing for 10 minutes
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("db", PodSourceKind.StatefulSet)]);
        world.At(Crash, () => world.Model.CrashNode(world.Node("w3")));
        var (_, Evicted) = Times(world);
        world.At(Crash + 600, () => world.Model.StartNode(world.Node("w3")));

        // When the pod on w3 has been evicted and the node is still down
        world.RunTo(Evicted + 200);

        // Then db-2 is terminating on w3 and nothing replaces it: a second db-2 could run beside the first
        Assert.Equal(Evicted, world.Events("pod-evicted").Single().T, 6);
        Assert.Equal([("db-0", "w1"), ("db-1", "w2"), ("db-2", "w3")], world.Placement("db"));
        Assert.True(world.Model.Source("db").Pods[2].Terminating);
        Assert.Empty(world.Events("pod-scheduled"));

        // When the node's kubelet comes back and confirms the old pod gone, db-2 is made again, with its name
        world.RunTo(Crash + 600 + 30);
        double kubelet = world.Events("kubelet-start").Single().T;
        Assert.Equal(kubelet, world.Events("pod-deleted").Single(e => e.Subject == "db-2").T);
        var scheduled = world.Events("pod-scheduled").Single();
        Assert.Equal(("db-2", kubelet), (scheduled.Subject, scheduled.T));
        Assert.Equal(["db-0", "db-1", "db-2"], world.Model.Source("db").Pods.Select(p => p.Name));
        Assert.All(world.Model.Source("db").Pods, p => Assert.False(p.Terminating));
    }

    [Fact]
    public void A_DaemonSet_Runs_One_Pod_On_Every_Node_It_Fits_And_Lives_And_Dies_With_It()
    {
        // Given an agent DaemonSet (not tolerating the control plane's taint) and an ingress controller one that tolerates everything
        var all = new PlacementSpec { Tolerations = [new Toleration("", true, "", null)] };
        var world = new KubeWorld(KubeWorld.Nodes(3),
            [KubeWorld.Source("agent", PodSourceKind.DaemonSet), KubeWorld.Source("ingress", PodSourceKind.DaemonSet, placement: all)]);
        world.At(Crash, () => world.Model.CrashNode(world.Node("w2")));
        world.At(Crash + 500, () => world.Model.StartNode(world.Node("w2")));

        Assert.Equal([("agent-w1", "w1"), ("agent-w2", "w2"), ("agent-w3", "w3")], world.Placement("agent"));
        Assert.Equal(["cp1", "w1", "w2", "w3"], world.Placement("ingress").Select(p => p.Node));

        // When w2 has been down long past the eviction time
        world.RunTo(Crash + 499);

        // Then its DaemonSet pods were neither evicted nor rescheduled: they tolerate unreachable for ever
        Assert.Empty(world.Events("pod-evicted"));
        Assert.Empty(world.Events("pod-scheduled"));
        var agent = world.Model.Source("agent").Pods[1];
        Assert.False(agent.Running);
        Assert.False(agent.EndpointReady);

        // And when the node returns its pod runs again on it
        world.RunTo(Crash + 560);
        Assert.True(agent.Running && agent.EndpointReady);
        Assert.Equal(3, world.Model.Source("agent").Pods.Count);
    }

    [Fact]
    public void A_Bare_Pod_Is_Evicted_And_Never_Replaced()
    {
        var pinned = new PlacementSpec { NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "w3" } };
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("lone", PodSourceKind.Pod, replicas: 1, placement: pinned)]);
        world.At(Crash, () => world.Model.CrashNode(world.Node("w3")));
        world.At(Crash + 400, () => world.Model.StartNode(world.Node("w3")));

        world.RunTo(Crash + 500);

        Assert.Equal("lone", world.Events("pod-evicted").Single().Subject);
        Assert.Equal("lone", world.Events("pod-deleted").Single().Subject); // gone once w3's kubelet returns
        Assert.Empty(world.Events("pod-scheduled"));
        Assert.Empty(world.Model.Source("lone").Pods);
    }

    [Fact]
    public void A_Pod_Is_Evicted_When_Its_Own_Toleration_Of_Unreachable_Runs_Out()
    {
        // Given pods that tolerate node.kubernetes.io/unreachable for 30 s instead of the default 300 s
        var quick = new PlacementSpec { Tolerations = [new Toleration(Taint.UnreachableKey, true, "", TaintEffect.NoExecute, 30)] };
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", placement: quick), KubeWorld.Source("slow")]);
        world.At(Crash, () => world.Model.CrashNode(world.Node("w3")));
        var (NotReady, Evicted) = Times(world);

        world.RunTo(Evicted + 1);

        var evictions = world.Events("pod-evicted").Select(e => (e.Subject, e.T)).ToList();
        Assert.Equal(["web-2", "slow-2"], evictions.Select(e => e.Subject));
        Assert.Equal(NotReady + 30, evictions[0].T, 6);
        Assert.Equal(Evicted, evictions[1].T, 6);
    }
}
