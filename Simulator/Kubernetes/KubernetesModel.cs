using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// The cluster's Kubernetes side: Deployments and their pods, Services and EndpointSlices, a kube-proxy
/// per node, and the control plane's reaction to nodes that stop answering (node lifecycle controller,
/// eviction, rescheduling) with the real timings of <see cref="ControlPlaneSpec"/>. Faults act through
/// its public operations only.
/// </summary>
public sealed partial class KubernetesModel
{
    private readonly Simulation _sim;
    private readonly ControlPlaneSpec _cp;
    private readonly Trace _trace;
    private readonly long[] _lastLease;
    private readonly bool[] _ready;
    private readonly long[] _notReadySince;
    private readonly bool[] _kubeletRunning;
    private readonly bool[] _evicted;
    private readonly List<Sampler> _startup = [];
    private readonly Sampler _pleg;
    private readonly Scheduler _scheduler;
    private long _nextEvictionSlot;
    private bool _publishPending;

    /// <summary>Builds the model and places the initial pods (ready at time 0).</summary>
    public KubernetesModel(Simulation sim, Cluster cluster, IReadOnlyList<DeploymentSpec> deployments,
        IReadOnlyList<ServiceSpec> services, ControlPlaneSpec controlPlane, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(deployments);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(controlPlane);
        _sim = sim;
        Cluster = cluster;
        _cp = controlPlane;
        _trace = trace;
        int n = cluster.Nodes.Count;
        _lastLease = new long[n];
        _ready = new bool[n];
        _notReadySince = new long[n];
        _kubeletRunning = new bool[n];
        _evicted = new bool[n];
        _pleg = Distribution.Uniform(0, 1).CreateSampler(sim.Streams.Get("kubelet-pleg"));
        _scheduler = new Scheduler(cluster.Nodes, node => node.Up && _ready[node.Index]);

        Deployments = deployments.Select((d, i) => new DeploymentState(i, d)).ToList();
        foreach (var d in deployments)
        {
            _startup.Add(d.StartupTime.CreateSampler(sim.Streams.Get($"startup:{d.Name}")));
        }
        Services = services.Select((s, i) => new ServiceState(i, s,
            Deployments.Where(d => ServiceState.Matches(s, d.Spec)).ToList())).ToList();

        for (int i = 0; i < n; i++)
        {
            _ready[i] = true;
            _kubeletRunning[i] = true;
        }
        foreach (var d in Deployments)
        {
            for (int r = 0; r < d.Spec.Replicas; r++)
            {
                var pod = CreatePod(d, PlaceInitial(d, r));
                pod.Run(0, _ => { });
                pod.EndpointReady = true;
            }
        }
        PublishAll();
        StartNodeLifecycle();
    }

    /// <summary>Nodes and links.</summary>
    public Cluster Cluster { get; }

    /// <summary>Deployments.</summary>
    public IReadOnlyList<DeploymentState> Deployments { get; }

    /// <summary>Services.</summary>
    public IReadOnlyList<ServiceState> Services { get; }

    /// <summary>Every pod ever created (deleted ones included), in creation order (a pod's <see cref="Pod.Id"/> is its place here).</summary>
    public List<Pod> AllPods { get; } = [];

    /// <summary>Where pods report their traffic; the measurement layer attaches its probe here.</summary>
    public IPodProbe PodProbe
    {
        get => _podProbes.Probe;
        set => _podProbes.Probe = value;
    }

    private readonly PodProbes _podProbes = new();

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

