using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// The Eviction API's check of PodDisruptionBudgets (kubernetes.io: "Specifying a Disruption Budget for your
/// Application", API-initiated eviction): a drain evicts a pod only if no budget covering it would fall below
/// its desired healthy pods; a refused eviction is tried again 5 s later, as kubectl drain does ("will retry
/// after 5s"), until the node is uncordoned.
/// </summary>
public sealed partial class KubernetesModel
{
    /// <summary>A budget and the pod sources whose pods it covers.</summary>
    private sealed record Budget(DisruptionBudgetSpec Spec, List<PodSource> Sources);

    /// <summary>How long kubectl drain waits before it asks again to evict a pod whose eviction was refused.</summary>
    public const double EvictionRetryS = 5;

    private readonly List<Budget> _budgets;

    /// <summary>
    /// Why evicting <paramref name="pod"/> now would violate a disruption budget, or null when it may go. A
    /// healthy pod (Ready, not being deleted) may go while the healthy pods exceed the budget's desired number;
    /// an unhealthy one while they reach it (unhealthyPodEvictionPolicy IfHealthyBudget), or always (AlwaysAllow).
    /// </summary>
    public string? EvictionRefusal(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Budget? only = null;
        foreach (var b in _budgets)
        {
            if (b.Sources.Contains(pod.Source))
            {
                if (only is not null)
                {
                    return $"{pod.Name} is covered by more than one PodDisruptionBudget ({only.Spec.Key}, {b.Spec.Key}), which the eviction API refuses";
                }
                only = b;
            }
        }
        if (only is null)
        {
            return null;
        }
        int healthy = 0, expected = 0;
        foreach (var s in only.Sources)
        {
            expected += s.Spec.Kind switch
            {
                PodSourceKind.DaemonSet => Cluster.Nodes.Count(n => _scheduler.Fits(s, n)),
                PodSourceKind.Pod => 1,
                _ => s.Spec.Replicas,
            };
            foreach (var p in s.Pods)
            {
                if (p.EndpointReady && !p.Terminating)
                {
                    healthy++;
                }
            }
        }
        int desired = only.Spec.DesiredHealthy(expected);
        bool podHealthy = pod.EndpointReady && !pod.Terminating;
        bool allowed = podHealthy ? healthy - desired >= 1 : only.Spec.AlwaysAllowUnhealthy || healthy >= desired;
        return allowed ? null : $"evicting {pod.Name} would violate PodDisruptionBudget {only.Spec.Key} ({healthy} healthy, {desired} needed)";
    }

    /// <summary>kubectl drain's eviction of one pod: deleted gracefully if the budgets allow, else asked again later.</summary>
    private void Evict(Pod pod, Node node, int refusals)
    {
        if (pod.Terminating || pod.Deleted)
        {
            return;
        }
        if (EvictionRefusal(pod) is { } why)
        {
            if (refusals == 0)
            {
                _trace.Add(_sim.Now, pod.Name, EventKinds.EvictionRefused, $"{why}; the drain asks again every {EvictionRetryS:0} s");
            }
            _sim.Schedule(Time.FromSeconds(EvictionRetryS), () =>
            {
                if (_cordoned[node.Index])
                {
                    Evict(pod, node, refusals + 1);
                }
            });
            return;
        }
        Delete(pod, EventKinds.PodEvicted, refusals == 0
            ? $"evicted from {node.Name} by the drain"
            : $"evicted from {node.Name} by the drain after {refusals} refused attempt{(refusals == 1 ? "" : "s")}");
    }
}
