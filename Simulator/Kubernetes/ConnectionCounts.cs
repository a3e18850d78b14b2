using System.Runtime.InteropServices;

namespace Svcsim.Kubernetes;

/// <summary>
/// A pod's open connections per entry node (what IPVS least-connection counts). Dense for small clusters;
/// sparse above <see cref="DenseUpTo"/> nodes, where an array per pod would hold nodes x pods counters
/// (3 GB at 5,000 nodes and 150,000 pods) of which only the entry nodes that used the pod are ever set.
/// </summary>
public sealed class ConnectionCounts
{
    /// <summary>Largest cluster counted in an array.</summary>
    public const int DenseUpTo = 64;

    private readonly int[]? _dense;
    private readonly Dictionary<int, int>? _sparse;

    /// <summary>Counters for a cluster of <paramref name="nodeCount"/> nodes, all zero.</summary>
    public ConnectionCounts(int nodeCount)
    {
        if (nodeCount <= DenseUpTo)
        {
            _dense = new int[nodeCount];
        }
        else
        {
            _sparse = [];
        }
    }

    /// <summary>The counter of entry node <paramref name="node"/>, to change in place.</summary>
    public ref int this[int node] => ref _dense is not null ? ref _dense[node] : ref CollectionsMarshal.GetValueRefOrAddDefault(_sparse!, node, out _);

    /// <summary>The count of entry node <paramref name="node"/> (reading adds nothing).</summary>
    public int Of(int node) => _dense is not null ? _dense[node] : _sparse!.GetValueOrDefault(node);
}
