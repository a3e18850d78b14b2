using Svcsim.Engine;

namespace Svcsim.Network;

/// <summary>
/// Every kind of entry on a run's timeline (<c>events.csv</c>'s <c>kind</c> column): the one place that names
/// them. A component writes an entry with one of these; docs/outputs.md lists them from here.
/// </summary>
public static class EventKinds
{
    // ---- nodes ----

    /// <summary>A node went down.</summary>
    public static readonly TraceKind NodeCrash = new("node-crash", "A node went down (crash, or the first half of a reboot): its pods stop, nothing on it answers.");

    /// <summary>A reboot began.</summary>
    public static readonly TraceKind Reboot = new("reboot", "A node was rebooted (a `nodeReboot` fault); `node-crash` follows at once, `node-start` after the downtime.");

    /// <summary>A node booted.</summary>
    public static readonly TraceKind NodeStart = new("node-start", "A node booted and answers on the network again (with its address, which may be new); kubelet is not running yet.");

    /// <summary>kubelet runs again on a booted node.</summary>
    public static readonly TraceKind KubeletStart = new("kubelet-start", "kubelet on a booted node renewed its lease and restarts its pods; kube-proxy and the MetalLB speaker run again from here (`controlPlane.nodeRejoin` after `node-start`).");

    /// <summary>A node's InternalIP changed.</summary>
    public static readonly TraceKind IpChange = new("ip-change", "A node kept running with a new InternalIP.");

    /// <summary>The node lifecycle controller marked a node NotReady.</summary>
    public static readonly TraceKind NodeNotReady = new("node-not-ready", "The node lifecycle controller marked a node NotReady (no lease within the grace period) and its endpoints not ready.");

    /// <summary>A node is Ready again.</summary>
    public static readonly TraceKind NodeReady = new("node-ready", "A NotReady node renewed its lease and is Ready again.");

    /// <summary>The controller runs again after the control plane was down.</summary>
    public static readonly TraceKind ControllerStart = new("controller-start", "The node lifecycle controller runs again after the control plane was down; every node gets a fresh grace period.");

    /// <summary>Evictions held.</summary>
    public static readonly TraceKind EvictionHeld = new("eviction-held", "More than 55 % of the nodes are unhealthy: the controller stops evicting.");

    /// <summary>A node drained.</summary>
    public static readonly TraceKind NodeDrain = new("node-drain", "A node was cordoned and drained (a `nodeDrain` fault).");

    /// <summary>An eviction was refused.</summary>
    public static readonly TraceKind EvictionRefused = new("eviction-refused", "A drain's eviction of a pod was refused by a PodDisruptionBudget; the drain asks again every 5 s.");

    /// <summary>A node uncordoned.</summary>
    public static readonly TraceKind NodeUncordon = new("node-uncordon", "A drained node was uncordoned and takes pods again.");

    // ---- pods ----

    /// <summary>No node for a pod.</summary>
    public static readonly TraceKind Unschedulable = new("unschedulable", "No node can take a pod; it stays Pending until one can.");

    /// <summary>A pod was scheduled.</summary>
    public static readonly TraceKind PodScheduled = new("pod-scheduled", "A pod was bound to a node.");

    /// <summary>A pod's containers started.</summary>
    public static readonly TraceKind PodStarted = new("pod-started", "A pod's containers finished starting.");

    /// <summary>kubelet restarted a pod's container.</summary>
    public static readonly TraceKind PodRestart = new("pod-restart", "kubelet restarted a pod's crashed or killed container.");

    /// <summary>A pod passed readiness.</summary>
    public static readonly TraceKind PodReady = new("pod-ready", "A pod passed readiness: its endpoint becomes ready.");

    /// <summary>A pod failed readiness.</summary>
    public static readonly TraceKind PodNotReady = new("pod-not-ready", "A running pod failed its readiness probe: its endpoint becomes not ready.");

    /// <summary>A liveness or startup probe failed.</summary>
    public static readonly TraceKind PodUnhealthy = new("pod-unhealthy", "A pod failed its liveness or startup probe: kubelet kills the container and restarts it after a back-off.");

    /// <summary>A pod's container crashed.</summary>
    public static readonly TraceKind PodCrash = new("pod-crash", "A pod's container crashed (a `podCrash` fault): its requests are reset, new connections refused.");

    /// <summary>A pod was evicted.</summary>
    public static readonly TraceKind PodEvicted = new("pod-evicted", "A pod was evicted (its toleration of an unreachable node ran out, or a drain): it is deleted and replaced as its controller says.");

    /// <summary>A pod was deleted and is terminating.</summary>
    public static readonly TraceKind PodTerminating = new("pod-terminating", "A pod was deleted by a rollout (replaced, or all at once with Recreate): it stops taking connections and finishes its work within terminationGracePeriodSeconds.");

    /// <summary>A terminating pod was killed.</summary>
    public static readonly TraceKind PodKilled = new("pod-killed", "A terminating pod still had work at the end of terminationGracePeriodSeconds: killed.");

    /// <summary>A pod is gone.</summary>
    public static readonly TraceKind PodDeleted = new("pod-deleted", "A pod is gone from the API (deleted and finished).");

    /// <summary>A rollout began.</summary>
    public static readonly TraceKind RolloutStart = new("rollout-start", "A Deployment, StatefulSet or DaemonSet began rolling out a new revision (a `rollout` fault).");

