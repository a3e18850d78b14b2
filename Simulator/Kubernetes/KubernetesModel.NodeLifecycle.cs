using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// The node lifecycle controller (kube-controller-manager) and the kubelets' leases: a node whose lease
/// is older than the grace period is marked NotReady and its endpoints not ready; it is tainted unreachable
/// (rate-limited), and each pod is evicted when its toleration of that taint runs out, then replaced by its
/// controller as its kind says (kubernetes-behaviour.md, "Node failure"; taint-and-toleration page).
/// </summary>
public sealed partial class KubernetesModel
{
    private long _controllerStartedAt;
    private bool _controllerWasUp = true;

    private Node[] _controlPlanes = [];

    private void StartNodeLifecycle()
    {
        _controlPlanes = Cluster.Nodes.Where(n => n.Spec.Role == NodeRole.ControlPlane).ToArray();
        var lease = Time.FromSeconds(_cp.LeaseRenewS);
        var leases = new KubeletLeases(this, lease);
        foreach (var node in Cluster.Nodes)
        {
            // Each kubelet renews at a phase of its own, drawn afresh in every replication.
            _sim.Schedule(_sim.Streams.Phase($"kubelet-lease:{node.Name}", lease), leases, 0, node);
        }
        var period = Time.FromSeconds(_cp.NodeMonitorPeriodS);
        _sim.Schedule(_sim.Streams.Phase("node-monitor", period), () => MonitorTick(period));
    }

    /// <summary>Every kubelet's renewal timer, as one event target: no closure per node and period.</summary>
    private sealed class KubeletLeases(KubernetesModel model, long lease) : IEventTarget
    {
        public void OnEvent(int kind, object? payload, long data)
        {
            var node = (Node)payload!;
            if (node.Up && model._kubeletRunning[node.Index])
            {
                model.RenewLease(node);
            }
            model._sim.Schedule(lease, this, 0, node);
        }
    }

    private void RenewLease(Node node)
    {
        // The lease lives in the API server: the kubelet must reach a running control-plane node.
        if (ControlPlaneUp() && CanReachControlPlane(node))
        {
            _lastLease[node.Index] = _sim.Now;
        }
    }

    private bool ControlPlaneUp()
    {
        foreach (var n in _controlPlanes)
        {
            if (n.Up)
            {
                return true;
            }
        }
        return _controlPlanes.Length == 0; // no control-plane node declared: it is outside the model and always up
    }

    private bool CanReachControlPlane(Node node)
    {
        foreach (var n in _controlPlanes)
        {
            if (n == node || Cluster.CanReach(node, n))
            {
                return true;
            }
        }
        return _controlPlanes.Length == 0;
    }

    private void MonitorTick(long period)
    {
        _sim.Schedule(period, () => MonitorTick(period));
        bool up = ControlPlaneUp();
        if (!up)
        {
            _controllerWasUp = false;
            return;
        }
        long now = _sim.Now;
        if (!_controllerWasUp)
        {
            // A restarted controller gives every node a fresh grace period before judging it.
            _controllerWasUp = true;
            _controllerStartedAt = now;
            _trace.Add(now, "control-plane", EventKinds.ControllerStart, $"node lifecycle controller running again");
        }
        long grace = Time.FromSeconds(_cp.NodeMonitorGracePeriodS);
        bool becameReady = false;
        foreach (var node in Cluster.Nodes)
        {
            int i = node.Index;
            long heard = Math.Max(_lastLease[i], _controllerStartedAt);
            if (_ready[i] && now - heard > grace)
            {
                _ready[i] = false;
                _notReadySince[i] = now;
                _trace.Add(now, node.Name, EventKinds.NodeNotReady, $"{node.Name} marked NotReady (no lease for {Time.ToSeconds(now - _lastLease[i]):F0} s); its endpoints marked not ready");
                foreach (var pod in _scheduler.PodsOn(node))
                {
                    if (pod.Source.Info.IsPod)
                    {
                        SetEndpointReady(pod, false);
                    }
                }
                ScheduleTaint(node);
            }
            else if (!_ready[i] && _lastLease[i] > _notReadySince[i])
            {
                _ready[i] = true;
                becameReady = true;
                _trace.Add(now, node.Name, EventKinds.NodeReady, $"{node.Name} Ready again");
                foreach (var pod in _scheduler.PodsOn(node))
                {
                    if (pod.Source.Info.IsPod)
                    {
                        SetEndpointReady(pod, KubeletReady(pod));
                    }
                }
            }
        }
        if (becameReady)
        {
            RetryPending();
        }
    }

    private void ScheduleTaint(Node node)
    {
        // The controller taints the node node.kubernetes.io/unreachable:NoExecute, at most --node-eviction-rate
        // nodes per second; each pod is then evicted once its toleration of that taint runs out (DefaultTolerationSeconds:
        // 300 s unless the pod says otherwise; DaemonSet pods tolerate it for ever).
        long spacing = _cp.EvictionRatePerS > 0 ? Time.FromSeconds(1 / _cp.EvictionRatePerS) : 0;
        long at = Math.Max(_sim.Now, _nextEvictionSlot);
        _nextEvictionSlot = at + spacing;
        long since = _notReadySince[node.Index];
        _sim.ScheduleAt(at, () => TaintNode(node, since));
    }

    private void TaintNode(Node node, long notReadySince)
    {
        int i = node.Index;
        if (_ready[i] || _notReadySince[i] != notReadySince || !ControlPlaneUp())
        {
            return;
        }
        var taint = new Taint(Taint.UnreachableKey, "", TaintEffect.NoExecute);
        var byTime = new SortedDictionary<double, List<Pod>>();
        foreach (var pod in _scheduler.PodsOn(node))
        {
            if (!pod.Source.Info.IsPod)
            {
                continue;
            }
            double seconds = NodeMetadata.EffectivePlacement(pod.Source.Spec).TolerationSecondsFor(taint, _cp.TolerationSeconds);
            if (double.IsPositiveInfinity(seconds))
            {
                continue;
            }
            if (!byTime.TryGetValue(seconds, out var list))
            {
                byTime[seconds] = list = [];
            }
            list.Add(pod);
        }
        foreach (var (seconds, pods) in byTime)
        {
            _sim.Schedule(Time.FromSeconds(seconds), () => Evict(node, notReadySince, pods));
        }
    }

    private void Evict(Node node, long notReadySince, List<Pod> pods)
    {
        int i = node.Index;
        if (_ready[i] || _notReadySince[i] != notReadySince || !ControlPlaneUp())
        {
            return;
        }
        if (LargeShareUnhealthy())
        {
            _trace.Add(_sim.Now, node.Name, EventKinds.EvictionHeld, $"more than 55 % of nodes unhealthy: eviction stopped");
            return;
        }
        foreach (var pod in pods)
        {
            Delete(pod, EventKinds.PodEvicted, $"evicted from {node.Name}");
        }
    }

    private bool LargeShareUnhealthy()
    {
        // Small clusters (<= 50 nodes): a zone with more than 55 % unhealthy stops eviction.
        int total = Cluster.Nodes.Count, unhealthy = 0;
        foreach (var n in Cluster.Nodes)
        {
            if (!_ready[n.Index])
            {
                unhealthy++;
            }
        }
        return total <= 50 && unhealthy > 0.55 * total;
    }
}
