namespace Svcsim.Network;

/// <summary>A machine of the cluster: its address, whether it is up, and its links.</summary>
public sealed class Node
{
    internal Node(int index, NodeSpec spec, Link fromClient, Link toClient, Link fromFrontDoor, Link toFrontDoor)
    {
        Index = index;
        Spec = spec;
        Ip = spec.Ip;
        FromClient = fromClient;
        ToClient = toClient;
        FromFrontDoor = fromFrontDoor;
        ToFrontDoor = toFrontDoor;
    }

    /// <summary>Position in the cluster's node list.</summary>
    public int Index { get; }

    /// <summary>As declared.</summary>
    public NodeSpec Spec { get; }

    /// <summary>Node name.</summary>
    public string Name => Spec.Name;

    /// <summary>Current InternalIP.</summary>
    public string Ip { get; internal set; }

    /// <summary>Powered and running.</summary>
    public bool Up { get; internal set; } = true;

    /// <summary>Bumped at every crash, so work scheduled before it can tell it is stale.</summary>
    public int Incarnation { get; internal set; }

    /// <summary>Link from the clients to this node.</summary>
    public Link FromClient { get; }

    /// <summary>Link from this node to the clients.</summary>
    public Link ToClient { get; }

    /// <summary>Link from a load balancer to this node.</summary>
    public Link FromFrontDoor { get; }

    /// <summary>Link from this node to a load balancer.</summary>
    public Link ToFrontDoor { get; }

    // The node-to-node links used last from and to this node, kept on the node (whose object a forwarding hop reads
    // anyway) so that the usual lookup touches no other memory: see Cluster.Between.
    internal int LastOutTo; // the far end's index + 1 (0: none)
    internal Link? LastOut;
    internal int LastInFrom;
    internal Link? LastIn;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Ip})";
}
