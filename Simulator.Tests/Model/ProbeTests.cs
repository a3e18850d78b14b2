using System.Globalization;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// Probes as the kubelet runs them (pkg/kubelet/prober/worker.go; core/v1 Probe defaults): readiness after
/// the container's start, thresholds, startup gating, liveness restarts with CrashLoopBackOff, HTTP probes
/// that queue behind an overloaded pod's work, and what probes can and cannot change when a node crashes.
/// </summary>
public sealed class ProbeTests(ITestOutputHelper output)
{
    private static HealthSpec Readiness(ProbeAction action = ProbeAction.TcpSocket, double initialDelay = 0, double period = 10, int success = 1, int failure = 3) =>
        new(Readiness: new ProbeSpec(action, initialDelay, period, 1, success, failure));

    /// <summary>When a new pod (the replacement of one drained at 100 s, scheduled then and started 1 s later) is ready.</summary>
    private static (double Started, double Ready) ReadyAfterReplacement(HealthSpec health, long seed = 1)
    {
        var world = new KubeWorld(KubeWorld.Nodes(2), [KubeWorld.Source("web", replicas: 1, health: health)], seed: seed);
        world.At(100, () => world.Model.DrainNode(world.Node("w1"), double.PositiveInfinity));
        world.RunTo(200);
        Assert.Equal(("web-1", 100.0), (world.Events("pod-scheduled").Single().Subject, world.Events("pod-scheduled").Single().T));
        double started = world.Events("pod-started").Single().T;
        double ready = world.Events("pod-ready").Single().T;
        return (started, ready);
    }

    [Fact]
    public void Without_A_Readiness_Probe_A_Pod_Is_Ready_When_Its_Container_Has_Started()
    {
        var (started, ready) = ReadyAfterReplacement(HealthSpec.Default);

        Assert.Equal(101, started, 6); // startupTime 1 s: the container's start
        Assert.Equal(started, ready, 6);
    }

    [Fact]
    public void A_Readiness_Probe_Makes_The_Pod_Ready_At_Its_First_Pass_After_InitialDelaySeconds()
    {
        // Given initialDelaySeconds 15 and periodSeconds 10: the probes that count are ticks at or after 116 s,
        // and the ticker's phase differs from pod to pod (seeds)
        var readies = new List<double>();
        for (long seed = 1; seed <= 20; seed++)
        {
            var (started, ready) = ReadyAfterReplacement(Readiness(initialDelay: 15), seed);
            Assert.InRange(ready - started, 15, 25);
            readies.Add(ready - started);
        }
        // And the phase is not the same for every pod (replications vary timer phases)
        Assert.True(readies.Max() - readies.Min() > 5, $"ready after {string.Join(", ", readies)} s");
    }

    [Fact]
    public void SuccessThreshold_Consecutive_Passes_Are_Needed()
    {
        // With no initial delay the status update at the container's start runs a probe at once (pass 1); two
        // ticks more make 3. (A restarted container keeps its worker's count, as the kubelet's does: this is a new pod.)
        var (started, ready) = ReadyAfterReplacement(Readiness(success: 3));

        Assert.InRange(ready - started, 10, 20);
    }

    [Fact]
    public void A_Startup_Probe_Holds_Readiness_And_Liveness_And_Kills_A_Container_That_Fails_It()
    {
        // Given an application whose startup probe is an HTTP GET that a 3 s service time cannot answer within
        // the 1 s timeout, checked every 2 s and failed after 5 (its readiness probe, a TCP one, would pass)
        var stuck = KubeWorld.Source("web", replicas: 1, capacity: new PodCapacity(1, 10, Distribution.Constant(3)),
            health: new HealthSpec(Readiness: new ProbeSpec(ProbeAction.TcpSocket), Startup: new ProbeSpec(ProbeAction.HttpGet, PeriodS: 2, FailureThreshold: 5)));
        var world = new KubeWorld(KubeWorld.Nodes(2), [stuck]);
        world.At(100, () => world.Model.CrashPod(world.Model.Source("web").Pods[0], 0));

        world.RunTo(130);

        // Then the container is killed 5 failed probes after it started (at 101 s), and never becomes ready
        var killed = world.Events("pod-unhealthy");
        Assert.NotEmpty(killed);
        Assert.Contains("failed its startup probe", killed[0].Detail, StringComparison.Ordinal);
        Assert.InRange(killed[0].T - 101, 9, 11);
        Assert.Empty(world.Events("pod-ready"));
    }