    /// <summary>A rollout finished.</summary>
    public static readonly TraceKind RolloutComplete = new("rollout-complete", "Every pod of a rolled-out workload runs the new revision.");

    // ---- data path and front doors ----

    /// <summary>A kube-proxy applied the EndpointSlices.</summary>
    public static readonly TraceKind KubeProxySync = new("kube-proxy-sync", "A node's kube-proxy applied the EndpointSlice changes.");

    /// <summary>A Cilium agent updated its BPF service maps.</summary>
    public static readonly TraceKind CiliumSync = new("cilium-sync", "A node's Cilium agent applied the EndpointSlice changes to its BPF service maps (`kubeProxy.mode: ebpf`).");

    /// <summary>memberlist declared a node dead.</summary>
    public static readonly TraceKind MemberlistDead = new("memberlist-dead", "The MetalLB speakers' memberlist declared a node dead.");

    /// <summary>A speaker joined memberlist.</summary>
    public static readonly TraceKind MemberlistJoin = new("memberlist-join", "A MetalLB speaker joined memberlist again.");

    /// <summary>The L2 leader moved.</summary>
    public static readonly TraceKind MetalLbL2Leader = new("metallb-l2-leader", "The MetalLB L2 owner of a service address changed (gratuitous ARP sent), or no node announces it.");

    /// <summary>The router dropped a BGP session.</summary>
    public static readonly TraceKind BgpSessionDown = new("bgp-session-down", "The router dropped a node's BGP session (hold timer or BFD).");

    /// <summary>A BGP session came up.</summary>
    public static readonly TraceKind BgpSessionUp = new("bgp-session-up", "A node's BGP session is established again.");

    /// <summary>The ECMP next hops changed.</summary>
    public static readonly TraceKind BgpRehash = new("bgp-rehash", "The router's ECMP next hops for a service address changed: flows rehash.");

    /// <summary>The cloud LB marked a node healthy.</summary>
    public static readonly TraceKind LbHealthy = new("lb-healthy", "The cloud LB marked a node healthy after healthyThreshold passed checks.");

    /// <summary>The cloud LB marked a node unhealthy.</summary>
    public static readonly TraceKind LbUnhealthy = new("lb-unhealthy", "The cloud LB marked a node unhealthy after unhealthyThreshold failed checks.");

    /// <summary>The cloud LB dropped targets over its limit.</summary>
    public static readonly TraceKind LbTargetLimit = new("lb-target-limit", "The cloud LB registers at most `maxTargets` (per zone: `maxTargetsPerZone`) nodes as targets; the rest get no traffic.");

    /// <summary>An ingress-nginx controller applied endpoint changes.</summary>
    public static readonly TraceKind IngressNginxSync = new("ingress-nginx-sync", "An ingress-nginx controller pod applied the EndpointSlice changes to its upstreams.");

    /// <summary>NodePort clients re-pointed.</summary>
    public static readonly TraceKind NodePortReconfigured = new("nodeport-reconfigured", "An operator re-pointed NodePort clients to another address (`reconfigureAfter`).");

    // ---- network faults ----

    /// <summary>A partition began.</summary>
    public static readonly TraceKind Partition = new("partition", "A network partition cut two groups of machines apart.");

    /// <summary>A partition healed.</summary>
    public static readonly TraceKind PartitionHealed = new("partition-healed", "A network partition healed.");

    /// <summary>A node's links degraded.</summary>
    public static readonly TraceKind LinkDegraded = new("link-degraded", "A node's links got extra latency and loss.");

    /// <summary>A node's links recovered.</summary>
    public static readonly TraceKind LinkRestored = new("link-restored", "A node's links are back to normal.");

    /// <summary>Every kind, in the order the documentation lists them.</summary>
    public static IReadOnlyList<TraceKind> All { get; } =
    [
        NodeCrash, Reboot, NodeStart, KubeletStart, IpChange, NodeNotReady, NodeReady, ControllerStart, EvictionHeld, NodeDrain, EvictionRefused, NodeUncordon,
        Unschedulable, PodScheduled, PodStarted, PodRestart, PodReady, PodNotReady, PodUnhealthy, PodCrash, PodEvicted, PodTerminating, PodKilled, PodDeleted, RolloutStart, RolloutComplete,
        KubeProxySync, CiliumSync, MemberlistDead, MemberlistJoin, MetalLbL2Leader, BgpSessionDown, BgpSessionUp, BgpRehash, LbHealthy, LbUnhealthy,
        LbTargetLimit, IngressNginxSync, NodePortReconfigured, Partition, PartitionHealed, LinkDegraded, LinkRestored,
    ];

    /// <summary>The kinds as a Markdown table for docs/outputs.md.</summary>
    public static string RenderMarkdown()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("\n## Event kinds\n\n");
        sb.Append("<!-- Generated from Simulator/Network/EventKinds.cs by the test Event_Kinds_Doc_Is_Up_To_Date. -->\n\n");
        sb.Append("The values of events.csv's `kind` column.\n\n");
        sb.Append("| Kind | Meaning |\n| --- | --- |\n");
        foreach (var k in All)
        {
            sb.Append("| `").Append(k.Name).Append("` | ").Append(k.Meaning).Append(" |\n");
        }
        return sb.ToString();
    }
}
