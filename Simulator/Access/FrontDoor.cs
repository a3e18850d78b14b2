using System.Security.Cryptography;
using System.Text;
using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access;

/// <summary>Whether a new connection found a node to enter through.</summary>
public enum EntryVerdict
{
    /// <summary>It enters at <see cref="Request.Entry"/>.</summary>
    Entered,
    /// <summary>The address leads to a node that is down: no answer.</summary>
    NodeDown,
    /// <summary>The address belongs to no node any more.</summary>
    StaleIp,
    /// <summary>Nothing announces the address.</summary>
    NoRoute,
}

/// <summary>
/// A way of access: given a new connection of a client, which node it enters the cluster through.
/// Implementations keep their own view of the cluster (ARP caches, BGP routes, health-check results)
/// that lags reality with the delays of the real mechanism.
/// </summary>
public abstract class FrontDoor
{
    /// <summary>Chooses the entry node of a new connection (sets <see cref="Request.Entry"/> and <see cref="Request.ViaFrontDoor"/>).</summary>
    public abstract EntryVerdict Enter(Request request, int group);

    /// <summary>An attempt failed with the client seeing no answer from its entry address.</summary>
    public virtual void OnEntryFailed(Request request, int group)
    {
    }

    /// <summary>The connection ended (for least-connection balancing).</summary>
    public virtual void OnClosed(Request request)
    {
    }

    /// <summary>Whether a connection made earlier still goes to the same node (false: it was reset by a rehash).</summary>
    public virtual bool StillRouted(Request request) => true;

    /// <summary>Nodes currently announced as entry points, for statistics; empty when every node is.</summary>
    public virtual bool IsAnnouncedEntry(Node node) => false;
}

/// <summary>
/// A front door in front of a LoadBalancer Service's address (MetalLB or a cloud load balancer): it
/// serves client groups that each aim at one Service, and keeps its own view of the cluster.
/// </summary>
public abstract class LoadBalancerFrontDoor : FrontDoor
{
    /// <summary>Checks and keeps what every load balancer needs.</summary>
    protected LoadBalancerFrontDoor(Simulation sim, KubernetesModel model, IReadOnlyList<ServiceState> groupServices, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(groupServices);
        ArgumentNullException.ThrowIfNull(trace);
        Sim = sim;
        Model = model;
        GroupServices = groupServices.ToArray();
        Trace = trace;
    }

    /// <summary>The simulation.</summary>
    protected Simulation Sim { get; }

    /// <summary>The cluster's Kubernetes side.</summary>
    protected KubernetesModel Model { get; }

    /// <summary>The Service each client group aims at, by group index.</summary>
    protected ServiceState[] GroupServices { get; }

    /// <summary>Where reactions are recorded.</summary>
    protected Trace Trace { get; }
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
