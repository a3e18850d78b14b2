using Svcsim.Kinds;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access;

/// <summary>
/// In-cluster clients through the Service's ClusterIP: each client pod runs on a node of its group
/// (<c>clients[].nodes</c>, in turn) and its connections meet the service proxy of that same node, with no
/// link in between (the pod's veth to the host). kube-proxy DNATs them to an endpoint without SNAT (the
/// pod's own address is kept) and honours internalTrafficPolicy and trafficDistribution; Cilium picks the
/// backend at connect() (socket-level load balancing). A client pod dies with its node: it sends nothing
/// while its node is down.
/// </summary>
public sealed class ClusterIpFrontDoor : FrontDoor
{
    private readonly Node[][] _clientNodes; // per group, per client machine: the node its pod runs on

    /// <summary>Places every group's client pods on its nodes.</summary>
    public ClusterIpFrontDoor(ClusterIpAccess spec, FrontDoorContext context, IReadOnlyList<IReadOnlyList<string>> groupNodes)
        : base(context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(groupNodes);
        var clients = context.ClientsPerGroup;
        _clientNodes = new Node[clients.Count][];
        for (int g = 0; g < clients.Count; g++)
        {
            var nodes = groupNodes[g].Select(Cluster.ByName).ToArray();
            _clientNodes[g] = Enumerable.Range(0, clients[g]).Select(c => nodes[c % nodes.Length]).ToArray();
        }
    }

    /// <summary>The node client machine <paramref name="client"/> of group <paramref name="group"/> runs on.</summary>
    public Node NodeOf(int group, int client) => _clientNodes[group][client];

    /// <inheritdoc />
    public override bool ClientRuns(int group, int client) => _clientNodes[group][client].Up;

    /// <inheritdoc />
    public override Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Record(depth, this);
        var node = _clientNodes[connection.Group][connection.Client];
        if (!node.Up)
        {
            return Delivery.Lose(FailureCause.InFlightLost); // the client pod died with its node
        }
        connection.Internal = true;
        return Enter(connection, request, depth, at, node);
    }

    /// <inheritdoc />
    protected override long ToClient(Node entry, long at, long bytes) => entry.Up ? at : -1;
}

/// <summary>Clients in pods of the cluster call the Service's ClusterIP.</summary>
/// <param name="Name">Variant name.</param>
public sealed record ClusterIpAccess(string Name) : AccessSpec(Name)
{
    /// <inheritdoc />
    public override FrontDoorKind Kind => ClusterIpKind.Instance;
}

/// <summary><c>kind: clusterip</c>.</summary>
public sealed class ClusterIpKind : FrontDoorKind
{
    private ClusterIpKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static ClusterIpKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "clusterip";

    /// <inheritdoc />
    public override string Summary => "clients in pods of the cluster (every group needs `clients[].nodes`) call the Service's ClusterIP through their own node's service proxy: kube-proxy without SNAT, honouring `internalTrafficPolicy` and `trafficDistribution`, or Cilium's socket-level load balancing (the backend chosen at connect()). A client pod sends nothing while its node is down.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } = [];

    /// <inheritdoc />
    public override AccessSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ClusterIpAccess(settings.String("name", Name));
    }

    /// <inheritdoc />
    public override bool InClusterClients => true;

    /// <inheritdoc />
    public override FrontDoor Create(AccessSpec spec, FrontDoorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ClusterIpFrontDoor((ClusterIpAccess)spec, context, context.GroupNodes);
    }
}
