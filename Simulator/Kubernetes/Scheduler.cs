using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// kube-scheduler's filters and a deterministic ranking, for one pod at a time, and the index of the pods on
/// each node (by source, then oldest first). Filters: the pod source's
/// static fit (nodeSelector, required node affinity, NoSchedule/NoExecute taints, pinned nodes), required pod
/// anti-affinity (both ways, as the InterPodAffinity plugin checks existing pods' terms too), required pod
/// affinity, and topologySpreadConstraints with DoNotSchedule. Ranking, first difference wins: preferred node
/// affinity weight, untolerated PreferNoSchedule taints, preferred anti-affinity, ScheduleAnyway spread, the
/// source's own pods on the node, all pods on the node, declaration order (kubernetes.io scheduling pages:
/// assign-pod-node, taint-and-toleration, topology-spread-constraints).
/// Pod labels are those of their source's template, so every selector is matched once per source, at build;
/// each term keeps pod counts per topology domain, updated as pods come and go, so placing a pod costs
/// O(nodes × terms), never a scan of the pods.
/// </summary>
/// <remarks>
/// A source whose ranking depends only on static per-node values and the pod counts (no pod affinity, no
/// anti-affinity, no spread constraint, and no other source's anti-affinity selecting it: the common case)
/// is placed in O(log nodes) amortised from a heap of its feasible nodes keyed by (preferred node-affinity
/// weight, untolerated PreferNoSchedule taints, own pods, all pods, index), repaired lazily: a key only goes
/// stale low when a node gains a pod (it is re-keyed when it reaches the top); when a node loses one, its new,
/// lower key is pushed, and the old entry is dropped when it surfaces. A filter that changes at run time (up,
/// Ready, cordoned) sets entries aside during one choice. Other sources are placed by a scan of the nodes.
/// </remarks>
internal sealed class Scheduler
{
    private readonly IReadOnlyList<Node> _nodes;
    private readonly IReadOnlyList<PodSource> _sources;
    private readonly Func<Node, bool> _usable;
    private readonly IReadOnlyList<Taint>[] _taints;
    private readonly Dictionary<string, string>[] _labels;
    private readonly Dictionary<string, Topology> _topologies = new(StringComparer.Ordinal);
    private readonly bool[][] _fits;               // [source][node]: static fit
    private readonly SourceTerms[] _terms;         // per source: its terms and the counters it feeds
    private readonly List<Pod>[] _podsOn;
    private readonly int[] _workersOn;             // [node]: workers of the pods that exist there
    private readonly Spread?[] _spread;            // per source on the heap path, made on first use
    private readonly List<(int Node, Key Key)> _aside = [];

    /// <summary>The node label's values as domain numbers: node index to domain, -1 when the node lacks the label.</summary>
    private sealed class Topology(int[] domainOf, int count)
    {
        public int[] DomainOf { get; } = domainOf;
        public int Count { get; } = count;
    }

    /// <summary>Pods per domain of one topology, for the sources a selector matched.</summary>
    private sealed class Counter(Topology topology, bool countsTerminating)
    {
        public Topology Topology { get; } = topology;
        public int[] Count { get; } = new int[topology.Count];
        public bool CountsTerminating { get; } = countsTerminating;
        public int Total { get; set; }
    }

    private sealed record TermCounter(PodAffinityTerm Term, Counter Matched, Counter Owner);

    private sealed record SpreadCounter(SpreadConstraint Constraint, Counter Matched, bool[] EligibleDomain, int EligibleDomains, int SelfMatch);

    private sealed class SourceTerms
    {
        public List<TermCounter> AntiAffinity { get; } = [];
        public List<(int Weight, TermCounter Counter)> PreferredAntiAffinity { get; } = [];
        public List<TermCounter> Affinity { get; } = [];
        public List<SpreadCounter> Spread { get; } = [];
        /// <summary>Required anti-affinity terms of other sources whose selector matches this source's pods.</summary>
        public List<TermCounter> ForbiddenBy { get; } = [];
        /// <summary>Every counter a pod of this source is counted in.</summary>
        public List<Counter> Feeds { get; } = [];
        public int SelfAffinity { get; set; }

        /// <summary>Ranked by static per-node values and pod counts alone: the heap path serves it.</summary>
        public bool Simple => AntiAffinity.Count == 0 && PreferredAntiAffinity.Count == 0 && Affinity.Count == 0 && Spread.Count == 0 && ForbiddenBy.Count == 0;
    }

