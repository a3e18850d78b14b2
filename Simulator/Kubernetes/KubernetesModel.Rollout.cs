using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// Rollouts: a workload's pod template changes and its controller replaces the pods as its update strategy
/// says (kubernetes.io: Deployment "Rolling Update Deployment", StatefulSet "Rolling Updates", DaemonSet
/// "Perform a Rolling Update"). Each replaced pod terminates gracefully (see <see cref="Delete"/>).
/// </summary>
public sealed partial class KubernetesModel
{
    private readonly HashSet<PodSource> _rolling = [];
    private readonly HashSet<PodSource> _reconcilePending = [];

    /// <summary>
    /// The workload's pod template changes (a new image, say): its controller rolls the pods over to the new
    /// revision by its update strategy. A bare Pod or ReplicaSet has no rollout; OnDelete waits for deletions.
    /// </summary>
    public void Rollout(PodSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        source.Revision++;
        var u = source.Spec.Update;
        _trace.Add(_sim.Now, source.Key, EventKinds.RolloutStart, $"{source} rolls out revision {source.Revision} ({u.Kind}{(u.Kind == UpdateKind.RollingUpdate && source.Spec.Kind == PodSourceKind.Deployment ? $", maxSurge {u.MaxSurge}, maxUnavailable {u.MaxUnavailable}" : "")})");
        if (u.Kind == UpdateKind.OnDelete || source.Spec.Kind is PodSourceKind.Pod or PodSourceKind.ReplicaSet or PodSourceKind.EndpointSlice)
        {
            return; // pods keep the old template until they are deleted for another reason
        }
        _rolling.Add(source);
        Reconcile(source);
    }

    /// <summary>A pod of a rolling source changed: the controller looks again, after the current event.</summary>
    private void ReconcileLater(PodSource source)
    {
        if (_rolling.Contains(source) && _reconcilePending.Add(source))
        {
            _sim.Schedule(0, () =>
            {
                _reconcilePending.Remove(source);
                Reconcile(source);
            });
        }
    }

    /// <summary>Ready for minReadySeconds and not terminating: what a rolling update counts as available.</summary>
    private bool Available(Pod p, double minReadyS) =>
        p.EndpointReady && !p.Terminating && _sim.Now - p.ReadySince >= Time.FromSeconds(minReadyS);

    private void Reconcile(PodSource source)
    {
        if (!_rolling.Contains(source))
        {
            return;
        }
        var u = source.Spec.Update;
        // A pod ready but not yet for minReadySeconds becomes available later: look again then.
        foreach (var p in source.Pods)
        {
            if (p.EndpointReady && !p.Terminating && !Available(p, u.MinReadyS))
            {
                long at = p.ReadySince + Time.FromSeconds(u.MinReadyS);
                _sim.ScheduleAt(at, () => ReconcileLater(source));
            }
        }
        bool done = source.Spec.Kind switch
        {
            PodSourceKind.Deployment => u.Kind == UpdateKind.Recreate ? Recreate(source) : RollDeployment(source, u),
            PodSourceKind.StatefulSet => RollStatefulSet(source, u),
            _ => RollDaemonSet(source, u),
        };
        if (done)
        {
            _rolling.Remove(source);
            _trace.Add(_sim.Now, source.Key, EventKinds.RolloutComplete, $"{source} runs revision {source.Revision} on all its pods");
        }
    }

    private bool Old(Pod p) => p.Revision < p.Source.Revision;

    /// <summary>Whether the rollout must hold new pods back (Recreate: until every old pod is gone).</summary>
    private bool HoldsNewPods(PodSource source) =>
        _rolling.Contains(source) && source.Spec.Update.Kind == UpdateKind.Recreate && source.Pods.Exists(Old);

    private bool Recreate(PodSource source)
    {
        foreach (var p in source.Pods.Where(p => Old(p) && !p.Terminating).ToList())
        {
            Delete(p, EventKinds.PodTerminating, "deleted by the rollout (Recreate)");
        }
        if (source.Pods.Exists(Old))
        {
            return false;
        }
        EnsurePods(source);
        return source.Pods.Count(p => Available(p, source.Spec.Update.MinReadyS)) >= source.Spec.Replicas;
    }

    private bool RollDeployment(PodSource source, UpdateStrategy u)
    {
        int replicas = source.Spec.Replicas;
        int surge = u.MaxSurge.Of(replicas, roundUp: true);
        int unavailable = u.MaxUnavailable.Of(replicas, roundUp: false);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1; // the API refuses both 0; a rounding to 0 of both would stall the rollout
        }
        // Scale the new ReplicaSet up, at most maxSurge above the replicas in all.
        while (true)
        {
            int active = source.Active;
            int fresh = source.Pods.Count(p => !Old(p) && !p.Terminating);
            if (active >= replicas + surge || fresh >= replicas || !PlaceNew(source, source.NextOrdinal))
            {
                break;
            }
        }
        // Scale the old one down, never below replicas - maxUnavailable available pods (the Deployment
        // controller's maxScaledDown = all pods - minAvailable - unavailable new pods); unavailable old pods first.
        var old = source.Pods.Where(p => Old(p) && !p.Terminating).ToList();
        int all = source.Active;
        int newUnavailable = source.Pods.Count(p => !Old(p) && !p.Terminating && !Available(p, u.MinReadyS));
        int canDelete = all - (replicas - unavailable) - newUnavailable;
        foreach (var p in old.OrderBy(p => Available(p, u.MinReadyS)).ThenByDescending(p => p.Ordinal))
        {
            if (canDelete <= 0)
            {
                break;
            }
            Delete(p, EventKinds.PodTerminating, "replaced by the rollout");
            canDelete--;
        }
        return !source.Pods.Exists(p => Old(p) && !p.Terminating)
            && source.Pods.Count(p => !Old(p) && Available(p, u.MinReadyS)) >= replicas;
    }

    private bool RollStatefulSet(PodSource source, UpdateStrategy u)
    {
        // One pod at a time, from the highest ordinal down to the partition, each once every pod is back and ready.
        if (source.Pods.Exists(p => p.Terminating) || source.Pods.Count < source.Spec.Replicas
            || source.Pods.Exists(p => !Available(p, u.MinReadyS)))
        {
            return false;
        }
        var next = source.Pods.Where(p => Old(p) && p.Ordinal >= u.Partition).OrderByDescending(p => p.Ordinal).FirstOrDefault();
        if (next is null)
        {
            return true;
        }
        Delete(next, EventKinds.PodTerminating, "replaced by the rollout");
        return false;
    }

    private bool RollDaemonSet(PodSource source, UpdateStrategy u)
    {
        int nodes = Cluster.Nodes.Count(n => _scheduler.Fits(source, n));
        int maxUnavailable = Math.Max(1, u.MaxUnavailable.Of(nodes, roundUp: true));
        // Unavailable: pods not available, and fitting nodes that are up but have no pod (being recreated).
        int unavailable = source.Pods.Count(p => !Available(p, u.MinReadyS))
            + Cluster.Nodes.Count(n => n.Up && _scheduler.Fits(source, n) && source.OnNode[n.Index] == 0);
        foreach (var p in source.Pods.Where(p => Old(p) && !p.Terminating && p.Node.Up).OrderBy(p => p.Node.Index).ToList())
        {
            if (unavailable >= maxUnavailable)
            {
                break;
            }
            Delete(p, EventKinds.PodTerminating, "replaced by the rollout");
            unavailable++;
        }
        return !source.Pods.Exists(p => Old(p) && p.Node.Up) && source.Pods.All(p => !p.Node.Up || Available(p, u.MinReadyS));
    }
}
