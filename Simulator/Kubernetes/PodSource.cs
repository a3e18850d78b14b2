using Svcsim.Engine;

namespace Svcsim.Kubernetes;

/// <summary>
/// A pod source at run time (a Deployment, ReplicaSet, StatefulSet, DaemonSet, bare Pod or hand-written
/// EndpointSlice): its spec and the pods that exist now. How it names and replaces pods comes from
/// <see cref="PodSourceSpec.KindInfo"/>; the model's controllers read that instead of asking the kind.
/// </summary>
public sealed class PodSource
{
    private readonly HashSet<int> _ordinalsInUse = [];
    private readonly HashSet<int> _ordinalsEverUsed = [];
    private int _created;

    internal PodSource(int index, PodSourceSpec spec, int nodeCount, Sampler startup)
    {
        Index = index;
        Spec = spec;
        Info = spec.KindInfo;
        OnNode = new int[nodeCount];
        Startup = startup;
    }

    /// <summary>Position in the model's source list.</summary>
    public int Index { get; }

    /// <summary>As declared.</summary>
    public PodSourceSpec Spec { get; }

    /// <summary>How its kind behaves.</summary>
    public PodSourceKindInfo Info { get; }

    /// <summary>metadata.name.</summary>
    public string Name => Spec.Name;

    /// <summary><c>name</c>, or <c>namespace/name</c> outside the default namespace.</summary>
    public string Key => Spec.Key;

    /// <summary>Pods that exist (terminating ones included, gone ones not), in creation order.</summary>
    public List<Pod> Pods { get; } = [];

    /// <summary>Pods that exist on each node, by node index (what spreading and DaemonSets count).</summary>
    internal int[] OnNode { get; }

    /// <summary>Draws container start times.</summary>
    internal Sampler Startup { get; }

    /// <summary>The pod template's revision: bumped by a rollout; pods keep the revision they were made from.</summary>
    public int Revision { get; internal set; }

    /// <summary>Ordinal of the next pod of a source whose names grow (Deployment, ReplicaSet).</summary>
    internal int NextOrdinal { get; set; }

    /// <summary>Pods not marked for deletion: what the controller counts against the replicas it wants.</summary>
    public int Active
    {
        get
        {
            int n = 0;
            foreach (var p in Pods)
            {
                if (!p.Terminating)
                {
                    n++;
                }
            }
            return n;
        }
    }

    /// <summary>Whether a pod with <paramref name="ordinal"/> exists (a StatefulSet keeps at most one per identity).</summary>
    internal bool OrdinalInUse(int ordinal) => _ordinalsInUse.Contains(ordinal);

    /// <summary>
    /// The random stream of a new pod's service times: <c>service:key:ordinal</c>, and for a later pod with an
    /// ordinal used before (a StatefulSet's or DaemonSet's replacement) a stream of its own.
    /// </summary>
    internal string ServiceStream(int ordinal)
    {
        _created++;
        return _ordinalsEverUsed.Add(ordinal) ? $"service:{Key}:{ordinal}" : $"service:{Key}:{ordinal}:{_created}";
    }

    internal void Add(Pod pod)
    {
        Pods.Add(pod);
        OnNode[pod.Node.Index]++;
        _ordinalsInUse.Add(pod.Ordinal);
    }

    internal void Remove(Pod pod)
    {
        Pods.Remove(pod);
        OnNode[pod.Node.Index]--;
        _ordinalsInUse.Remove(pod.Ordinal);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Spec.Kind}/{Key}";
}