    /// <param name="nodes">The cluster's nodes.</param>
    /// <param name="sources">The pod sources, by index.</param>
    /// <param name="usable">Whether a node can take a new pod now (up, Ready, not cordoned).</param>
    public Scheduler(IReadOnlyList<Node> nodes, IReadOnlyList<PodSource> sources, Func<Node, bool> usable)
    {
        _nodes = nodes;
        _sources = sources;
        _usable = usable;
        _labels = new Dictionary<string, string>[nodes.Count];
        _taints = new IReadOnlyList<Taint>[nodes.Count];
        _podsOn = new List<Pod>[nodes.Count];
        _workersOn = new int[nodes.Count];
        _spread = new Spread?[sources.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            _labels[i] = NodeMetadata.Labels(nodes[i].Spec);
            _taints[i] = NodeMetadata.Taints(nodes[i].Spec);
            _podsOn[i] = [];
        }
        _fits = new bool[sources.Count][];
        _terms = new SourceTerms[sources.Count];
        for (int s = 0; s < sources.Count; s++)
        {
            _terms[s] = new SourceTerms();
            var spec = sources[s].Spec;
            var placement = NodeMetadata.EffectivePlacement(spec);
            var fits = new bool[nodes.Count];
            for (int i = 0; i < nodes.Count; i++)
            {
                bool pinnedOk = spec.PinnedNodes.Count == 0 || spec.PinnedNodes.Contains(nodes[i].Name);
                fits[i] = pinnedOk && placement.NodeMatches(_labels[i], nodes[i].Name)
                    && placement.Untolerated(_taints[i], TaintEffect.NoSchedule) is null
                    && placement.Untolerated(_taints[i], TaintEffect.NoExecute) is null;
            }
            _fits[s] = fits;
        }
        for (int s = 0; s < sources.Count; s++)
        {
            BuildTerms(s);
        }
    }

    /// <summary>Whether pods of <paramref name="source"/> may run on <paramref name="node"/> by labels, taints and pins.</summary>
    public bool Fits(PodSource source, Node node) => _fits[source.Index][node.Index];

    /// <summary>The pods that exist on <paramref name="node"/> (terminating ones included): by source, then oldest first.</summary>
    public IReadOnlyList<Pod> PodsOn(Node node) => _podsOn[node.Index];

    /// <summary>The workers of every pod on <paramref name="node"/> (terminating ones included): its serving capacity.</summary>
    public int WorkersOn(Node node) => _workersOn[node.Index];

    private Topology TopologyOf(string key)
    {
        if (_topologies.TryGetValue(key, out var t))
        {
            return t;
        }
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var domainOf = new int[_nodes.Count];
        for (int i = 0; i < _nodes.Count; i++)
        {
            if (_labels[i].TryGetValue(key, out var v))
            {
                if (!ids.TryGetValue(v, out int id))
                {
                    id = ids.Count;
                    ids[v] = id;
                }
                domainOf[i] = id;
            }
            else
            {
                domainOf[i] = -1;
            }
        }
        t = new Topology(domainOf, ids.Count);
        _topologies[key] = t;
        return t;
    }

    private bool Selects(PodAffinityTerm term, PodSourceSpec owner, PodSourceSpec candidate)
    {
        bool nsOk = term.Namespaces.Count == 0 ? candidate.Namespace == owner.Namespace
            : term.Namespaces.Contains("*") || term.Namespaces.Contains(candidate.Namespace);
        return nsOk && candidate.Kind != PodSourceKind.EndpointSlice && term.Selector.Matches(candidate.PodLabels);
    }

    private Counter MatchedCounter(PodAffinityTerm term, PodSourceSpec owner, bool countsTerminating)
    {
        var c = new Counter(TopologyOf(term.TopologyKey), countsTerminating);
        for (int m = 0; m < _sources.Count; m++)
        {
            if (Selects(term, owner, _sources[m].Spec))
            {
                _terms[m].Feeds.Add(c);
            }
        }
        return c;
    }

