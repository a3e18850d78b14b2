using Svcsim.Kinds;
using Svcsim.Kubernetes;

namespace Svcsim.Access;

/// <summary>
/// A kind of way of access (<c>variants[].kind</c>): its name, the keys it reads and how, what it needs of
/// the cluster, and how its front door is built. Each lives in the file of its front door.
/// </summary>
public abstract class FrontDoorKind : KindDescriptor
{
    /// <summary>Reads one variant of this kind; null when its settings are invalid (reported).</summary>
    public abstract AccessSpec? Read(IKindSettings settings);

    /// <summary>Reports through <paramref name="check"/> what the cluster lacks for <paramref name="spec"/> to reach each group's Service.</summary>
    public virtual void Check(AccessSpec spec, VariantCheck check)
    {
    }

    /// <summary>
    /// The pod sources and Services a world of <paramref name="spec"/> runs with: the scenario's, plus what the
    /// way of access deploys into the cluster itself (an Ingress controller's pods and Service).
    /// </summary>
    public virtual (IReadOnlyList<PodSourceSpec> Sources, IReadOnlyList<ServiceSpec> Services) World(
        AccessSpec spec, IReadOnlyList<PodSourceSpec> sources, IReadOnlyList<ServiceSpec> services) => (sources, services);

    /// <summary>Builds the front door of <paramref name="spec"/> in a world.</summary>
    public abstract FrontDoor Create(AccessSpec spec, FrontDoorContext context);

    /// <summary>Whether the variant sends a client group to its <c>nodePortService</c> (a node port) rather than its <c>service</c>.</summary>
    public virtual bool UsesNodePortService => false;

    /// <summary>Whether its clients are pods of the cluster (groups with <c>nodes</c>) rather than machines outside it.</summary>
    public virtual bool InClusterClients => false;
}

/// <summary>The registered ways of access: one line each.</summary>
public static class FrontDoorKinds
{
    /// <summary>Every kind, in the order the reference lists them.</summary>
    public static IReadOnlyList<FrontDoorKind> All { get; } =
    [
        NodePortKind.Instance,
        MetalLbL2Kind.Instance,
        MetalLbBgpKind.Instance,
        CloudLbKind.Instance,
        ClusterIpKind.Instance,
        Ingress.IngressNginxKind.Instance,
    ];

    /// <summary>The kind called <paramref name="name"/>, or null.</summary>
    public static FrontDoorKind? Named(string name) => All.FirstOrDefault(k => k.Name == name);
}

/// <summary>What a way of access needs to know of a Service to tell whether it can reach it.</summary>
/// <param name="Name">Service name.</param>
/// <param name="Type">spec.type.</param>
/// <param name="HasPorts">Whether it has a port at all.</param>
/// <param name="NodePort">The node port of its first port; 0 when none.</param>
/// <param name="Pool">The MetalLB IPAddressPool its address comes from; null when none.</param>
/// <param name="LoadBalancerIp">Its load-balancer address; empty when none.</param>
/// <param name="L2Announced">An L2Advertisement covers its pool.</param>
/// <param name="BgpAnnounced">A BGPAdvertisement covers its pool.</param>
public sealed record ServiceFacts(string Name, ServiceType Type, bool HasPorts, int NodePort, string? Pool, string LoadBalancerIp,
    bool L2Announced, bool BgpAnnounced);

/// <summary>A client group, with the Services it names (null where unknown: already reported).</summary>
/// <param name="Name">Group name.</param>
/// <param name="Service">Its <c>service</c>.</param>
/// <param name="NodePortService">Its <c>nodePortService</c>, when given.</param>
/// <param name="InCluster">Its clients run in pods of the cluster (<c>clients[].nodes</c>).</param>
public sealed record GroupFacts(string Name, ServiceFacts? Service, ServiceFacts? NodePortService, bool InCluster = false);

/// <summary>What a variant's check sees of the scenario, and where it reports.</summary>
/// <param name="Kind">The kind's name, for messages.</param>
/// <param name="Groups">The client groups, in order.</param>
/// <param name="BgpPeers">BGPPeer objects in the manifests.</param>
/// <param name="Error">Reports a problem at the variant's <c>kind</c>.</param>
public sealed record VariantCheck(string Kind, IReadOnlyList<GroupFacts> Groups, int BgpPeers, Action<string> Error)
{
    /// <summary>How messages name group <paramref name="i"/>.</summary>
    public string Who(int i) => $"clients[{i}] ({Groups[i].Name})";

    /// <summary>
    /// The common check of load-balancer front doors: every group's <c>service</c> must be a LoadBalancer;
    /// yields the groups whose Service passed, with their index.
    /// </summary>
    public IEnumerable<(int Index, ServiceFacts Service)> LoadBalancerServices()
    {
        for (int i = 0; i < Groups.Count; i++)
        {
            if (Groups[i].Service is not { HasPorts: true } s)
            {
                continue; // already reported: an unknown Service, or one without ports
            }
            if (s.Type != ServiceType.LoadBalancer)
            {
                Error($"{Kind} is a load-balancer front door, but {Who(i)} uses Service {s.Name}, which is type {s.Type}; point the group's service at a LoadBalancer Service (and its nodePortService at the NodePort one)");
                continue;
            }
            yield return (i, s);
        }
    }
}
