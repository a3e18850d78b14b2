using Svcsim.Engine;
using Svcsim.Kinds;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access;

/// <summary>
/// Type NodePort: each client holds one node address and connects to it directly. Nothing moves a
/// client when that node dies or changes address, except its own failover policy or an operator who
/// reconfigures it after <see cref="NodePortAccess.ReconfigureAfterS"/>.
/// </summary>
public sealed class NodePortFrontDoor : FrontDoor
{
    private readonly NodePortAccess _spec;
    private readonly string[] _addresses; // the list clients were given
    private readonly int[][] _choice; // per group, per client: index into _addresses
    private readonly string[][] _override; // per group, per client: an address handed by an operator, or null
    // The node each address belonged to when it was handed out, so an operator can follow a node to its
    // new address; the cluster's own table forgets an address once its node changes IP.
    private readonly Dictionary<string, Node> _handedOutFor = new(StringComparer.Ordinal);
    // Per connection: the address it was opened to (a socket stays connected to its address) and its index.
    private readonly FlowTable<Target> _targets = new();
    private readonly Target[][] _resolved; // per group, per client: the owner of its address, as last looked up

    /// <summary>Hands out addresses to the clients of each group.</summary>
    public NodePortFrontDoor(NodePortAccess spec, FrontDoorContext context)
        : base(context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        var clientsPerGroup = context.ClientsPerGroup;
        _addresses = spec.Addresses.Count > 0 ? spec.Addresses.ToArray() : Cluster.Nodes.Select(n => n.Ip).ToArray();
        foreach (var a in _addresses)
        {
            if (Cluster.ByIp(a) is { } owner)
            {
                _handedOutFor[a] = owner;
            }
        }
        _choice = new int[clientsPerGroup.Count][];
        _override = new string[clientsPerGroup.Count][];
        _resolved = new Target[clientsPerGroup.Count][];
        for (int g = 0; g < clientsPerGroup.Count; g++)
        {
            _choice[g] = new int[clientsPerGroup[g]];
            _override[g] = new string[clientsPerGroup[g]];
            _resolved[g] = new Target[clientsPerGroup[g]];
            for (int c = 0; c < clientsPerGroup[g]; c++)
            {
                _choice[g][c] = spec.Assignment == NodePortAssignment.Spread ? c % _addresses.Length : 0;
            }
        }
        if (!double.IsInfinity(spec.ReconfigureAfterS))
        {
            Model.NodeChanged += OnNodeChanged;
        }
    }

    /// <summary>The address client <paramref name="client"/> of group <paramref name="group"/> uses now.</summary>
    public string AddressOf(int group, int client) => _override[group][client] ?? _addresses[_choice[group][client]];

    /// <inheritdoc />
    public override bool ClientsResolveNodes => true;

    /// <inheritdoc />
    public override string? NeighbourAddress(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return _targets[connection.Id].Address;
    }

    /// <inheritdoc />
    public override Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Record(depth, this);
        ref var target = ref _targets[connection.Id];
        if (target.Address is null)
        {
            // connect(): the socket is bound to the address the client uses now; its SYN resends go there too.
            int g = connection.Group, c = connection.Client;
            string address = AddressOf(g, c);
            // The address's owner as last resolved for this client: no string lookup per connection.
            ref var known = ref _resolved[g][c];
            if (!ReferenceEquals(known.Address, address) || known.Version != Cluster.AddressVersion)
            {
                known = new Target(address, 0, Cluster.ByIp(address), Cluster.AddressVersion);
            }
            target = known with { Index = _choice[g][c] };
        }
        if (target.Version != Cluster.AddressVersion)
        {
            // Who owns the address, looked up again only when some address has changed owner.
            target.Node = Cluster.ByIp(target.Address!);
            target.Version = Cluster.AddressVersion;
        }
        var node = target.Node;
        if (node is null)
        {
            return Delivery.Lose(FailureCause.StaleIp);
        }
        if (!node.Up)
        {
            return Delivery.Lose(FailureCause.NodeDown);
        }
        return Enter(connection, request, depth, node.FromClient.Send(at, Bytes(request)), node);
    }

    /// <inheritdoc />
    protected override long ToClient(Node entry, long at, long bytes) => entry.ToClient.Send(at, bytes);

    /// <inheritdoc />
    public override void Closed(Connection connection)
    {
        base.Closed(connection);
        _targets[connection.Id] = default;
    }

    /// <inheritdoc />
    public override void OnConnectFailed(Connection connection, FailureCause cause)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ref int i = ref _choice[connection.Group][connection.Client];
        // Only a failure on the address the client still uses moves it on: the other connections it had
        // opened to the same dead address fail too, and must not move it again (back to the dead one).
        if (_spec.Failover == NodePortFailover.NextAddress && _override[connection.Group][connection.Client] is null
            && _targets[connection.Id].Index == i)
        {
            i = (i + 1) % _addresses.Length;
        }
    }

    /// <inheritdoc />
    public override bool IsAnnouncedEntry(Node node) => false;

    private void OnNodeChanged(Node node) => Sim.Schedule(Time.FromSeconds(_spec.ReconfigureAfterS), Reconfigure);

    private void Reconfigure()
    {
        // The operator hands every client whose address no longer answers the address of a live node:
        // the same node's new address when it is up, else the first live node.
        int moved = 0;
        string? to = null;
        for (int g = 0; g < _choice.Length; g++)
        {
            for (int c = 0; c < _choice[g].Length; c++)
            {
                string current = AddressOf(g, c);
                var owner = Cluster.ByIp(current);
                if (owner is not null && owner.Up)
                {
                    continue;
                }
                var meant = _handedOutFor.GetValueOrDefault(current);
                var target = meant is not null && meant.Up ? meant : Cluster.Nodes.FirstOrDefault(n => n.Up);
                if (target is null)
                {
                    continue;
                }
                _override[g][c] = target.Ip;
                _handedOutFor[target.Ip] = target;
                to = target.Ip;
                moved++;
            }
        }
        if (moved > 0)
        {
            Trace.Add(Sim.Now, "clients", EventKinds.NodePortReconfigured, $"an operator re-pointed {moved} NodePort clients to {to}");
        }
    }

    private record struct Target(string? Address, int Index, Node? Node, int Version);
}

