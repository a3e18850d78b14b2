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
    private readonly Link[,] _nodeToNode;
    private readonly bool[,] _partitioned;

    /// <summary>Builds the nodes and links of <paramref name="nodes"/> with link behaviour from <paramref name="network"/>.</summary>
    public Cluster(IReadOnlyList<NodeSpec> nodes, NetworkSpec network, RandomStreams streams)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(streams);
        var list = new List<Node>(nodes.Count);
        double rto = network.RetransmitTimeoutS;
        for (int i = 0; i < nodes.Count; i++)
        {
            var s = nodes[i];
            Link L(string what, LinkSpec spec) => new($"{what}:{s.Name}", spec, rto, streams.Get($"link:{what}:{s.Name}"));
            var node = new Node(i, s, L("client>node", network.ClientToNode), L("node>client", network.ClientToNode),
                L("lb>node", network.FrontDoorToNode), L("node>lb", network.FrontDoorToNode));
            list.Add(node);
            _byIp.Add(s.Ip, node);
            _byName.Add(s.Name, node);
        }
        Nodes = list;
        RetransmitTimeout = Time.FromSeconds(rto);
        ClientToFrontDoor = new Link("client>lb", network.ClientToFrontDoor, rto, streams.Get("link:client>lb"));
        FrontDoorToClient = new Link("lb>client", network.ClientToFrontDoor, rto, streams.Get("link:lb>client"));
        _nodeToNode = new Link[nodes.Count, nodes.Count];
        _partitioned = new bool[nodes.Count, nodes.Count];
        for (int a = 0; a < nodes.Count; a++)
        {
            for (int b = 0; b < nodes.Count; b++)
            {
                if (a != b)
                {
                    _nodeToNode[a, b] = new Link($"{nodes[a].Name}>{nodes[b].Name}", network.NodeToNode, rto,
                        streams.Get($"link:{nodes[a].Name}>{nodes[b].Name}"));
                }
            }
        }
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

    /// <summary>The link from node <paramref name="from"/> to node <paramref name="to"/>.</summary>
    public Link Between(Node from, Node to) => _nodeToNode[from.Index, to.Index];

    /// <summary>Whether <paramref name="a"/> can reach <paramref name="b"/> (both up, no partition between them).</summary>
    public bool CanReach(Node a, Node b) => a.Up && b.Up && !_partitioned[a.Index, b.Index];

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
                _partitioned[a.Index, b.Index] = cut;
                _partitioned[b.Index, a.Index] = cut;
            }
        }
    }

    /// <summary>Every link touching <paramref name="node"/>.</summary>
    public IEnumerable<Link> LinksOf(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        yield return node.FromClient;
        yield return node.ToClient;
        yield return node.FromFrontDoor;
        yield return node.ToFrontDoor;
        foreach (var other in Nodes)
        {
            if (other != node)
            {
                yield return Between(node, other);
                yield return Between(other, node);
            }
        }
    }
}
