using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// The cluster's Kubernetes side: pod sources (Deployments, ReplicaSets, StatefulSets, DaemonSets, bare
/// Pods, hand-written EndpointSlices) and their pods, the scheduler, the kubelets' probes, Services and
/// EndpointSlices, a kube-proxy per node, and the control plane's reaction to nodes that stop answering
/// (node lifecycle controller, taint-based eviction, replacement) with the real timings of
/// <see cref="ControlPlaneSpec"/>. Faults act through its public operations only.
/// </summary>
public sealed partial class KubernetesModel : IProbeListener
{
    private readonly Simulation _sim;
    private readonly ControlPlaneSpec _cp;
    private readonly Trace _trace;
    private readonly long[] _lastLease;
    private readonly bool[] _ready;
    private readonly long[] _notReadySince;
    private readonly bool[] _kubeletRunning;
    private readonly bool[] _cordoned;
    private readonly Scheduler _scheduler;
    private readonly Sampler _pleg;
    private readonly Random _probePhase;
    private readonly HashSet<PodSource> _pending = [];
    private bool _publishPending;
    private long _nextEvictionSlot;
    private readonly Action<Pod> _exited;

    /// <summary>Builds the model and places the initial pods (running and ready at time 0).</summary>
    public KubernetesModel(Simulation sim, Cluster cluster, IReadOnlyList<PodSourceSpec> sources,
        IReadOnlyList<ServiceSpec> services, ControlPlaneSpec controlPlane, Trace trace,
        IReadOnlyList<DisruptionBudgetSpec>? budgets = null)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(controlPlane);
        _sim = sim;
        _exited = Exited;
        Cluster = cluster;
        _cp = controlPlane;
        _trace = trace;
        int n = cluster.Nodes.Count;
        _lastLease = new long[n];
        _ready = new bool[n];
        _notReadySince = new long[n];
        _kubeletRunning = new bool[n];
        _cordoned = new bool[n];
        for (int i = 0; i < n; i++)
        {
            _ready[i] = true;
            _kubeletRunning[i] = true;
        }
        _pleg = Distribution.Uniform(0, 1).CreateSampler(sim.Streams.Get("kubelet-pleg"));
        _probePhase = sim.Streams.Get("kubelet-probe-phase");

        Sources = sources.Select((s, i) => new PodSource(i, s, n, s.StartupTime.CreateSampler(sim.Streams.Get($"startup:{s.Key}")))).ToList();
        Services = services.Select((s, i) => new ServiceState(i, s,
            Sources.Where(d => ServiceState.Matches(s, d.Spec)).ToList())).ToList();
        _scheduler = new Scheduler(cluster.Nodes, Sources, Usable);
        _budgets = (budgets ?? []).Select(b => new Budget(b, Sources.Where(s => b.Covers(s.Spec)).ToList())).ToList();