    [Fact]
    public void An_Overloaded_Pod_Fails_An_Http_Readiness_Probe_And_Leaves_Its_Endpoints_But_Not_A_Tcp_One()
    {
        // Given three single-worker pods (100/s each) offered 450/s from the start: their queues grow 50/s, so
        // after 2 s a request waits more than the probe's 1 s timeout
        ScenarioSpecRun Run(ProbeAction action)
        {
            var spec = TestScenarios.Seed(rate: 450, durationS: 60, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(1))],
                capacity: new PodCapacity(1, 1_000_000, Distribution.Exponential(0.01)), warmupS: 0);
            spec = spec with { PodSources = [spec.PodSources[0] with { Health = Readiness(action) }] };
            var run = new VariantRunner(spec, spec.Variants[0], 0).Run();
            return new ScenarioSpecRun(run.Events.Where(e => e.Kind == "pod-not-ready").Select(e => e.TimeS).ToList(), run.Summary.Availability);
        }

        var http = Run(ProbeAction.HttpGet);
        var tcp = Run(ProbeAction.TcpSocket);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"httpGet: not ready at {string.Join(", ", http.NotReady.Select(t => t.ToString("F1", CultureInfo.InvariantCulture)))} s; tcpSocket: {tcp.NotReady.Count} times"));

        // Then with httpGet every pod fails 3 probes in a row (ticks 10 s apart from a phase in [0, 10 s))
        // and is marked not ready between 20 s and 31 s after the overload began, and again later
        Assert.True(http.NotReady.Count >= 3, $"{http.NotReady.Count} not-ready transitions");
        Assert.All(http.NotReady.Take(3), t => Assert.InRange(t, 20, 31));
        // And with tcpSocket (the kernel answers whatever the application's load) no pod ever leaves
        Assert.Empty(tcp.NotReady);
    }

    private sealed record ScenarioSpecRun(List<double> NotReady, double Availability);

    [Fact]
    public void A_Failing_Liveness_Probe_Restarts_The_Container_With_CrashLoopBackOff()
    {
        // Given an overloaded pod with an HTTP liveness probe every 5 s, failing after 3
        var spec = TestScenarios.Seed(rate: 300, durationS: 120, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(1))], replicas: 1,
            capacity: new PodCapacity(1, 1_000_000, Distribution.Exponential(0.01)), warmupS: 0);
        spec = spec with { PodSources = [spec.PodSources[0] with { Health = new HealthSpec(Liveness: new ProbeSpec(ProbeAction.HttpGet, PeriodS: 5)) }] };

        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then the kubelet kills it, restarts it at once the first time, then after 10 s, 20 s...
        var kills = run.Events.Where(e => e.Kind == "pod-unhealthy").ToList();
        var restarts = run.Events.Where(e => e.Kind == "pod-restart").ToList();
        output.WriteLine(string.Join("\n", kills.Select(k => $"{k.TimeS:F1} {k.Detail}")));
        Assert.True(kills.Count >= 3, $"{kills.Count} kills");
        Assert.Contains("restart in 0 s", kills[0].Detail, StringComparison.Ordinal);
        Assert.Contains("restart in 10 s", kills[1].Detail, StringComparison.Ordinal);
        Assert.Contains("restart in 20 s", kills[2].Detail, StringComparison.Ordinal);
        Assert.Equal(kills[0].TimeS, restarts[0].TimeS, 6);
        Assert.Equal(kills[1].TimeS + 10, restarts[1].TimeS, 6);
    }

    /// <summary>Seconds from <paramref name="crash"/> until no kube-proxy forwards to a pod on <paramref name="node"/>.</summary>
    private static double EndpointsLeave(KubeWorld world, string node, double crash, double until)
    {
        var svc = world.Model.Services[0];
        for (double t = crash; t <= until; t += 0.05)
        {
            world.RunTo(t);
            if (world.Proxies.All.Where(p => p.Node.Up).All(p => p.View(svc.Index).All(pod => pod.Node.Name != node)))
            {
                return t - crash;
            }
        }
        return double.PositiveInfinity;
    }

    [Fact]
    public void Probes_Do_Not_Change_When_A_Crashed_Nodes_Endpoints_Leave_But_Do_When_Its_Pods_Stop_Answering()
    {
        // Given w3 crashing at 10 s, with and without tight HTTP readiness probes (every 1 s, 1 failure)
        var tight = new HealthSpec(Readiness: new ProbeSpec(ProbeAction.HttpGet, PeriodS: 1, FailureThreshold: 1));
        double notReady = 0;
        double Crashed(HealthSpec health)
        {
            var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", health: health)]);
            world.At(10, () => world.Model.CrashNode(world.Node("w3")));
            notReady = world.NotReadyAfterCrash("w3", 10) - 10;
            return EndpointsLeave(world, "w3", 10, 120);
        }
        double without = Crashed(HealthSpec.Default), with = Crashed(tight);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"node crash: endpoints gone after {without:F2} s without probes, {with:F2} s with"));

        // Then the time is the control plane's: NotReady at the first monitor tick more than the 50 s grace after
        // the last lease (both at this replication's timer phases), 0.1 s of EndpointSlice delay, then each
        // kube-proxy's sync (at most 0.5 s): the prober runs on the dead node and cannot speak
        Assert.InRange(without, notReady + 0.1, notReady + 0.6 + 0.05);
        Assert.Equal(without, with, 6);

        // When instead w3's pod stops answering in time while w3 runs: 2000 requests of 5 ms land in its queue
        // at once (10 s of work for its one worker), so anything sent to it waits 10 s
        double Stuck(HealthSpec health)
        {
            var busy = KubeWorld.Source("web", health: health, capacity: new PodCapacity(1, 100_000, Distribution.Constant(0.005)));
            var world = new KubeWorld(KubeWorld.Nodes(3), [busy]);
            world.At(10, () =>
            {
                var pod = world.Model.Source("web").Pods.Single(p => p.Node.Name == "w3");
                for (int i = 0; i < 2000; i++)
                {
                    pod.Deliver(world.Sim.Now, new Svcsim.Network.Request { Owner = NoOwner.Instance });
                }
            });
            return EndpointsLeave(world, "w3", 10, 120);
        }
        double stuckWithout = Stuck(HealthSpec.Default), stuckWith = Stuck(tight);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pod stuck: endpoint gone after {stuckWithout} s without probes, {stuckWith:F2} s with"));

        // Then without probes nothing notices; with them the next probe (ticks 1 s apart) times out after 1 s and
        // the endpoint leaves within about 2 s plus the slice delay and the proxies' sync (at most 1 s: minSyncPeriod)
        Assert.True(double.IsPositiveInfinity(stuckWithout));
        Assert.InRange(stuckWith, 1.1, 2 + 0.1 + 1.0 + 0.05);
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
