using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// Where a new pod of a Deployment goes, as kube-scheduler's default spreading decides it here: among the
/// nodes the pod may run on that are up and Ready, the one with the fewest pods of its Deployment, then
/// the fewest pods in all, then the first declared. It also keeps the pods of each node, in Deployment
/// order and then creation order.
/// </summary>
/// <remarks>
/// A choice costs O(log nodes) amortised instead of a scan of every node and pod: each Deployment has a
/// heap of its feasible nodes keyed by (own pods, all pods, index), repaired lazily. A key only goes
/// stale low when a node gains a pod (it is re-keyed when it reaches the top); when a node loses one,
/// its new, lower key is pushed, and the old entry is dropped when it surfaces. So the top entry whose key
/// is current is the minimum. Static filters (pinned nodes, schedulable) decide who is in a heap at all;
/// a filter that changes at run time (up, Ready) sets entries aside during one choice. New filters
/// (node selectors, taints) belong in <see cref="Feasible"/>; a score that is not a function of the
/// counts kept here needs its own index.
/// </remarks>
internal sealed class Scheduler
{
    private readonly IReadOnlyList<Node> _nodes;
    private readonly Func<Node, bool> _ready;
    private readonly List<Pod>[] _podsOn;
    private readonly Dictionary<DeploymentState, Spread> _spread = [];
    private readonly List<(int Node, Key Key)> _aside = [];

    /// <param name="nodes">The cluster's nodes.</param>
    /// <param name="ready">Whether a node can take a pod now (up and Ready).</param>
    public Scheduler(IReadOnlyList<Node> nodes, Func<Node, bool> ready)
    {
        _nodes = nodes;
        _ready = ready;
        _podsOn = new List<Pod>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            _podsOn[i] = [];
        }
    }

    /// <summary>The pods (not deleted) on <paramref name="node"/>: by Deployment, then oldest first.</summary>
    public IReadOnlyList<Pod> PodsOn(Node node) => _podsOn[node.Index];

    /// <summary>Whether the Deployment's pods may run on <paramref name="node"/> at all (static filters).</summary>
    public static bool Feasible(DeploymentState d, Node node)
    {
        var pinned = d.Spec.PinnedNodes;
        return pinned.Count > 0 ? Contains(pinned, node.Name) : node.Spec.Schedulable;
    }

    /// <summary>The node for a new pod of <paramref name="d"/>, or null when no feasible node is up and Ready.</summary>
    public Node? Choose(DeploymentState d)
    {
        var s = SpreadOf(d);
        var heap = s.Heap;
        Node? chosen = null;
        while (heap.TryPeek(out int n, out var key))
        {
            var current = s.KeyOf(n, _podsOn[n].Count);
            if (key != current)
            {
                heap.Dequeue();
                if (key.CompareTo(current) < 0)
                {
                    heap.Enqueue(n, current);
                }
                continue; // a higher stale key: the node's current key is in the heap already
            }
            if (!_ready(_nodes[n]))
            {
                heap.Dequeue();
                _aside.Add((n, key));
                continue;
            }
            chosen = _nodes[n];
            break;
        }
        foreach (var (n, key) in _aside)
        {
            heap.Enqueue(n, key);
        }
        _aside.Clear();
        return chosen;
    }

    /// <summary>A pod was created on its node (it is the newest of its Deployment).</summary>
    public void Added(Pod pod)
    {
        var list = _podsOn[pod.Node.Index];
        int d = pod.Deployment.Index;
        int at = list.Count;
        while (at > 0 && list[at - 1].Deployment.Index > d)
        {
            at--;
        }
        list.Insert(at, pod);
        if (_spread.TryGetValue(pod.Deployment, out var s))
        {
            s.Own[pod.Node.Index]++;
        }
    }

    /// <summary>A pod was deleted: its node's counts go down, so its keys go down in every heap it is in.</summary>
    public void Removed(Pod pod)
    {
        int n = pod.Node.Index;
        _podsOn[n].Remove(pod);
        if (_spread.TryGetValue(pod.Deployment, out var own))
        {
            own.Own[n]--;
        }
        foreach (var s in _spread.Values)
        {
            if (s.InHeap[n])
            {
                s.Heap.Enqueue(n, s.KeyOf(n, _podsOn[n].Count));
            }
        }
    }

    private Spread SpreadOf(DeploymentState d)
    {
        if (_spread.TryGetValue(d, out var s))
        {
            return s;
        }
        s = new Spread(_nodes.Count);
        foreach (var p in d.Pods)
        {
            s.Own[p.Node.Index]++;
        }
        foreach (var node in _nodes)
        {
            if (Feasible(d, node))
            {
                s.InHeap[node.Index] = true;
                s.Heap.Enqueue(node.Index, s.KeyOf(node.Index, _podsOn[node.Index].Count));
            }
        }
        _spread.Add(d, s);
        return s;
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        foreach (var n in names)
        {
            if (n == name)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Scheduling order of a node for one Deployment: fewer own pods, fewer pods, earlier node.</summary>
    private readonly record struct Key(int Own, int All, int Index) : IComparable<Key>
    {
        public int CompareTo(Key other) =>
            Own != other.Own ? Own.CompareTo(other.Own) : All != other.All ? All.CompareTo(other.All) : Index.CompareTo(other.Index);
    }

    private sealed class Spread(int nodes)
    {
        public readonly int[] Own = new int[nodes];
        public readonly bool[] InHeap = new bool[nodes];
        public readonly PriorityQueue<int, Key> Heap = new();

        public Key KeyOf(int node, int all) => new(Own[node], all, node);
    }
}