/// <summary>What a NodePort client does when its node address stops answering.</summary>
public enum NodePortFailover
{
    /// <summary>Keeps using the same address (the origin's example: one fixed node IP).</summary>
    None,
    /// <summary>After a failed request, moves to the next address in its list.</summary>
    NextAddress,
}

/// <summary>How NodePort clients are given node addresses.</summary>
public enum NodePortAssignment
{
    /// <summary>Every client uses the first address of the list.</summary>
    First,
    /// <summary>Clients are spread over the list in turn.</summary>
    Spread,
}

/// <summary>Clients call <c>&lt;node IP&gt;:&lt;nodePort&gt;</c> directly (type NodePort).</summary>
/// <param name="Name">Variant name.</param>
/// <param name="Addresses">Node IPs the clients were told to use; empty: every node's IP at the start.</param>
/// <param name="Assignment">How addresses are handed to clients.</param>
/// <param name="Failover">What a client does when its address fails.</param>
/// <param name="ReconfigureAfterS">Time after a node goes down or changes IP until an operator hands its clients a working address; infinity: never.</param>
public sealed record NodePortAccess(
    string Name,
    IReadOnlyList<string> Addresses,
    NodePortAssignment Assignment = NodePortAssignment.First,
    NodePortFailover Failover = NodePortFailover.None,
    double ReconfigureAfterS = double.PositiveInfinity) : AccessSpec(Name)
{
    /// <inheritdoc />
    public override FrontDoorKind Kind => NodePortKind.Instance;
}

/// <summary><c>kind: nodeport</c>: clients call <c>&lt;node IP&gt;:&lt;nodePort&gt;</c> themselves.</summary>
public sealed class NodePortKind : FrontDoorKind
{
    private static readonly Dictionary<string, NodePortAssignment> Assignments = new(StringComparer.Ordinal)
    {
        ["first"] = NodePortAssignment.First, ["spread"] = NodePortAssignment.Spread,
    };

    private static readonly Dictionary<string, NodePortFailover> Failovers = new(StringComparer.Ordinal)
    {
        ["none"] = NodePortFailover.None, ["nextAddress"] = NodePortFailover.NextAddress,
    };

    private NodePortKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static NodePortKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "nodeport";

    /// <inheritdoc />
    public override string Summary => "clients call `<node IP>:<nodePort>` themselves.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("addresses", "list of node names or node IPs", "every node's IP", "The addresses clients were told to use. An IP must be a node's."),
        new("assignment", "`first`, `spread`", "`first`", "`first`: every client uses the first address (the origin). `spread`: clients take the addresses in turn."),
        new("failover", "`none`, `nextAddress`", "`none`", "`nextAddress`: after a failure a client moves to the next address."),
        new("reconfigureAfter", "duration or `never`", "`never`", "Time until an operator hands clients of a dead or renumbered node a working address. Nothing moves NodePort clients by itself."),
    ];

    /// <inheritdoc />
    public override bool UsesNodePortService => true;

    /// <inheritdoc />
    public override AccessSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new NodePortAccess(settings.String("name", Name), settings.NodeAddresses("addresses"),
            settings.Choice("assignment", NodePortAssignment.First, Assignments),
            settings.Choice("failover", NodePortFailover.None, Failovers),
            settings.Duration("reconfigureAfter", double.PositiveInfinity, allowNever: true));
    }

    /// <inheritdoc />
    public override void Check(AccessSpec spec, VariantCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        for (int i = 0; i < check.Groups.Count; i++)
        {
            var g = check.Groups[i];
            if ((g.NodePortService ?? g.Service) is not { HasPorts: true } svc)
            {
                continue;
            }
            if (svc.Type == ServiceType.ClusterIP)
            {
                check.Error($"{Name} sends {check.Who(i)} to Service {svc.Name}'s node port, but it is type ClusterIP; give the group a nodePortService of type NodePort");
            }
            else if (svc.NodePort == 0)
            {
                check.Error($"{Name} sends {check.Who(i)} to Service {svc.Name}'s node port, but it has none (allocateLoadBalancerNodePorts: false)");
            }
        }
    }

    /// <inheritdoc />
    public override FrontDoor Create(AccessSpec spec, FrontDoorContext context) => new NodePortFrontDoor((NodePortAccess)spec, context);
}