    /// <summary>The Service called <paramref name="name"/>.</summary>
    public ServiceState Service(string name) => Services.First(s => s.Name == name);

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
        foreach (var pod in PodsOn(node))
        {
            pod.Stop();
        }
        _trace.Add(_sim.Now, node.Name, "node-crash", $"{node.Name} ({node.Ip}) went down");
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
        _trace.Add(_sim.Now, node.Name, "node-start", $"{node.Name} booted ({node.Ip})");
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
            _trace.Add(_sim.Now, node.Name, "kubelet-start", $"kubelet on {node.Name} renewed its lease and restarts its pods");
            // kube-proxy and the MetalLB speaker are DaemonSet pods: they run again only now.
            KubeletStarted?.Invoke(node);
            foreach (var pod in PodsOn(node))
            {
                // The restarted kubelet reports its pods not ready until they pass readiness again.
                SetEndpointReady(pod, false);
                StartPod(pod);
            }
        });
    }

    /// <summary>The node keeps running with a new InternalIP.</summary>
    public void ChangeNodeIp(Node node, string newIp)
    {
        ArgumentNullException.ThrowIfNull(node);
        string old = node.Ip;
        Cluster.ChangeIp(node, newIp);
        _trace.Add(_sim.Now, node.Name, "ip-change", $"{node.Name} changed InternalIP from {old} to {newIp}");
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
        _trace.Add(_sim.Now, pod.Name, "pod-crash", $"{pod.Name} on {pod.Node.Name} crashed");
        // PLEG relists every second: the container's exit is seen within that, and the pod goes NotReady.
        _sim.Schedule(_pleg.NextNanoseconds(), () => SetEndpointReady(pod, false));
        int incarnation = pod.Node.Incarnation;
        _sim.Schedule(restartDelay, () =>
        {
            if (pod.Node.Up && pod.Node.Incarnation == incarnation && !pod.Deleted)
            {
                _trace.Add(_sim.Now, pod.Name, "pod-restart", $"kubelet restarted {pod.Name}");
                StartPod(pod);
            }
        });
    }

    private void StartPod(Pod pod)
    {
        long startup = _startup[pod.Deployment.Index].NextNanoseconds();
        pod.Run(startup, started =>
        {
            _trace.Add(_sim.Now, started.Name, "pod-ready", $"{started.Name} on {started.Node.Name} passed readiness");
            if (_ready[started.Node.Index])
            {
                SetEndpointReady(started, true);
            }
        });
    }

    private void SetEndpointReady(Pod pod, bool ready)
    {
        if (pod.EndpointReady == ready)
        {
            return;
        }
        pod.EndpointReady = ready;
        Publish();
    }

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
        var ready = new List<Pod>();
        foreach (var s in Services)
        {
            ready.Clear();
            foreach (var d in s.Selected)
            {
                foreach (var p in d.Pods)
                {
                    if (p.EndpointReady)
                    {
                        ready.Add(p);
                    }
                }
            }
            s.SliceVersion++;
            s.Endpoints = new EndpointSnapshot(ready.ToArray(), s.SliceVersion);
        }
    }

    private IReadOnlyList<Pod> PodsOn(Node node) => _scheduler.PodsOn(node);

    private Pod CreatePod(DeploymentState d, Node node)
    {
        var sampler = d.Spec.Capacity.ServiceTime.CreateSampler(_sim.Streams.Get($"service:{d.Name}:{d.NextOrdinal}"));
        var pod = new Pod(_sim, _podProbes, AllPods.Count, d, $"{d.Name}-{d.NextOrdinal++}", node, sampler);
        d.Pods.Add(pod);
        AllPods.Add(pod);
        _scheduler.Added(pod);
        return pod;
    }

    private void DeletePod(Pod pod)
    {
        pod.Deleted = true;
        pod.Stop();
        pod.EndpointReady = false;
        pod.Deployment.Pods.Remove(pod);
        _scheduler.Removed(pod);
    }

    private Node PlaceInitial(DeploymentState d, int replica)
    {
        if (d.Spec.PinnedNodes.Count > 0)
        {
            return Cluster.ByName(d.Spec.PinnedNodes[replica % d.Spec.PinnedNodes.Count]);
        }
        return PlaceReplacement(d) ?? throw new InvalidOperationException("no schedulable node");
    }

    private Node? PlaceReplacement(DeploymentState d) => _scheduler.Choose(d);
}