    private void BuildTerms(int s)
    {
        var spec = _sources[s].Spec;
        var p = spec.Placement;
        var mine = _terms[s];
        foreach (var term in p.RequiredAntiAffinity)
        {
            // Terminating pods still exist on their node: anti-affinity counts them.
            var owner = new Counter(TopologyOf(term.TopologyKey), countsTerminating: true);
            mine.Feeds.Add(owner);
            var tc = new TermCounter(term, MatchedCounter(term, spec, countsTerminating: true), owner);
            mine.AntiAffinity.Add(tc);
            for (int m = 0; m < _sources.Count; m++)
            {
                if (Selects(term, spec, _sources[m].Spec))
                {
                    _terms[m].ForbiddenBy.Add(tc);
                }
            }
        }
        foreach (var w in p.PreferredAntiAffinity)
        {
            var owner = new Counter(TopologyOf(w.Term.TopologyKey), countsTerminating: true);
            mine.PreferredAntiAffinity.Add((w.Weight, new TermCounter(w.Term, MatchedCounter(w.Term, spec, countsTerminating: true), owner)));
        }
        foreach (var term in p.RequiredAffinity)
        {
            var owner = new Counter(TopologyOf(term.TopologyKey), countsTerminating: true);
            mine.Affinity.Add(new TermCounter(term, MatchedCounter(term, spec, countsTerminating: true), owner));
            if (Selects(term, spec, spec))
            {
                mine.SelfAffinity++;
            }
        }
        var placement = NodeMetadata.EffectivePlacement(spec);
        foreach (var c in p.Spread)
        {
            var topology = TopologyOf(c.TopologyKey);
            // Terminating pods are not counted (PodTopologySpread skips pods with a deletion timestamp).
            var counter = new Counter(topology, countsTerminating: false);
            var asTerm = new PodAffinityTerm(c.Selector, c.TopologyKey, []);
            for (int m = 0; m < _sources.Count; m++)
            {
                if (Selects(asTerm, spec, _sources[m].Spec))
                {
                    _terms[m].Feeds.Add(counter);
                }
            }
            // Domains counted: by default those of nodes the pod's node affinity allows (nodeAffinityPolicy Honor),
            // tainted ones included (nodeTaintsPolicy Ignore), so a tainted node's domain counts with its pods.
            var eligible = new bool[topology.Count];
            int eligibleCount = 0;
            for (int i = 0; i < _nodes.Count; i++)
            {
                int d = topology.DomainOf[i];
                bool affinityOk = !c.HonorNodeAffinity || placement.NodeMatches(_labels[i], _nodes[i].Name);
                bool taintsOk = !c.HonorNodeTaints
                    || (placement.Untolerated(_taints[i], TaintEffect.NoSchedule) is null && placement.Untolerated(_taints[i], TaintEffect.NoExecute) is null);
                if (d >= 0 && affinityOk && taintsOk && !eligible[d])
                {
                    eligible[d] = true;
                    eligibleCount++;
                }
            }
            mine.Spread.Add(new SpreadCounter(c, counter, eligible, eligibleCount, c.Selector.Matches(spec.PodLabels) ? 1 : 0));
        }
    }

    // ---- pods come and go ----

    /// <summary>A pod was created on its node (it is the newest of its source).</summary>
    public void Added(Pod pod)
    {
        var list = _podsOn[pod.Node.Index];
        int d = pod.Source.Index;
        int at = list.Count;
        while (at > 0 && list[at - 1].Source.Index > d)
        {
            at--;
        }
        list.Insert(at, pod);
        _workersOn[pod.Node.Index] += pod.Pool.Servers;
        foreach (var c in _terms[d].Feeds)
        {
            Count(c, pod.Node, +1);
        }
    }

    /// <summary>A pod was marked for deletion.</summary>
    public void MarkedTerminating(Pod pod)
    {
        foreach (var c in _terms[pod.Source.Index].Feeds)
        {
            if (!c.CountsTerminating)
            {
                Count(c, pod.Node, -1);
            }
        }
    }

    /// <summary>A pod is gone; <paramref name="wasTerminating"/>: it had been marked for deletion first.</summary>
    public void Removed(Pod pod, bool wasTerminating)
    {
        int n = pod.Node.Index;
        if (_podsOn[n].Remove(pod))
        {
            _workersOn[n] -= pod.Pool.Servers;
        }
        foreach (var c in _terms[pod.Source.Index].Feeds)
        {
            if (c.CountsTerminating || !wasTerminating)
            {
                Count(c, pod.Node, -1);
            }
        }
        // Its node's counts went down, so its keys go down in every heap it is in.
        foreach (var s in _spread)
        {
            if (s is not null && s.InHeap[n])
            {
                s.Heap.Enqueue(n, s.KeyOf(n, _podsOn[n].Count));
            }
        }
    }

    private static void Count(Counter c, Node node, int delta)
    {
        int d = c.Topology.DomainOf[node.Index];
        if (d >= 0)
        {
            c.Count[d] += delta;
            c.Total += delta;
        }
    }

