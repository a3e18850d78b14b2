using System.Globalization;

namespace Svcsim.Kubernetes;

/// <summary>The operator of a selector requirement (metav1.LabelSelectorOperator, core/v1 NodeSelectorOperator).</summary>
public enum SelectorOperator
{
    /// <summary>The label's value is one of the values.</summary>
    In,
    /// <summary>The label is absent or its value is none of the values.</summary>
    NotIn,
    /// <summary>The label is present, whatever its value.</summary>
    Exists,
    /// <summary>The label is absent.</summary>
    DoesNotExist,
    /// <summary>Node selectors only: the label's value, as an integer, is greater than the one value.</summary>
    Gt,
    /// <summary>Node selectors only: the label's value, as an integer, is less than the one value.</summary>
    Lt,
}

/// <summary>One requirement of a selector: <c>{ key, operator, values }</c>.</summary>
public sealed record SelectorRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>Whether <paramref name="labels"/> satisfy the requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        bool has = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case SelectorOperator.In:
                return has && Contains(value!);
            case SelectorOperator.NotIn:
                return !has || !Contains(value!);
            case SelectorOperator.Exists:
                return has;
            case SelectorOperator.DoesNotExist:
                return !has;
            default:
                // Gt/Lt: both sides parse as integers, else no match (k8s.io/apimachinery labels.Requirement).
                if (!has || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
                    || Values.Count != 1 || !long.TryParse(Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long bound))
                {
                    return false;
                }
                return Operator == SelectorOperator.Gt ? v > bound : v < bound;
        }
    }

    private bool Contains(string value)
    {
        foreach (string v in Values)
        {
            if (v == value)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// A label selector (metav1.LabelSelector): every matchLabels entry and every matchExpressions
/// requirement must hold. An empty selector matches everything, as in the API.
/// </summary>
public sealed record LabelSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<SelectorRequirement> MatchExpressions)
{
    /// <summary>The empty selector: matches every set of labels.</summary>
    public static LabelSelector Everything { get; } = new(new Dictionary<string, string>(), []);

    /// <summary>Matches nothing: what an absent labelSelector of an affinity term or spread constraint means (labels.Nothing()).</summary>
    public static LabelSelector Nothing { get; } = new(new Dictionary<string, string>(), [new SelectorRequirement("", SelectorOperator.In, [])]);

    /// <summary>A selector of matchLabels only (what a Service's selector is).</summary>
    public static LabelSelector Of(IReadOnlyDictionary<string, string> labels) => new(labels, []);

    /// <summary>Whether <paramref name="labels"/> satisfy the selector.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (k, v) in MatchLabels)
        {
            if (!labels.TryGetValue(k, out var have) || have != v)
            {
                return false;
            }
        }
        foreach (var r in MatchExpressions)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>One term of a node selector: all its requirements hold (matchFields may only name <c>metadata.name</c>).</summary>
public sealed record NodeSelectorTerm(IReadOnlyList<SelectorRequirement> MatchExpressions, IReadOnlyList<SelectorRequirement> MatchFields)
{
    /// <summary>Whether the node with <paramref name="labels"/> and <paramref name="name"/> satisfies the term.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels, string name)
    {
        foreach (var r in MatchExpressions)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }
        if (MatchFields.Count > 0)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["metadata.name"] = name };
            foreach (var r in MatchFields)
            {
                if (!r.Matches(fields))
                {
                    return false;
                }
            }
        }
        return true;
    }
}

/// <summary>A taint's effect.</summary>
public enum TaintEffect
{
    /// <summary>New pods that do not tolerate it are not scheduled on the node.</summary>
    NoSchedule,
    /// <summary>The scheduler avoids the node for pods that do not tolerate it.</summary>
    PreferNoSchedule,
    /// <summary>Pods that do not tolerate it are not scheduled and are evicted (after their tolerationSeconds).</summary>
    NoExecute,
}

