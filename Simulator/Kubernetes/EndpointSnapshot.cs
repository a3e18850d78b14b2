using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// One published version of a Service's ready endpoints, immutable and shared: every kube-proxy that has
/// synced to this version holds a reference to it, not a copy, so a change costs O(endpoints) once rather
/// than O(nodes x endpoints). The endpoints are grouped into EndpointSlices of at most
/// <see cref="MaxPerSlice"/>, the EndpointSlice controller's default (--max-endpoints-per-slice 100).
/// </summary>
public sealed class EndpointSnapshot
{
    /// <summary>Endpoints per slice at most (kube-controller-manager --max-endpoints-per-slice, default 100).</summary>
    public const int MaxPerSlice = 100;

    private static readonly Dictionary<int, Pod[]> NoLocal = [];
    private readonly Dictionary<int, Pod[]> _byNode;

    /// <summary>A Service with no ready endpoint.</summary>
    public static EndpointSnapshot Empty { get; } = new([], 0);

    /// <summary>Builds version <paramref name="version"/> from <paramref name="ready"/> (in slice order).</summary>
    public EndpointSnapshot(Pod[] ready, int version)
    {
        ArgumentNullException.ThrowIfNull(ready);
        All = ready;
        Version = version;
        if (ready.Length == 0)
        {
            _byNode = NoLocal;
            return;
        }
        // Group by node in one pass, keeping slice order within each node.
        var counts = new Dictionary<int, int>();
        foreach (var p in ready)
        {
            counts[p.Node.Index] = counts.GetValueOrDefault(p.Node.Index) + 1;
        }
        _byNode = new Dictionary<int, Pod[]>(counts.Count);
        var fill = new Dictionary<int, int>(counts.Count);
        foreach (var p in ready)
        {
            int n = p.Node.Index;
            if (!_byNode.TryGetValue(n, out var arr))
            {
                arr = new Pod[counts[n]];
                _byNode.Add(n, arr);
            }
            int k = fill.GetValueOrDefault(n);
            arr[k] = p;
            fill[n] = k + 1;
        }
    }

    /// <summary>The version this snapshot was published as (the Service's slice version).</summary>
    public int Version { get; }

    /// <summary>Every ready endpoint, in slice order.</summary>
    public Pod[] All { get; }

    /// <summary>Number of EndpointSlices that hold these endpoints.</summary>
    public int Slices => (All.Length + MaxPerSlice - 1) / MaxPerSlice;

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
}
