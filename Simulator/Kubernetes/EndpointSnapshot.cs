using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// One published version of a Service's endpoints, immutable and shared: every kube-proxy that has synced to
/// this version holds a reference to it, not a copy, so a change costs O(endpoints) once rather than
/// O(nodes x endpoints). It keeps every endpoint with its conditions, and the two sets kube-proxy uses: the
/// ready endpoints, and the serving terminating ones it falls back to when none is ready (KEP-1669), both
/// whole and per node. The endpoints are grouped into EndpointSlices of at most <see cref="MaxPerSlice"/>,
/// the EndpointSlice controller's default (--max-endpoints-per-slice 100).
/// </summary>
public sealed class EndpointSnapshot
{
    /// <summary>Endpoints per slice at most (kube-controller-manager --max-endpoints-per-slice, default 100).</summary>
    public const int MaxPerSlice = 100;

    private static readonly Dictionary<int, Pod[]> NoLocal = [];
    private readonly Dictionary<int, Pod[]> _byNode;
    private readonly Dictionary<int, Pod[]> _fallbackByNode;

    /// <summary>A Service with no endpoint.</summary>
    public static EndpointSnapshot Empty { get; } = new(Array.Empty<Endpoint>(), 0);

    /// <summary>Builds version <paramref name="version"/> from endpoints that are all ready (in slice order).</summary>
    public EndpointSnapshot(Pod[] ready, int version)
        : this(ready.Select(p => new Endpoint(p, true, true, false)).ToArray(), version)
    {
    }

    /// <summary>Builds version <paramref name="version"/> from <paramref name="endpoints"/> with their conditions (in slice order).</summary>
    public EndpointSnapshot(IReadOnlyList<Endpoint> endpoints, int version)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Conditions = endpoints;
        Version = version;
        int ready = 0, fallback = 0;
        foreach (var e in endpoints)
        {
            if (e.Ready)
            {
                ready++;
            }
            else if (e.Serving && e.Terminating)
            {
                fallback++;
            }
        }
        All = new Pod[ready];
        Fallback = new Pod[fallback];
        int r = 0, f = 0;
        foreach (var e in endpoints)
        {
            if (e.Ready)
            {
                All[r++] = e.Pod;
            }
            else if (e.Serving && e.Terminating)
            {
                Fallback[f++] = e.Pod;
            }
        }
        _byNode = ByNode(All);
        _fallbackByNode = ByNode(Fallback);
    }

    private static Dictionary<int, Pod[]> ByNode(Pod[] pods)
    {
        if (pods.Length == 0)
        {
            return NoLocal;
        }
        // Group by node in one pass, keeping slice order within each node.
        var counts = new Dictionary<int, int>();
        foreach (var p in pods)
        {
            counts[p.Node.Index] = counts.GetValueOrDefault(p.Node.Index) + 1;
        }
        var byNode = new Dictionary<int, Pod[]>(counts.Count);
        var fill = new Dictionary<int, int>(counts.Count);
        foreach (var p in pods)
        {
            int n = p.Node.Index;
            if (!byNode.TryGetValue(n, out var arr))
            {
                arr = new Pod[counts[n]];
                byNode.Add(n, arr);
            }
            int k = fill.GetValueOrDefault(n);
            arr[k] = p;
            fill[n] = k + 1;
        }
        return byNode;
    }

    /// <summary>The version this snapshot was published as (the Service's slice version).</summary>
    public int Version { get; }

    /// <summary>Every endpoint with its conditions, terminating ones included, in slice order.</summary>
    public IReadOnlyList<Endpoint> Conditions { get; }

    /// <summary>
    /// Usable endpoints (<see cref="Usable"/>) added or removed from the first version up to this one: a proxy
    /// that updates its rules in place writes the difference between the versions it syncs from and to.
    /// </summary>
    public long Changes { get; private set; }

    /// <summary>The next version: <paramref name="endpoints"/>, with the usable endpoints added or removed since this one counted.</summary>
    public EndpointSnapshot Next(IReadOnlyList<Endpoint> endpoints, int version)
    {
        var next = new EndpointSnapshot(endpoints, version);
        var before = new HashSet<Pod>(Usable);
        long changed = 0;
        foreach (var p in next.Usable)
        {
            if (!before.Remove(p))
            {
                changed++;
            }
        }
        next.Changes = Changes + changed + before.Count;
        return next;
    }

    /// <summary>Every ready endpoint, in slice order.</summary>
    public Pod[] All { get; }

    /// <summary>The serving terminating endpoints, in slice order.</summary>
    public Pod[] Fallback { get; }

    /// <summary>Number of EndpointSlices that hold these endpoints.</summary>
    public int Slices => (Conditions.Count + MaxPerSlice - 1) / MaxPerSlice;

    /// <summary>Ready endpoints on <paramref name="node"/> (empty when none), in slice order.</summary>
    public Pod[] On(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _byNode.TryGetValue(node.Index, out var local) ? local : [];
    }

    /// <summary>Whether a ready endpoint runs on <paramref name="node"/>.</summary>
    public bool HasOn(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _byNode.ContainsKey(node.Index);
    }

    // Positions of the pods in the lists this snapshot hands out, built on first need and shared by every
    // proxy that synced to this version (a membership test or a least-connections index costs no scan).
    private Dictionary<Pod[], Dictionary<Pod, int>>? _positions;

    /// <summary>
    /// Each pod's position in <paramref name="list"/>, one of the lists this snapshot handed out
    /// (<see cref="Usable"/>, <see cref="UsableOn"/>...); built once per list and version.
    /// </summary>
    public IReadOnlyDictionary<Pod, int> PositionsIn(Pod[] list)
    {
        ArgumentNullException.ThrowIfNull(list);
        _positions ??= new Dictionary<Pod[], Dictionary<Pod, int>>(ReferenceEqualityComparer.Instance);
        if (!_positions.TryGetValue(list, out var map))
        {
            map = new Dictionary<Pod, int>(list.Length);
            for (int i = 0; i < list.Length; i++)
            {
                map.TryAdd(list[i], i);
            }
            _positions.Add(list, map);
        }
        return map;
    }

    /// <summary>What kube-proxy forwards new connections to: the ready endpoints, or the serving terminating ones when none is ready.</summary>
    public Pod[] Usable => All.Length > 0 ? All : Fallback;

    /// <summary>As <see cref="Usable"/>, on <paramref name="node"/> only (Local policy).</summary>
    public Pod[] UsableOn(Node node)
    {
        var local = On(node);
        if (local.Length > 0)
        {
            return local;
        }
        return _fallbackByNode.TryGetValue(node.Index, out var terminating) ? terminating : [];
    }
}
