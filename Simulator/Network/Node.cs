namespace Svcsim.Network;

/// <summary>A machine of the cluster: its address, whether it is up, and its links.</summary>
public sealed class Node
{
    internal Node(int index, NodeSpec spec, Link fromClient, Link toClient, Link fromFrontDoor, Link toFrontDoor, Link toNodes, Link fromNodes)
    {
        ToNodes = toNodes;
        FromNodes = fromNodes;
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

    /// <summary>
    /// This node's network interface towards the other nodes: what it sends to any of them queues here (the
    /// latency, bandwidth and loss of <c>network.nodeToNode</c>).
    /// </summary>
    public Link ToNodes { get; }

    /// <summary>
    /// This node's network interface from the other nodes: what any of them sends it is received here, one
    /// message after another at the same bandwidth (no latency of its own; see <see cref="Link.Receive"/>).
    /// </summary>
    public Link FromNodes { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Ip})";
}