    // ---- placing a pod ----

    /// <summary>
    /// The node for a new pod of <paramref name="source"/> among nodes <paramref name="usable"/> accepts, or null
    /// with <paramref name="why"/> saying what ruled the nodes out.
    /// </summary>
    public Node? Place(PodSource source, out string why)
    {
        int s = source.Index;
        var fits = _fits[s];
        var terms = _terms[s];
        if (terms.Simple)
        {
            var chosen = Choose(source);
            why = chosen is not null ? "" : Unplaceable(source);
            return chosen;
        }
        var spec = source.Spec;
        // The global minimum of each DoNotSchedule/ScheduleAnyway constraint over its eligible domains.
        var minima = new int[terms.Spread.Count];
        for (int k = 0; k < terms.Spread.Count; k++)
        {
            var sc = terms.Spread[k];
            int min = int.MaxValue;
            for (int d = 0; d < sc.EligibleDomain.Length; d++)
            {
                if (sc.EligibleDomain[d])
                {
                    min = Math.Min(min, sc.Matched.Count[d]);
                }
            }
            minima[k] = min == int.MaxValue || sc.EligibleDomains < sc.Constraint.MinDomains ? 0 : min;
        }
        Node? best = null;
        var bestScore = default(Score);
        int rejectedStatic = 0, rejectedDown = 0, rejectedAffinity = 0, rejectedSpread = 0;
        foreach (var n in _nodes)
        {
            int i = n.Index;
            if (!fits[i])
            {
                rejectedStatic++;
                continue;
            }
            if (!_usable(n))
            {
                rejectedDown++;
                continue;
            }
            if (!AffinityAllows(terms, i))
            {
                rejectedAffinity++;
                continue;
            }
            bool spreadOk = true;
            int anywaySkew = 0;
            for (int k = 0; k < terms.Spread.Count; k++)
            {
                var sc = terms.Spread[k];
                int d = sc.Matched.Topology.DomainOf[i];
                if (d < 0)
                {
                    spreadOk &= !sc.Constraint.DoNotSchedule; // a node without the topology label is skipped
                    continue;
                }
                int skew = sc.Matched.Count[d] + sc.SelfMatch - minima[k];
                if (sc.Constraint.DoNotSchedule)
                {
                    spreadOk &= skew <= sc.Constraint.MaxSkew;
                }
                else
                {
                    anywaySkew += sc.Matched.Count[d];
                }
            }
            if (!spreadOk)
            {
                rejectedSpread++;
                continue;
            }
            var score = new Score(
                PreferredNodeWeight(spec.Placement, i),
                PreferNoScheduleCount(spec, i),
                PreferredAntiAffinityWeight(terms, i),
                anywaySkew,
                source.OnNode[i],
                _podsOn[i].Count);
            if (best is null || score.BetterThan(bestScore))
            {
                best = n;
                bestScore = score;
            }
        }
        why = best is not null ? "" : string.Join(", ", new[]
        {
            rejectedStatic > 0 ? $"{rejectedStatic} do not fit its nodeSelector, affinity, tolerations or pinned nodes" : null,
            rejectedDown > 0 ? $"{rejectedDown} are not Ready" : null,
            rejectedAffinity > 0 ? $"{rejectedAffinity} break pod (anti-)affinity" : null,
            rejectedSpread > 0 ? $"{rejectedSpread} would exceed a topology spread constraint's maxSkew" : null,
        }.Where(x => x is not null));
        return best;
    }

