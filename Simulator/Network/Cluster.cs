using Svcsim.Engine;

namespace Svcsim.Network;

/// <summary>
/// The nodes, who owns which address, the links between them, and partitions. State changes go through
/// its methods so that the address table stays consistent.
/// </summary>
public sealed class Cluster
{
    private readonly Dictionary<string, Node> _byIp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Node> _byName = new(StringComparer.Ordinal);
    private readonly List<Link>[] _linksOf;
    // Cut pairs (both directions), only while a partition holds: nothing sized nodes x nodes otherwise.
    private readonly HashSet<long> _partitioned = new(PairKeyComparer.Instance);

    /// <summary>Builds the nodes and links of <paramref name="nodes"/> with link behaviour from <paramref name="network"/>.</summary>
    public Cluster(IReadOnlyList<NodeSpec> nodes, NetworkSpec network, RandomStreams streams)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(streams);
        var list = new List<Node>(nodes.Count);
        _linksOf = new List<Link>[nodes.Count];
        double rto = network.RetransmitTimeoutS;
        for (int i = 0; i < nodes.Count; i++)
        {
            var s = nodes[i];
            Link L(string what, LinkSpec spec) => new($"{what}:{s.Name}", spec, rto, streams.Get($"link:{what}:{s.Name}"));
            // Node-to-node traffic leaves through the sender's interface (the nodeToNode link: latency, bandwidth,
            // loss) and enters through the receiver's (its bandwidth only): 2N links, whichever pairs talk.
            var fromNodes = new LinkSpec(Distribution.Constant(0), network.NodeToNode.BandwidthBitsPerSecond);
            var node = new Node(i, s, L("client>node", network.ClientToNode), L("node>client", network.ClientToNode),
                L("lb>node", network.FrontDoorToNode), L("node>lb", network.FrontDoorToNode),
                L("node>nodes", network.NodeToNode), L("nodes>node", fromNodes));
            list.Add(node);
            _byIp.Add(s.Ip, node);
            _byName.Add(s.Name, node);
            _linksOf[i] = [node.FromClient, node.ToClient, node.FromFrontDoor, node.ToFrontDoor, node.ToNodes, node.FromNodes];
        }
        Nodes = list;
        RetransmitTimeout = Time.FromSeconds(rto);
        ClientToFrontDoor = new Link("client>lb", network.ClientToFrontDoor, rto, streams.Get("link:client>lb"));
        FrontDoorToClient = new Link("lb>client", network.ClientToFrontDoor, rto, streams.Get("link:lb>client"));
    }

    private int _connections;

    /// <summary>A new connection id, unique in this world; ids are dense, so hops index their state by them.</summary>
    public int NewConnectionId() => _connections++;

    /// <summary>First retransmission timeout of data on an established connection (doubling at each resend), nanoseconds.</summary>
    public long RetransmitTimeout { get; }

    /// <summary>All nodes in declaration order.</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Link from the clients to the load balancer.</summary>
    public Link ClientToFrontDoor { get; }

    /// <summary>Link from the load balancer back to the clients.</summary>
    public Link FrontDoorToClient { get; }

    /// <summary>Bumped whenever an address changes owner, so that a lookup cached before can tell it is stale.</summary>
    public int AddressVersion { get; private set; }
    /// <summary>The node that owns <paramref name="ip"/> now, or null.</summary>
    public Node? ByIp(string ip) => _byIp.GetValueOrDefault(ip);

    /// <summary>The node called <paramref name="name"/>.</summary>
    public Node ByName(string name) => _byName[name];

    /// <summary>The way from node <paramref name="from"/> to node <paramref name="to"/>: out of one's interface, into the other's.</summary>
    public NodePath Between(Node from, Node to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from == to)
        {
            throw new ArgumentException($"no path from {from.Name} to itself", nameof(to));
        }
        return new NodePath(from.ToNodes, to.FromNodes);
    }

    /// <summary>
    /// Carries <paramref name="bytes"/> from <paramref name="from"/> to <paramref name="to"/>, entering at
    /// <paramref name="at"/>: when the last byte is received, <paramref name="at"/> itself when both are one node (no
    /// link between a node and itself), or -1 when <paramref name="to"/> cannot be reached (a node down, a partition).
    /// </summary>
    public long Carry(Node from, Node to, long at, long bytes)
    {
        if (from == to)
        {
            return at;
        }
        return CanReach(from, to) ? Between(from, to).Send(at, bytes) : -1;
    }

    /// <summary>Whether <paramref name="a"/> can reach <paramref name="b"/> (both up, no partition between them).</summary>
    public bool CanReach(Node a, Node b) => a.Up && b.Up && (_partitioned.Count == 0 || !_partitioned.Contains(Pair(a.Index, b.Index)));

    /// <summary>Powers a node off.</summary>
    public void Crash(Node node)
    {
        node.Up = false;
        node.Incarnation++;
    }

    /// <summary>Powers a node on.</summary>
    public void Start(Node node) => node.Up = true;

    /// <summary>Gives a node a new address; the old one then belongs to nobody.</summary>
    public void ChangeIp(Node node, string newIp)
    {
        if (_byIp.TryGetValue(newIp, out var owner) && owner != node)
        {
            throw new InvalidOperationException($"{newIp} already belongs to {owner.Name}");
        }
        _byIp.Remove(node.Ip);
        node.Ip = newIp;
        _byIp[newIp] = node;
        AddressVersion++;
    }

    /// <summary>Cuts (or heals) the links between two groups of nodes.</summary>
    public void SetPartition(IEnumerable<Node> groupA, IEnumerable<Node> groupB, bool cut)
    {
        ArgumentNullException.ThrowIfNull(groupA);
        ArgumentNullException.ThrowIfNull(groupB);
        var bs = groupB.ToList();
        foreach (var a in groupA)
        {
            foreach (var b in bs)
            {
                if (a == b)
                {
                    continue;
                }
                if (cut)
                {
                    _partitioned.Add(Pair(a.Index, b.Index));
                    _partitioned.Add(Pair(b.Index, a.Index));
                }
                else
                {
                    _partitioned.Remove(Pair(a.Index, b.Index));
                    _partitioned.Remove(Pair(b.Index, a.Index));
                }
            }
        }
    }

    /// <summary>
    /// Adds (or with negative values removes) latency and loss on every link of <paramref name="node"/>: its
    /// interfaces to clients, load balancers and the other nodes, so a path between two nodes carries both ends'.
    /// </summary>
    public void Degrade(Node node, long extraLatency, double extraLoss)
    {
        ArgumentNullException.ThrowIfNull(node);
        foreach (var link in _linksOf[node.Index])
        {
            link.ExtraLatency += extraLatency;
            link.ExtraLoss += extraLoss;
        }
    }

    /// <summary>Every link of <paramref name="node"/>.</summary>
    public IReadOnlyList<Link> LinksOf(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _linksOf[node.Index];
    }

    private static long Pair(int from, int to) => ((long)from << 32) | (uint)to;
}

/// <summary>The way from one node to another: out through the sender's interface, in through the receiver's.</summary>
/// <param name="Out">The sender's <see cref="Node.ToNodes"/>.</param>
/// <param name="In">The receiver's <see cref="Node.FromNodes"/>.</param>
public readonly record struct NodePath(Link Out, Link In)
{
    /// <summary>Sends <paramref name="bytes"/> entering at <paramref name="at"/>; returns when the last byte is received.</summary>
    public long Send(long at, long bytes) => In.Receive(Out.Send(at, bytes), bytes);
}
