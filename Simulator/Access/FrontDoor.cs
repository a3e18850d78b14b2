using System.Security.Cryptography;
using System.Text;
using Svcsim.Dataplane;
using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access;

/// <summary>What a front door is built from: the world it runs in and the client groups it serves.</summary>
/// <param name="Sim">The simulation.</param>
/// <param name="Model">The cluster's Kubernetes side.</param>
/// <param name="Proxies">Each node's service proxy: the hop a front door hands connections to.</param>
/// <param name="GroupServices">The Service each client group aims at, by group index.</param>
/// <param name="ClientsPerGroup">Client machines of each group.</param>
/// <param name="Trace">Where reactions are recorded.</param>
/// <param name="Probe">Where requests entering the cluster are counted.</param>
/// <param name="IngressBackends">For each client group, the Service key the manifests' Ingress rules route its
/// requests to ("" when none matches); null when the manifests have no Ingress.</param>
/// <param name="TlsGroups">For each client group, whether its host is listed in an Ingress <c>tls</c> section
/// (its connections to an Ingress proxy are HTTPS); null: none is.</param>
public sealed record FrontDoorContext(
    Simulation Sim,
    KubernetesModel Model,
    ServiceProxies Proxies,
    IReadOnlyList<ServiceState> GroupServices,
    IReadOnlyList<int> ClientsPerGroup,
    Trace Trace,
    IEntryProbe Probe,
    IReadOnlyList<string?>? IngressBackends = null,
    IReadOnlyList<bool>? TlsGroups = null)
{
    /// <summary>The nodes each group's client pods run on (<c>clients[].nodes</c>), by group index; empty lists for clients outside the cluster.</summary>
    public IReadOnlyList<IReadOnlyList<string>> GroupNodes { get; init; } = [];
}

/// <summary>
/// A way of access, as the first hop of a client's connection: it decides which node the connection enters
/// the cluster through (the node address the client was given, the MetalLB L2 leader its ARP cache points
/// to, the router's ECMP next hop, the cloud LB's healthy target), carries the packets over the links to
/// that node's service proxy and the answers back. Each keeps its own view of the cluster (ARP caches, BGP
/// routes, health-check results), lagging reality with the delays of the real mechanism, and its own
/// state per connection.
/// </summary>
public abstract class FrontDoor : Hop
{
    private readonly FlowTable<EntryNode> _entries = new();
    private readonly IEntryProbe _probe;

    /// <summary>Keeps what every front door needs.</summary>
    protected FrontDoor(FrontDoorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Sim = context.Sim;
        Model = context.Model;
        Trace = context.Trace;
        GroupServices = context.GroupServices.ToArray();
        Proxies = context.Proxies;
        _probe = context.Probe;
    }

    /// <summary>The simulation.</summary>
    protected Simulation Sim { get; }

    /// <summary>The cluster's Kubernetes side.</summary>
    protected KubernetesModel Model { get; }

    /// <summary>Nodes and links.</summary>
    protected Cluster Cluster => Model.Cluster;

    /// <summary>Each node's service proxy.</summary>
    protected ServiceProxies Proxies { get; }

    /// <summary>The Service each client group aims at, by group index.</summary>
    protected ServiceState[] GroupServices { get; }

    /// <summary>Where reactions are recorded.</summary>
    protected Trace Trace { get; }

    /// <summary>
    /// Whether clients reach the entry node's own address on their segment (NodePort, an L2 address): a
    /// dead address then fails the connect with EHOSTUNREACH once ARP gives up, rather than a timeout.
    /// </summary>
    public virtual bool ClientsResolveNodes => false;

    /// <summary>The address a client's neighbour entry for <paramref name="connection"/> is about (with <see cref="ClientsResolveNodes"/>), or null.</summary>
    public virtual string? NeighbourAddress(Connection connection) => null;

    /// <summary>Carries an answer that left <paramref name="entry"/> at <paramref name="at"/> to the client: when it arrives.</summary>
    protected abstract long ToClient(Node entry, long at, long bytes);

    /// <inheritdoc />
    public override long Back(Connection connection, long at, long bytes)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // Direct server return: the answer leaves from the backend's node, not the entry node.
        return _entries[connection.Id].Node is { } entry ? ToClient(connection.ReturnNode ?? entry, at, bytes) : -1;
    }

    /// <inheritdoc />
    public override void Closed(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _entries[connection.Id] = default;
    }

    /// <summary>A client's connection failed to connect because its address gave no answer (NodePort clients may move on).</summary>
    public virtual void OnConnectFailed(Connection connection, FailureCause cause)
    {
    }

    /// <summary>Whether client machine <paramref name="client"/> of group <paramref name="group"/> runs now (a client pod dies with its node).</summary>
    public virtual bool ClientRuns(int group, int client) => true;

    /// <summary>Whether <paramref name="node"/> is announced as an entry point now, for statistics (false when every node is).</summary>
    public virtual bool IsAnnouncedEntry(Node node) => false;

    /// <summary>
    /// Hands a segment that reaches <paramref name="entry"/> at <paramref name="arrive"/> to the node's service
    /// proxy, and brings its answer back to the client.
    /// </summary>
    protected Delivery Enter(Connection connection, Request? request, int depth, long arrive, Node entry)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(entry);
        // A request is counted where it enters: a new connection's first request when its SYN does (so a
        // connection dropped at its entry node still shows there), any later one with its data.
        ref var state = ref _entries[connection.Id];
        bool synCounted = state.SynCounted;
        if (!synCounted)
        {
            _probe.Entered(entry);
        }
        // A SYN leaves the mark (its resends are not counted again); the first request clears it.
        if (state.Node != entry)
        {
            state.Node = entry; // a reference stored only when the entry node changes, not per segment
        }
        state.SynCounted = request is null;
        var d = Proxies.On(entry).Receive(connection, request, depth + 1, arrive);
        return d.Travels ? d.Back(ToClient(connection.ReturnNode ?? entry, d.At, Segments.Control)) : d;
    }

    /// <summary>Bytes of the segment: the request's, or a control segment's for a SYN.</summary>
    protected static long Bytes(Request? request) => request?.RequestBytes ?? Segments.Control;

    private struct EntryNode
    {
        public Node? Node;
        public bool SynCounted;
    }
}

/// <summary>MetalLB's ordering of candidate nodes for a service IP in layer-2 mode.</summary>
public static class MetalLbOrdering
{
    /// <summary>
    /// Orders <paramref name="nodes"/> the way every MetalLB speaker does for <paramref name="serviceIp"/>:
    /// by SHA-256 of node name + "#" + IP (speaker/layer2_controller.go); the first is the leader.
    /// </summary>
    public static IReadOnlyList<string> Order(IEnumerable<string> nodes, string serviceIp)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return nodes
            .Select(n => (Name: n, Hash: SHA256.HashData(Encoding.UTF8.GetBytes(n + "#" + serviceIp))))
            .OrderBy(x => x.Hash, ByteComparer.Instance)
            .ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => x.Name)
            .ToList();
    }

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}

/// <summary>Who may announce a LoadBalancer address: speakers run on nodes not excluded from external LBs.</summary>
internal static class Eligibility
{
    public static bool CanAnnounce(Node node, ServiceState service, bool requireLocal) =>
        node.Up
        && !node.Spec.ExcludeFromExternalLoadBalancers
        && (!requireLocal || service.HasReadyEndpointOn(node));

    public static bool LocalPolicy(ServiceState service) => service.Spec.ExternalTrafficPolicy == TrafficPolicy.Local;
}