/// <summary>A node taint, <c>key[=value]:Effect</c>.</summary>
public sealed record Taint(string Key, string Value, TaintEffect Effect)
{
    /// <summary>kubeadm's control-plane taint.</summary>
    public const string ControlPlaneKey = "node-role.kubernetes.io/control-plane";
    /// <summary>The taint of a cordoned node (spec.unschedulable).</summary>
    public const string UnschedulableKey = "node.kubernetes.io/unschedulable";
    /// <summary>The node lifecycle controller's taint for a node whose Ready condition is Unknown (no lease).</summary>
    public const string UnreachableKey = "node.kubernetes.io/unreachable";
    /// <summary>The node lifecycle controller's taint for a node whose Ready condition is False.</summary>
    public const string NotReadyKey = "node.kubernetes.io/not-ready";

    /// <summary>Parses <c>key[=value]:Effect</c> (kubectl taint notation); null when malformed.</summary>
    public static Taint? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !Enum.TryParse(text[(colon + 1)..], ignoreCase: false, out TaintEffect effect) || !Enum.IsDefined(effect))
        {
            return null;
        }
        string kv = text[..colon];
        int eq = kv.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? new Taint(kv, "", effect) : new Taint(kv[..eq], kv[(eq + 1)..], effect);
    }

    /// <inheritdoc />
    public override string ToString() => Value.Length == 0 ? $"{Key}:{Effect}" : $"{Key}={Value}:{Effect}";
}

/// <summary>
/// A pod's toleration (core/v1 Toleration). <paramref name="Key"/> empty with <paramref name="Exists"/>
/// tolerates every taint; <paramref name="Effect"/> null matches every effect; <paramref name="TolerationSeconds"/>
/// bounds how long a NoExecute taint is tolerated (null: for ever).
/// </summary>
public sealed record Toleration(string Key, bool Exists, string Value, TaintEffect? Effect, double? TolerationSeconds = null)
{
    /// <summary>Whether this toleration tolerates <paramref name="taint"/> (core/v1 helper ToleratesTaint).</summary>
    public bool Tolerates(Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        if (Effect is { } e && e != taint.Effect)
        {
            return false;
        }
        if (Key.Length > 0 && Key != taint.Key)
        {
            return false;
        }
        return Exists || Value == taint.Value;
    }

    /// <summary>
    /// What the DaemonSet controller adds to every DaemonSet pod: not-ready and unreachable NoExecute
    /// without a time limit, and unschedulable NoSchedule (pkg/controller/daemon/util AddOrUpdateDaemonPodTolerations).
    /// </summary>
    public static IReadOnlyList<Toleration> DaemonSetDefaults { get; } =
    [
        new(Taint.NotReadyKey, true, "", TaintEffect.NoExecute),
        new(Taint.UnreachableKey, true, "", TaintEffect.NoExecute),
        new(Taint.UnschedulableKey, true, "", TaintEffect.NoSchedule),
        new("node.kubernetes.io/disk-pressure", true, "", TaintEffect.NoSchedule),
        new("node.kubernetes.io/memory-pressure", true, "", TaintEffect.NoSchedule),
        new("node.kubernetes.io/pid-pressure", true, "", TaintEffect.NoSchedule),
    ];
}

/// <summary>
/// A pod (anti-)affinity term: the pods <paramref name="Selector"/> matches in <paramref name="Namespaces"/>
/// (empty: the pod's own namespace; <c>*</c>: every namespace, as an empty namespaceSelector), counted per
/// value of the node label <paramref name="TopologyKey"/>.
/// </summary>
public sealed record PodAffinityTerm(LabelSelector Selector, string TopologyKey, IReadOnlyList<string> Namespaces);

/// <summary>A weighted preference (1–100): the scheduler favours nodes that satisfy <paramref name="Term"/>.</summary>
public sealed record Weighted<T>(int Weight, T Term);

/// <summary>
/// A topology spread constraint: the pods <paramref name="Selector"/> matches may differ by at most
/// <paramref name="MaxSkew"/> between the domains of <paramref name="TopologyKey"/> that the pod could use.
/// </summary>
/// <param name="MaxSkew">maxSkew, at least 1.</param>
/// <param name="TopologyKey">Node label whose values are the domains (zone, hostname).</param>
/// <param name="DoNotSchedule">whenUnsatisfiable: DoNotSchedule (a filter); false: ScheduleAnyway (a preference).</param>
/// <param name="Selector">labelSelector, in the pod's namespace.</param>
/// <param name="MinDomains">minDomains: with fewer eligible domains than this, the global minimum counts as 0.</param>
public sealed record SpreadConstraint(int MaxSkew, string TopologyKey, bool DoNotSchedule, LabelSelector Selector, int MinDomains = 1)
{
    /// <summary>nodeAffinityPolicy Honor (the default): only domains of nodes the pod's node affinity allows count.</summary>
    public bool HonorNodeAffinity { get; init; } = true;