        foreach (var source in Sources)
        {
            CreateInitialPods(source);
        }
        PublishAll();
        StartNodeLifecycle();
    }

    /// <summary>Nodes and links.</summary>
    public Cluster Cluster { get; }

    /// <summary>Pod sources, in declaration order.</summary>
    public IReadOnlyList<PodSource> Sources { get; }

    /// <summary>Services.</summary>
    public IReadOnlyList<ServiceState> Services { get; }

    /// <summary>Every pod ever created (gone ones included), in creation order (a pod's <see cref="Pod.Id"/> is its place here).</summary>
    public List<Pod> AllPods { get; } = [];

    /// <summary>Where pods report their traffic; the measurement layer attaches its probe here.</summary>
    public IPodProbe PodProbe
    {
        get => _podProbes.Probe;
        set => _podProbes.Probe = value;
    }

    private readonly PodProbeSlot _podProbes = new();

    /// <summary>
    /// Raised after EndpointSlices were published: each node's service proxy schedules its sync, and front
    /// doors with Local policy re-evaluate their candidates.
    /// </summary>
    public event Action? EndpointsPublished;

    /// <summary>Raised when a node crashes, starts, or changes address (after the change).</summary>
    public event Action<Node>? NodeChanged;

    /// <summary>Raised when a booted node's kubelet runs again: its DaemonSet pods (kube-proxy, MetalLB speaker) start now.</summary>
    public event Action<Node>? KubeletStarted;

    /// <summary>The control plane's view: is the node Ready?</summary>
    public bool IsReady(Node node) => _ready[node.Index];

    /// <summary>The Service called <paramref name="key"/> (<c>name</c>, or <c>namespace/name</c>).</summary>
    public ServiceState Service(string key) => Services.First(s => s.Key == key);

    /// <summary>The pod source called <paramref name="key"/> (<c>name</c>, or <c>namespace/name</c>).</summary>
    public PodSource Source(string key) => Sources.First(s => s.Key == key);

    /// <summary>The pods that exist on <paramref name="node"/> now (terminating ones included).</summary>
    public IReadOnlyList<Pod> PodsOn(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _scheduler.PodsOn(node);
    }

    /// <summary>The workers of every pod on <paramref name="node"/> now (terminating ones included), kept as pods come and go.</summary>
    public int WorkersOn(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _scheduler.WorkersOn(node);
    }

    // ---- faults act through these ----

    /// <summary>A node stops: its pods die at once; the control plane notices after the grace period.</summary>
    public void CrashNode(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!node.Up)
        {
            return;
        }
        Cluster.Crash(node);
        _kubeletRunning[node.Index] = false;
        foreach (var pod in _scheduler.PodsOn(node))
        {
            pod.Stop();
            pod.Probes?.Stop();
        }
        _trace.Add(_sim.Now, node.Name, EventKinds.NodeCrash, $"{node.Name} ({node.Ip}) went down");
        NodeChanged?.Invoke(node);
    }

    /// <summary>A node boots: kube-proxy syncs at once, kubelet rejoins after NodeRejoinS and restarts its pods.</summary>
    public void StartNode(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Up)
        {
            return;
        }
        Cluster.Start(node);
        _trace.Add(_sim.Now, node.Name, EventKinds.NodeStart, $"{node.Name} booted ({node.Ip})");
        NodeChanged?.Invoke(node);
        int incarnation = node.Incarnation;
        _sim.Schedule(Time.FromSeconds(_cp.NodeRejoinS), () =>
        {
            if (!node.Up || node.Incarnation != incarnation)
            {
                return;
            }
            _kubeletRunning[node.Index] = true;
            RenewLease(node);
            _trace.Add(_sim.Now, node.Name, EventKinds.KubeletStart, $"kubelet on {node.Name} renewed its lease and restarts its pods");
            foreach (var pod in _scheduler.PodsOn(node).ToArray())
            {
                if (pod.Terminating)
                {
                    // Deleted while the node was away: the kubelet confirms it is gone (a StatefulSet may now recreate it).
                    Gone(pod, "its node's kubelet confirmed the deletion");
                    continue;
                }
                // The restarted kubelet reports its pods not ready until they pass readiness again.
                SetEndpointReady(pod, false);
                pod.Probes?.Start(_probePhase.NextDouble());
                StartPod(pod);
            }
            // kube-proxy and the MetalLB speaker are DaemonSet pods the kubelet starts after reporting its pods not
            // ready: the restarted kube-proxy reads slices that already say so (the snapshot is taken now; watchers
            // are still told after the EndpointSlice delay), so it never answers a health check from the stale
            // slices of before the reboot.
            if (_publishPending)
            {
                PublishAll();
            }
            KubeletStarted?.Invoke(node);
        });
    }

    /// <summary>The node keeps running with a new InternalIP.</summary>
    public void ChangeNodeIp(Node node, string newIp)
    {
        ArgumentNullException.ThrowIfNull(node);
        string old = node.Ip;
        Cluster.ChangeIp(node, newIp);
        _trace.Add(_sim.Now, node.Name, EventKinds.IpChange, $"{node.Name} changed InternalIP from {old} to {newIp}");
        NodeChanged?.Invoke(node);
    }

    /// <summary>A pod's container crashes; kubelet notices within a second, restarts it after <paramref name="restartDelay"/>.</summary>
    public void CrashPod(Pod pod, long restartDelay)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!pod.Running)
        {
            return;
        }
        pod.Stop();
        _trace.Add(_sim.Now, pod.Name, EventKinds.PodCrash, $"{pod.Name} on {pod.Node.Name} crashed");
        // PLEG relists every second: the container's exit is seen within that, and the pod goes NotReady.
        _sim.Schedule(_pleg.NextNanoseconds(), () => UpdateReady(pod));
        RestartLater(pod, restartDelay);
    }

    /// <summary>
    /// kubectl drain: the node is cordoned and every pod on it but DaemonSet pods is evicted (graceful deletion,
    /// replacements scheduled elsewhere); after <paramref name="durationS"/> (infinity: never) it is uncordoned.
    /// </summary>
    public void DrainNode(Node node, double durationS)
    {
        ArgumentNullException.ThrowIfNull(node);
        _cordoned[node.Index] = true;
        _trace.Add(_sim.Now, node.Name, EventKinds.NodeDrain, $"{node.Name} cordoned and drained");
        foreach (var pod in _scheduler.PodsOn(node).ToArray())
        {
            if (!pod.Terminating && pod.Source.Info.IsPod && !pod.Source.Info.OnePerNode)
            {
                Evict(pod, node, refusals: 0);
            }
        }
        Publish();
        if (!double.IsPositiveInfinity(durationS))
        {
            _sim.Schedule(Time.FromSeconds(durationS), () =>
            {
                _cordoned[node.Index] = false;
                _trace.Add(_sim.Now, node.Name, EventKinds.NodeUncordon, $"{node.Name} uncordoned");
                RetryPending();
            });
        }
    }

    // ---- pods: creation, start, readiness ----

    private void CreateInitialPods(PodSource source)
    {
        var spec = source.Spec;
        if (source.Info.OnePerNode)
        {
            foreach (var node in Cluster.Nodes)
            {
                if (_scheduler.Fits(source, node))
                {
                    InitialPod(source, node, node.Index);
                }
            }
            return;
        }
        for (int r = 0; r < spec.Replicas; r++)
        {
            Node? node;
            if (spec.PinnedNodes.Count > 0)
            {
                node = Cluster.ByName(spec.PinnedNodes[r % spec.PinnedNodes.Count]);
            }
            else
            {
                node = _scheduler.Place(source, out string why);
                if (node is null)
                {
                    _trace.Add(0, source.Key, EventKinds.Unschedulable, $"no node for a pod of {source}: {why}");
                    _pending.Add(source);
                    continue;
                }
            }
            InitialPod(source, node, source.Info.StableNames ? r : source.NextOrdinal);
        }
    }

    private void InitialPod(PodSource source, Node node, int ordinal)
    {
        var pod = CreatePod(source, node, ordinal);
        // The run starts in steady state: containers started long ago, every probe passing.
        pod.RunningSinceStart();
        pod.Probes?.Readiness?.AssumePassed();
        pod.Probes?.Startup?.AssumePassed();
        pod.EndpointReady = pod.Source.Info.IsPod || source.Spec.StaticReady.ElementAtOrDefault(ordinal);
    }

    private bool Usable(Node n) => n.Up && _ready[n.Index] && !_cordoned[n.Index];

    private Pod CreatePod(PodSource source, Node node, int ordinal)
    {
        if (!source.Info.StableNames && !source.Info.OnePerNode)
        {
            source.NextOrdinal = Math.Max(source.NextOrdinal, ordinal + 1);
        }
        string name = source.Info.OnePerNode || source.Spec.Kind == PodSourceKind.EndpointSlice ? $"{source.Key}-{node.Name}"
            : source.Spec.Kind == PodSourceKind.Pod ? source.Key
            : $"{source.Key}-{ordinal}";
        var sampler = source.Spec.Capacity.ServiceTime.CreateSampler(_sim.Streams.Get(source.ServiceStream(ordinal)));
        var pod = new Pod(_sim, _podProbes, AllPods.Count, source, name, ordinal, node, sampler) { Revision = source.Revision };
        var h = source.Spec.Health;
        if (source.Info.IsPod && (h.Readiness is not null || h.Liveness is not null || h.Startup is not null))
        {
            pod.Probes = new PodProbes(
                h.Readiness is { } r ? new ProbeWorker(_sim, pod, ProbeKind.Readiness, r, this) : null,
                h.Liveness is { } l ? new ProbeWorker(_sim, pod, ProbeKind.Liveness, l, this) : null,
                h.Startup is { } s ? new ProbeWorker(_sim, pod, ProbeKind.Startup, s, this) : null);
        }
        pod.Drained = _exited;
        // The kubelet starts the pod's probe workers when the pod reaches it, each ticker at a phase of its own.
        pod.Probes?.Start(_probePhase.NextDouble());
        source.Add(pod);
        _scheduler.Added(pod);
        AllPods.Add(pod);
        return pod;
    }

    /// <summary>Starts (or restarts) the pod's containers; the application answers after the source's startup time.</summary>
    private void StartPod(Pod pod)
    {
        long startup = pod.Source.Startup.NextNanoseconds();
        pod.Probes?.NewContainer();
        pod.Run(startup, started =>
        {
            _trace.Add(_sim.Now, started.Name, EventKinds.PodStarted, $"{started.Name} on {started.Node.Name} started");
            if (started.Probes is { } probes)
            {
                probes.ContainerStarted();
            }
            UpdateReady(started);
        });
    }

    private void RestartLater(Pod pod, long delay)
    {
        int incarnation = pod.Node.Incarnation;
        _sim.Schedule(delay, () =>
        {
            if (pod.Node.Up && pod.Node.Incarnation == incarnation && _kubeletRunning[pod.Node.Index] && !pod.Deleted && !pod.Terminating && !pod.Running)
            {
                _trace.Add(_sim.Now, pod.Name, EventKinds.PodRestart, $"kubelet restarted {pod.Name}");
                StartPod(pod);
            }
        });
    }

    /// <summary>What the kubelet reports as the pod's Ready condition: running, started, and passing its readiness probe.</summary>
    private static bool KubeletReady(Pod pod) =>
        pod.Running && pod.Started && (pod.Probes is not { } p || (p.StartupDone && p.ReadinessPasses));

    /// <summary>The kubelet's view of the pod changed: it reports it, if the API server hears from the node.</summary>
    private void UpdateReady(Pod pod)
    {
        if (pod.Deleted || !pod.Source.Info.IsPod)
        {
            return;
        }
        bool ready = KubeletReady(pod);
        if (!_ready[pod.Node.Index] || !_kubeletRunning[pod.Node.Index] || ready == pod.EndpointReady)
        {
            return;
        }
        if (ready)
        {
            _trace.Add(_sim.Now, pod.Name, EventKinds.PodReady, $"{pod.Name} on {pod.Node.Name} passed readiness");
        }
        else if (pod.Running && pod.Started)
        {
            _trace.Add(_sim.Now, pod.Name, EventKinds.PodNotReady, $"{pod.Name} on {pod.Node.Name} failed its readiness probe");
        }
        SetEndpointReady(pod, ready);
    }

    void IProbeListener.ReadinessChanged(Pod pod) => UpdateReady(pod);

    void IProbeListener.ProbeKill(Pod pod, ProbeKind kind)
    {
        if (!pod.Running)
        {
            return;
        }
        pod.Stop();
        var backoff = pod.NextRestartBackoff(_sim.Now);
        _trace.Add(_sim.Now, pod.Name, EventKinds.PodUnhealthy,
            $"{pod.Name} failed its {(kind == ProbeKind.Liveness ? "liveness" : "startup")} probe: kubelet kills it, restart in {Time.ToSeconds(backoff):0.#} s");
        UpdateReady(pod);
        RestartLater(pod, backoff);
    }

    private void SetEndpointReady(Pod pod, bool ready)
    {
        if (pod.EndpointReady == ready)
        {
            return;
        }
        pod.EndpointReady = ready;
        if (ready)
        {
            pod.ReadySince = _sim.Now;
        }
        Publish();
        ReconcileLater(pod.Source);
    }

    // ---- pods: deletion and replacement ----

    /// <summary>
    /// Graceful deletion: the pod is marked terminating at once (its endpoint stays serving while it is ready),
    /// its controller may replace it now, and its kubelet (if it runs) runs preStop, sends SIGTERM and kills the
    /// containers at terminationGracePeriodSeconds. On a node that is down the pod stays terminating until the
    /// node's kubelet returns.
    /// </summary>
    private void Delete(Pod pod, TraceKind kind, string reason)
    {
        if (pod.Terminating || pod.Deleted)
        {
            return;
        }
        pod.Terminating = true;
        _scheduler.MarkedTerminating(pod);
        _trace.Add(_sim.Now, pod.Name, kind, $"{pod.Name} {reason}");
        Publish();
        if (pod.Source.Info.Replaces == Replacement.WhenDeleted)
        {
            EnsurePods(pod.Source);
        }
        if (pod.Node.Up && _kubeletRunning[pod.Node.Index])
        {
            KubeletTerminate(pod);
        }
    }

    private void KubeletTerminate(Pod pod)
    {
        var h = pod.Source.Spec.Health;
        long grace = Time.FromSeconds(h.TerminationGracePeriodS);
        long preStop = Math.Min(Time.FromSeconds(h.PreStopS), grace);
        int incarnation = pod.Incarnation;
        if (!pod.Running)
        {
            Gone(pod, "its containers were not running");
            return;
        }
        // preStop runs first; the application serves on meanwhile. Then SIGTERM: it stops accepting and drains.
        _sim.Schedule(preStop, () =>
        {
            if (!pod.Deleted && pod.Incarnation == incarnation)
            {
                pod.Drain();
            }
        });
        _sim.Schedule(grace, () =>
        {
            if (!pod.Deleted && pod.Incarnation == incarnation && pod.Running)
            {
                _trace.Add(_sim.Now, pod.Name, EventKinds.PodKilled, $"{pod.Name} still busy after terminationGracePeriodSeconds: killed");
                pod.Stop();
                Gone(pod, "killed at the end of its grace period");
            }
        });
    }

    /// <summary>A draining pod's containers exited.</summary>
    private void Exited(Pod pod)
    {
        if (pod.Deleted)
        {
            return;
        }
        pod.Stop();
        Gone(pod, "exited after finishing its requests");
    }

    /// <summary>The pod object is removed; a StatefulSet or DaemonSet may now recreate it.</summary>
    private void Gone(Pod pod, string reason)
    {
        if (pod.Deleted)
        {
            return;
        }
        bool wasTerminating = pod.Terminating;
        pod.Deleted = true;
        pod.Stop();
        pod.Probes?.Stop();
        pod.EndpointReady = false;
        pod.Source.Remove(pod);
        _scheduler.Removed(pod, wasTerminating);
        _trace.Add(_sim.Now, pod.Name, EventKinds.PodDeleted, $"{pod.Name} is gone: {reason}");
        Publish();
        ReconcileLater(pod.Source);
        if (pod.Source.Info.Replaces == Replacement.WhenGone)
        {
            if (pod.Source.Info.OnePerNode)
            {
                if (pod.Node.Up && _scheduler.Fits(pod.Source, pod.Node))
                {
                    StartPod(CreatePod(pod.Source, pod.Node, pod.Node.Index));
                }
            }
            else
            {
                EnsurePods(pod.Source);
            }
        }
        RetryPending(); // a pod gone may free a node that anti-affinity or spread kept closed
    }

    /// <summary>The controller's reconcile: create pods until the source has as many active ones as it wants.</summary>
    private void EnsurePods(PodSource source)
    {
        var info = source.Info;
        if (info.Replaces == Replacement.Never || info.OnePerNode || HoldsNewPods(source))
        {
            return;
        }
        _pending.Remove(source);
        if (info.StableNames)
        {
            for (int ordinal = 0; ordinal < source.Spec.Replicas; ordinal++)
            {
                if (!source.OrdinalInUse(ordinal) && !PlaceNew(source, ordinal))
                {
                    return;
                }
            }
            return;
        }
        while (source.Active < source.Spec.Replicas)
        {
            if (!PlaceNew(source, source.NextOrdinal))
            {
                return;
            }
        }
    }

    private bool PlaceNew(PodSource source, int ordinal)
    {
        var target = _scheduler.Place(source, out string why);
        if (target is null)
        {
            if (_pending.Add(source))
            {
                _trace.Add(_sim.Now, source.Key, EventKinds.Unschedulable, $"no node for a pod of {source}: {why}; it stays Pending");
            }
            return false;
        }
        var pod = CreatePod(source, target, ordinal);
        _trace.Add(_sim.Now, pod.Name, EventKinds.PodScheduled, $"{pod.Name} scheduled on {target.Name}");
        StartPod(pod);
        return true;
    }

    /// <summary>Pending pods are tried again when the cluster changes (a node Ready or uncordoned, a pod gone).</summary>
    private void RetryPending()
    {
        if (_pending.Count == 0)
        {
            return;
        }
        foreach (var source in _pending.OrderBy(s => s.Index).ToArray())
        {
            EnsurePods(source);
        }
    }

    // ---- EndpointSlices ----

    private void Publish()
    {
        // The EndpointSlice controller batches changes and watchers see them after a short delay.
        if (_publishPending)
        {
            return;
        }
        _publishPending = true;
        _sim.Schedule(Time.FromSeconds(_cp.EndpointSliceDelayS), () =>
        {
            _publishPending = false;
            PublishAll();
            EndpointsPublished?.Invoke();
        });
    }

    private void PublishAll()
    {
        // One immutable snapshot per Service and version, shared by every kube-proxy that syncs to it.
        foreach (var s in Services)
        {
            var endpoints = new List<Endpoint>();
            foreach (var d in s.Selected)
            {
                foreach (var p in d.Pods)
                {
                    // Conditions per KEP-1672: serving is the pod's Ready condition, ready excludes terminating pods.
                    endpoints.Add(new Endpoint(p, p.EndpointReady && !p.Terminating, p.EndpointReady, p.Terminating));
                }
            }
            s.SliceVersion++;
            s.Endpoints = s.Endpoints.Next(endpoints, s.SliceVersion);
        }
    }
}
