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
    private readonly NetworkSpec _network;
    private readonly RandomStreams _streams;
    // Node-to-node links exist once traffic needs them, keyed by (from, to) index: a pod-to-pod hop uses
    // few of the N(N-1) pairs, and a mesh built up front took 1.7 GB at 2,000 nodes. A link's stream is
    // named after its two ends, so one made late draws what one made at the start would have drawn.
    private readonly Dictionary<long, Link> _nodeToNode = new(PairKeyComparer.Instance);
    private readonly List<Link>[] _linksOf;
    // Cut pairs (both directions), only while a partition holds: nothing sized nodes x nodes otherwise.
    private readonly HashSet<long> _partitioned = new(PairKeyComparer.Instance);
    private readonly long[] _extraLatency;
    private readonly double[] _extraLoss;

    /// <summary>Builds the nodes and links of <paramref name="nodes"/> with link behaviour from <paramref name="network"/>.</summary>
    public Cluster(IReadOnlyList<NodeSpec> nodes, NetworkSpec network, RandomStreams streams)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(streams);
        _network = network;
        _streams = streams;
        var list = new List<Node>(nodes.Count);
        _linksOf = new List<Link>[nodes.Count];
        _extraLatency = new long[nodes.Count];
        _extraLoss = new double[nodes.Count];
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
            _linksOf[i] = [node.FromClient, node.ToClient, node.FromFrontDoor, node.ToFrontDoor];
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
    /// <summary>Watches every node-to-node link made from now on (a sampler that reads only the links that carried traffic).</summary>
    public LinkWatch? Watch { get; set; }

    /// <summary>Node-to-node links made so far, in the order they were first used.</summary>
    public IReadOnlyList<NodeLink> NodeLinks => _nodeLinks;

    private readonly List<NodeLink> _nodeLinks = [];

    /// <summary>The node that owns <paramref name="ip"/> now, or null.</summary>
    public Node? ByIp(string ip) => _byIp.GetValueOrDefault(ip);

    /// <summary>The node called <paramref name="name"/>.</summary>
    public Node ByName(string name) => _byName[name];

    /// <summary>The link from node <paramref name="from"/> to node <paramref name="to"/>, made on first use.</summary>
    public Link Between(Node from, Node to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        // Each node keeps the link it last sent on and the one it last received on. A link is found from either
        // end: an entry node forwarding to pods on a thousand nodes changes its last outgoing link at every
        // connection, but each pod's node receives from few nodes and still holds the link as its last incoming
        // one. Nothing is sized nodes x nodes.
        if (from.LastOutTo == to.Index + 1)
        {
            return from.LastOut!;
        }
        if (to.LastInFrom == from.Index + 1)
        {
            return to.LastIn!;
        }
        long key = Pair(from.Index, to.Index);
        if (!_nodeToNode.TryGetValue(key, out var found))
        {
            found = MakeLink(from, to, key);
        }
        from.LastOutTo = to.Index + 1;
        from.LastOut = found;
        to.LastInFrom = from.Index + 1;
        to.LastIn = found;
        return found;
    }

    private Link MakeLink(Node from, Node to, long key)
    {
        if (from == to)
        {
            throw new ArgumentException($"no link from {from.Name} to itself", nameof(to));
        }
        var link = new Link(from, to, _network.NodeToNode, _network.RetransmitTimeoutS, _streams)
        {
            // A degradation of either end applies to the link, as it did to every link touching the node.
            ExtraLatency = _extraLatency[from.Index] + _extraLatency[to.Index],
            ExtraLoss = _extraLoss[from.Index] + _extraLoss[to.Index],
        };
        link.Watch = Watch;
        _nodeToNode.Add(key, link);
        _linksOf[from.Index].Add(link);
        _linksOf[to.Index].Add(link);
        _nodeLinks.Add(new NodeLink(from, to, link));
        return link;
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
    /// Adds (or with negative values removes) latency and loss on every link touching <paramref name="node"/>,
    /// those made later included.
    /// </summary>
    public void Degrade(Node node, long extraLatency, double extraLoss)
    {
        ArgumentNullException.ThrowIfNull(node);
        _extraLatency[node.Index] += extraLatency;
        _extraLoss[node.Index] += extraLoss;
        foreach (var link in _linksOf[node.Index])
        {
            link.ExtraLatency += extraLatency;
            link.ExtraLoss += extraLoss;
        }
    }

    /// <summary>Every link touching <paramref name="node"/> made so far.</summary>
    public IReadOnlyList<Link> LinksOf(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _linksOf[node.Index];
    }

    private static long Pair(int from, int to) => ((long)from << 32) | (uint)to;
}

/// <summary>A node-to-node link with its two ends.</summary>
/// <param name="From">The sending node.</param>
/// <param name="To">The receiving node.</param>
/// <param name="Link">The link.</param>
public readonly record struct NodeLink(Node From, Node To, Link Link);