    /// <summary>nodeTaintsPolicy Honor: domains of nodes whose taints the pod does not tolerate do not count (default Ignore).</summary>
    public bool HonorNodeTaints { get; init; }
}

/// <summary>
/// Where a pod may go and where it prefers to go: what the pod template says (nodeSelector, affinity,
/// tolerations, topologySpreadConstraints). Required terms filter nodes; preferred ones rank them.
/// </summary>
public sealed record PlacementSpec
{
    /// <summary>No constraint: any node without an untolerated taint.</summary>
    public static PlacementSpec Anywhere { get; } = new();

    /// <summary>spec.nodeSelector: labels the node must have.</summary>
    public IReadOnlyDictionary<string, string> NodeSelector { get; init; } = new Dictionary<string, string>();

    /// <summary>nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: one of them must hold (none: no constraint).</summary>
    public IReadOnlyList<NodeSelectorTerm> RequiredNodeTerms { get; init; } = [];

    /// <summary>nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.</summary>
    public IReadOnlyList<Weighted<NodeSelectorTerm>> PreferredNodeTerms { get; init; } = [];

    /// <summary>spec.tolerations.</summary>
    public IReadOnlyList<Toleration> Tolerations { get; init; } = [];

    /// <summary>podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.</summary>
    public IReadOnlyList<PodAffinityTerm> RequiredAntiAffinity { get; init; } = [];

    /// <summary>podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.</summary>
    public IReadOnlyList<Weighted<PodAffinityTerm>> PreferredAntiAffinity { get; init; } = [];

    /// <summary>podAffinity.requiredDuringSchedulingIgnoredDuringExecution.</summary>
    public IReadOnlyList<PodAffinityTerm> RequiredAffinity { get; init; } = [];

    /// <summary>spec.topologySpreadConstraints.</summary>
    public IReadOnlyList<SpreadConstraint> Spread { get; init; } = [];

    /// <summary>Whether the node's labels satisfy the nodeSelector and the required node affinity.</summary>
    public bool NodeMatches(IReadOnlyDictionary<string, string> labels, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (k, v) in NodeSelector)
        {
            if (!labels.TryGetValue(k, out var have) || have != v)
            {
                return false;
            }
        }
        if (RequiredNodeTerms.Count == 0)
        {
            return true;
        }
        foreach (var t in RequiredNodeTerms)
        {
            if (t.Matches(labels, nodeName))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The first taint with <paramref name="effect"/> that no toleration tolerates, or null.</summary>
    public Taint? Untolerated(IReadOnlyList<Taint> taints, TaintEffect effect)
    {
        ArgumentNullException.ThrowIfNull(taints);
        foreach (var t in taints)
        {
            if (t.Effect == effect && !Tolerates(t))
            {
                return t;
            }
        }
        return null;
    }

    /// <summary>Whether some toleration tolerates <paramref name="taint"/>.</summary>
    public bool Tolerates(Taint taint)
    {
        foreach (var tol in Tolerations)
        {
            if (tol.Tolerates(taint))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// How long a pod tolerates the NoExecute <paramref name="taint"/>: 0 when it does not, the shortest
    /// tolerationSeconds of the tolerations that match, +∞ when one matches without a limit.
    /// <paramref name="defaultSeconds"/> applies to not-ready and unreachable when no toleration names
    /// them (the DefaultTolerationSeconds admission plugin adds those two with 300 s).
    /// </summary>
    public double TolerationSecondsFor(Taint taint, double defaultSeconds)
    {
        ArgumentNullException.ThrowIfNull(taint);
        double best = -1;
        foreach (var tol in Tolerations)
        {
            if (tol.Tolerates(taint))
            {
                double s = tol.TolerationSeconds is { } v ? Math.Max(0, v) : double.PositiveInfinity;
                best = best < 0 ? s : Math.Min(best, s);
            }
        }
        if (best >= 0)
        {
            return best;
        }
        return taint.Key is Taint.NotReadyKey or Taint.UnreachableKey ? defaultSeconds : 0;
    }
}
