using System.Globalization;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// Graceful termination: a deleted pod's endpoint turns terminating (serving while ready) at once, kube-proxy
/// falls back to serving terminating endpoints when no endpoint is ready (KEP-1669, GA 1.28), preStop runs
/// before SIGTERM, and terminationGracePeriodSeconds bounds the work in flight (pod-lifecycle page, "Termination
/// of Pods").
/// </summary>
public sealed class TerminationTests(ITestOutputHelper output)
{
    private static readonly PlacementSpec OnlyW1 = new() { NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "w1" } };

    [Fact]
    public void A_Drained_Pod_Is_Terminating_And_Serving_While_Its_Replacement_Starts_Elsewhere()
    {
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", health: new HealthSpec(PreStopS: 10))]);
        world.At(30, () => world.Model.DrainNode(world.Node("w1"), double.PositiveInfinity));

        world.RunTo(31);

        // The endpoint is terminating and serving; the replacement is scheduled at once on another node
        var svc = world.Model.Services[0];
        var old = svc.Endpoints.Conditions.Single(e => e.Pod.Name == "web-0");
        Assert.Equal((false, true, true), (old.Ready, old.Serving, old.Terminating));
        Assert.Equal(("web-3", "w2"), (world.Events("pod-scheduled").Single().Subject, world.Model.Source("web").Pods[^1].Node.Name));
        // And kube-proxy no longer sends new connections to it: ready endpoints exist
        Assert.All(world.Proxies.All, p => Assert.DoesNotContain(p.View(svc.Index), pod => pod.Name == "web-0"));

        // When the preStop hook is over, SIGTERM: it holds no request, so it exits and is gone
        world.RunTo(41);
        Assert.Equal(40, world.Events("pod-deleted").Single(e => e.Subject == "web-0").T, 6);
    }

    [Fact]
    public void Kube_Proxy_Falls_Back_To_Serving_Terminating_Endpoints_When_None_Is_Ready()
    {
        // Given the only pod of a Service, which may run on w1 alone, drained with a 20 s preStop: its replacement
        // cannot be placed (w1 is cordoned)
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", replicas: 1, placement: OnlyW1, health: new HealthSpec(PreStopS: 20))]);
        world.At(30, () => world.Model.DrainNode(world.Node("w1"), double.PositiveInfinity));
        var svc = world.Model.Services[0];

        // Then while it serves in its preStop, every kube-proxy still forwards to it
        world.RunTo(45);
        Assert.NotEmpty(world.Events("unschedulable"));
        Assert.All(world.Proxies.All, p => Assert.Equal(["web-0"], p.View(svc.Index).Select(pod => pod.Name)));
        Assert.Empty(svc.ReadyEndpoints);

        // And once it is gone (SIGTERM at 50 s, nothing in flight) nothing is left to forward to
        world.RunTo(52);
        Assert.All(world.Proxies.All, p => Assert.Empty(p.View(svc.Index)));
    }

    [Fact]
    public void A_Terminating_Pod_That_Fails_Readiness_Is_Not_Used_Even_As_A_Fallback()
    {
        // Given the same lone pod, now with a readiness probe (answered in 30 s, within its 60 s timeout) that
        // SIGTERM's closed listener fails, and a 30 s request in flight when it is drained
        var probe = new ProbeSpec(ProbeAction.HttpGet, PeriodS: 1, TimeoutS: 60, FailureThreshold: 1);
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", replicas: 1, placement: OnlyW1,
            capacity: new PodCapacity(2, 10, Distribution.Constant(30)), health: new HealthSpec(Readiness: probe, TerminationGracePeriodS: 120))]);
        var svc = world.Model.Services[0];
        world.At(29, () => world.Model.Source("web").Pods[0].Deliver(world.Sim.Now, new Svcsim.Network.Request { Owner = NoOwner.Instance }));
        world.At(30, () => world.Model.DrainNode(world.Node("w1"), double.PositiveInfinity));

        // When SIGTERM has closed the listener and the readiness probe has failed, though the pod still works on
        // the request it holds
        world.RunTo(34);

        // Then the endpoint is terminating and not serving: kube-proxy has nothing to fall back to
        var e = svc.Endpoints.Conditions.Single();
        Assert.Equal((false, false, true), (e.Ready, e.Serving, e.Terminating));
        Assert.All(world.Proxies.All, p => Assert.Empty(p.View(svc.Index)));
        Assert.True(world.Model.Source("web").Pods[0].Running);
    }

    [Fact]
    public void TerminationGracePeriodSeconds_Bounds_The_Work_In_Flight()
    {
        // Given a pod busy with a 60 s request when it is deleted
        (double Gone, string Why) Drain(double grace)
        {
            var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", replicas: 1, placement: OnlyW1,
                capacity: new PodCapacity(1, 10, Distribution.Constant(60)), health: new HealthSpec(TerminationGracePeriodS: grace))]);
            world.At(29, () => world.Model.Source("web").Pods[0].Deliver(world.Sim.Now, new Svcsim.Network.Request { Owner = NoOwner.Instance }));
            world.At(30, () => world.Model.DrainNode(world.Node("w1"), double.PositiveInfinity));
            world.RunTo(200);
            var gone = world.Events("pod-deleted").Single();
            return (gone.T, gone.Detail);
        }

        // Then with 30 s of grace it is killed at 60 s; with 120 s it finishes the request at 89 s and exits
        var killed = Drain(30);
        var finished = Drain(120);
        Assert.Equal(60, killed.Gone, 6);
        Assert.Contains("killed at the end of its grace period", killed.Why, StringComparison.Ordinal);
        Assert.Equal(89, finished.Gone, 6);
        Assert.Contains("exited after finishing its requests", finished.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PreStop_Sleep_Longer_Than_The_Endpoint_Update_Makes_A_Drain_Lossless()
    {
        // Given clients at 200/s through w2's node port, 3 pods, and w1 drained at 30 s
        long Failed(double preStopS)
        {
            var spec = TestScenarios.Seed(rate: 200, durationS: 60, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(2))],
                faults: [new NodeDrain("w1", 30)]);
            spec = spec with { PodSources = [spec.PodSources[0] with { Health = new HealthSpec(PreStopS: preStopS) }] };
            return new VariantRunner(spec, spec.Variants[0], 0).Run().Summary.Failed;
        }

        long without = Failed(0), with = Failed(5);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"drain: {without} requests failed without preStop, {with} with a 5 s preStop sleep"));

        // Then without a preStop the pod refuses connections the moment it is deleted, while kube-proxies still
        // send it a third of them until the slice reaches them (0.1 s) and they sync (0.05-0.5 s): a handful fail.
        // With a 5 s sleep it serves on until every kube-proxy has dropped it: none fails.
        Assert.InRange(without, 1, 200 / 3 * 0.6 + 10);
        Assert.Equal(0, with);
    }

    private sealed class NoOwner : Svcsim.Network.IRequestOwner
    {
        public static readonly NoOwner Instance = new();

        public void OnServiceStarted(Svcsim.Network.Request request, long end)
        {
        }

        public void OnQueued(Svcsim.Network.Request request)
        {
        }

        public void OnServed(Svcsim.Network.Request request, bool rejected)
        {
        }

        public void OnLost(Svcsim.Network.Request request, bool reset)
        {
        }
    }
}