    /// <summary>The heap path: the feasible usable node with the smallest key, or null.</summary>
    private Node? Choose(PodSource source)
    {
        var s = SpreadOf(source);
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
            if (!_usable(_nodes[n]))
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

    private string Unplaceable(PodSource source)
    {
        int statically = 0, down = 0;
        foreach (var n in _nodes)
        {
            if (!_fits[source.Index][n.Index])
            {
                statically++;
            }
            else if (!_usable(n))
            {
                down++;
            }
        }
        return string.Join(", ", new[]
        {
            statically > 0 ? $"{statically} do not fit its nodeSelector, affinity, tolerations or pinned nodes" : null,
            down > 0 ? $"{down} are not Ready" : null,
        }.Where(x => x is not null));
    }

    private Spread SpreadOf(PodSource source)
    {
        if (_spread[source.Index] is { } s)
        {
            return s;
        }
        var spec = source.Spec;
        s = new Spread(source, _nodes.Count);
        for (int i = 0; i < _nodes.Count; i++)
        {
            if (_fits[source.Index][i])
            {
                s.Weight[i] = PreferredNodeWeight(spec.Placement, i);
                s.PreferNoSchedule[i] = PreferNoScheduleCount(spec, i);
                s.InHeap[i] = true;
                s.Heap.Enqueue(i, s.KeyOf(i, _podsOn[i].Count));
            }
        }
        _spread[source.Index] = s;
        return s;
    }

    /// <summary>Heap order of a node for one source: more preferred weight, fewer PreferNoSchedule taints, fewer own pods, fewer pods, earlier node.</summary>
    private readonly record struct Key(int NegWeight, int PreferNoSchedule, int Own, int All, int Index) : IComparable<Key>
    {
        public int CompareTo(Key other) =>
            NegWeight != other.NegWeight ? NegWeight.CompareTo(other.NegWeight)
            : PreferNoSchedule != other.PreferNoSchedule ? PreferNoSchedule.CompareTo(other.PreferNoSchedule)
            : Own != other.Own ? Own.CompareTo(other.Own)
            : All != other.All ? All.CompareTo(other.All)
            : Index.CompareTo(other.Index);
    }

    private sealed class Spread(PodSource source, int nodes)
    {
        public readonly int[] Weight = new int[nodes];
        public readonly int[] PreferNoSchedule = new int[nodes];
        public readonly bool[] InHeap = new bool[nodes];
        public readonly PriorityQueue<int, Key> Heap = new();

        public Key KeyOf(int node, int all) => new(-Weight[node], PreferNoSchedule[node], source.OnNode[node], all, node);
    }

    private bool AffinityAllows(SourceTerms terms, int node)
    {
        foreach (var tc in terms.AntiAffinity)
        {
            int d = tc.Matched.Topology.DomainOf[node];
            if (d >= 0 && tc.Matched.Count[d] > 0)
            {
                return false;
            }
        }
        foreach (var tc in terms.ForbiddenBy)
        {
            // An existing pod's required anti-affinity term selects this pod: not in that pod's domain.
            int d = tc.Owner.Topology.DomainOf[node];
            if (d >= 0 && tc.Owner.Count[d] > 0)
            {
                return false;
            }
        }
        foreach (var tc in terms.Affinity)
        {
            int d = tc.Matched.Topology.DomainOf[node];
            if (d < 0)
            {
                return false;
            }
            // The first pod of a group that selects itself may go anywhere (InterPodAffinity's special case).
            if (tc.Matched.Count[d] == 0 && !(tc.Matched.Total == 0 && terms.SelfAffinity > 0))
            {
                return false;
            }
        }
        return true;
    }

    private int PreferredNodeWeight(PlacementSpec p, int node)
    {
        int w = 0;
        foreach (var t in p.PreferredNodeTerms)
        {
            if (t.Term.Matches(_labels[node], _nodes[node].Name))
            {
                w += t.Weight;
            }
        }
        return w;
    }

    private int PreferNoScheduleCount(PodSourceSpec spec, int node)
    {
        int n = 0;
        foreach (var t in _taints[node])
        {
            if (t.Effect == TaintEffect.PreferNoSchedule && !spec.Placement.Tolerates(t))
            {
                n++;
            }
        }
        return n;
    }

    private static int PreferredAntiAffinityWeight(SourceTerms terms, int node)
    {
        int w = 0;
        foreach (var (weight, tc) in terms.PreferredAntiAffinity)
        {
            int d = tc.Matched.Topology.DomainOf[node];
            if (d >= 0)
            {
                w += weight * tc.Matched.Count[d];
            }
        }
        return w;
    }

    /// <summary>A node's rank; compared field by field.</summary>
    private readonly record struct Score(int NodeAffinity, int PreferNoSchedule, int AntiAffinity, int SpreadCount, int Own, int All)
    {
        public bool BetterThan(Score o)
        {
            if (NodeAffinity != o.NodeAffinity)
            {
                return NodeAffinity > o.NodeAffinity;
            }
            if (PreferNoSchedule != o.PreferNoSchedule)
            {
                return PreferNoSchedule < o.PreferNoSchedule;
            }
            if (AntiAffinity != o.AntiAffinity)
            {
                return AntiAffinity < o.AntiAffinity;
            }
            if (SpreadCount != o.SpreadCount)
            {
                return SpreadCount < o.SpreadCount;
            }
            if (Own != o.Own)
            {
                return Own < o.Own;
            }
            return All < o.All; // equal: the earlier node keeps its place
        }
    }
}
