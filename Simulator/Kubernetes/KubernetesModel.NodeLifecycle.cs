using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// The node lifecycle controller (kube-controller-manager) and the kubelets' leases: a node whose lease
/// is older than the grace period is marked NotReady and its endpoints not ready; after
/// tolerationSeconds its pods are evicted, rate-limited, and replaced on Ready nodes
/// (kubernetes-behaviour.md, "Node failure").
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
            // Kubelets renew at independent phases; deterministic spread avoids a thundering herd.
            long phase = lease * (node.Index + 1) / (Cluster.Nodes.Count + 1);
            _sim.Schedule(phase, leases, 0, node);
        }
        var period = Time.FromSeconds(_cp.NodeMonitorPeriodS);
        _sim.Schedule(period, () => MonitorTick(period));
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
            _trace.Add(now, "control-plane", "controller-start", "node lifecycle controller running again");
        }
        long grace = Time.FromSeconds(_cp.NodeMonitorGracePeriodS);
        foreach (var node in Cluster.Nodes)
        {
            int i = node.Index;
            long heard = Math.Max(_lastLease[i], _controllerStartedAt);
            if (_ready[i] && now - heard > grace)
            {
                _ready[i] = false;
                _notReadySince[i] = now;
                _trace.Add(now, node.Name, "node-not-ready", $"{node.Name} marked NotReady (no lease for {Time.ToSeconds(now - _lastLease[i]):F0} s); its endpoints marked not ready");
                foreach (var pod in PodsOn(node))
                {
                    SetEndpointReady(pod, false);
                }
                ScheduleEviction(node);
            }
            else if (!_ready[i] && _lastLease[i] > _notReadySince[i])
            {
                _ready[i] = true;
                _evicted[i] = false;
                _trace.Add(now, node.Name, "node-ready", $"{node.Name} Ready again");
                foreach (var pod in PodsOn(node))
                {
                    if (pod.Started)
                    {
                        SetEndpointReady(pod, true);
                    }
                }
            }
        }
    }

    private void ScheduleEviction(Node node)
    {
        // Pods tolerate not-ready/unreachable for tolerationSeconds (300 s), then the taint manager
        // evicts them, at most --node-eviction-rate nodes per second.
        long at = _sim.Now + Time.FromSeconds(_cp.TolerationSeconds);
        long spacing = _cp.EvictionRatePerS > 0 ? Time.FromSeconds(1 / _cp.EvictionRatePerS) : 0;
        at = Math.Max(at, _nextEvictionSlot);
        _nextEvictionSlot = at + spacing;
        long since = _notReadySince[node.Index];
        _sim.ScheduleAt(at, () => Evict(node, since));
    }

    private void Evict(Node node, long notReadySince)
    {
        int i = node.Index;
        if (_ready[i] || _notReadySince[i] != notReadySince || !ControlPlaneUp())
        {
            return;
        }
        if (LargeShareUnhealthy())
        {
            _trace.Add(_sim.Now, node.Name, "eviction-held", "more than 55 % of nodes unhealthy: eviction stopped");
            return;
        }
        _evicted[i] = true;
        foreach (var pod in PodsOn(node).ToList())
        {
            DeletePod(pod);
            _trace.Add(_sim.Now, pod.Name, "pod-evicted", $"{pod.Name} evicted from {node.Name}");
            var target = PlaceReplacement(pod.Deployment);
            if (target is null)
            {
                _trace.Add(_sim.Now, pod.Deployment.Name, "unschedulable", $"no Ready node for a replacement of {pod.Name}");
                continue;
            }
            var replacement = CreatePod(pod.Deployment, target);
            _trace.Add(_sim.Now, replacement.Name, "pod-scheduled", $"{replacement.Name} scheduled on {target.Name}");
            StartPod(replacement);
        }
        Publish();
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
