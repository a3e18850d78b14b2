using Svcsim.Engine;

namespace Svcsim.Network;

/// <summary>Whether a node runs the control plane or only workloads.</summary>
public enum NodeRole
{
    /// <summary>A control-plane node (kubeadm labels it exclude-from-external-load-balancers).</summary>
    ControlPlane,
    /// <summary>A worker node.</summary>
    Worker,
}

/// <summary>One node of the cluster as a scenario declares it.</summary>
/// <param name="Name">Node name, unique.</param>
/// <param name="Role">Control plane or worker.</param>
/// <param name="Ip">InternalIP at the start of the run (it can change later through a fault).</param>
/// <param name="Zone">Failure domain for correlated faults; empty when none.</param>
/// <param name="Schedulable">False for a node that takes no workload pods: a control plane keeps kubeadm's
/// NoSchedule taint, a worker is cordoned.</param>
/// <param name="ExcludeFromExternalLoadBalancers">The kubeadm label that MetalLB and cloud LBs honour.</param>
/// <param name="ConntrackMax">Entries its conntrack table holds (kube-proxy's max(32768 x cores, 131072)); a full table drops new connections.</param>
public sealed record NodeSpec(
    string Name,
    NodeRole Role,
    string Ip,
    string Zone = "",
    bool Schedulable = true,
    bool ExcludeFromExternalLoadBalancers = false,
    int ConntrackMax = NodeSpec.DefaultConntrackMax)
{
    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>kube-proxy's conntrack.min, which is the size for nodes of up to 4 cores (kubernetes-behaviour.md, "Connections").</summary>
    public const int DefaultConntrackMax = 131072;

    /// <summary>Labels written for the node, beyond the ones every node has (hostname, os, arch, zone, role).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = NoLabels;

    /// <summary>
    /// The node's taints in kubectl notation (<c>key[=value]:Effect</c>); null: the role's default (a control
    /// plane that is not schedulable has <c>node-role.kubernetes.io/control-plane:NoSchedule</c>, a worker that
    /// is not schedulable <c>node.kubernetes.io/unschedulable:NoSchedule</c>).
    /// </summary>
    public IReadOnlyList<string>? Taints { get; init; }
}

/// <summary>A directed network link's behaviour.</summary>
/// <param name="Latency">One-way propagation delay in seconds.</param>
/// <param name="BandwidthBitsPerSecond">Transmission rate; a message of b bytes takes 8b/bandwidth, FIFO when busy.</param>
/// <param name="Loss">Probability that one transmission is lost and must be resent after a retransmission timeout.</param>
public sealed record LinkSpec(Distribution Latency, double BandwidthBitsPerSecond, double Loss = 0)
{
    /// <summary>0.2 ms each way, 1 Gbit/s, no loss: a LAN.</summary>
    public static LinkSpec Lan { get; } = new(Distribution.Constant(0.0002), 1e9);
}

/// <summary>The links of the cluster. Every node has its own copy of each kind of link.</summary>
/// <param name="ClientToNode">Between the clients and a node (both directions).</param>
/// <param name="NodeToNode">Between two nodes (kube-proxy forwarding, SNAT replies).</param>
/// <param name="FrontDoorToNode">Between a load balancer (router, cloud LB) and a node.</param>
/// <param name="ClientToFrontDoor">Between the clients and a load balancer.</param>
/// <param name="RetransmitTimeoutS">First TCP retransmission timeout after a loss (Linux: 1 s for a SYN, about 0.2 s on an established connection); doubled on each further loss.</param>
public sealed record NetworkSpec(
    LinkSpec ClientToNode,
    LinkSpec NodeToNode,
    LinkSpec FrontDoorToNode,
    LinkSpec ClientToFrontDoor,
    double RetransmitTimeoutS = 0.2)
{
    /// <summary>Every link a LAN link.</summary>
    public static NetworkSpec Default { get; } = new(LinkSpec.Lan, LinkSpec.Lan, LinkSpec.Lan, LinkSpec.Lan);
}
