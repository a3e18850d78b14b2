using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>The labels and taints a node has in the API, derived from how the scenario declares it.</summary>
public static class NodeMetadata
{
    /// <summary>kubernetes.io/hostname, set by kubelet on every node.</summary>
    public const string HostnameLabel = "kubernetes.io/hostname";
    /// <summary>topology.kubernetes.io/zone, set by the cloud provider (here: from the node's zone).</summary>
    public const string ZoneLabel = "topology.kubernetes.io/zone";
    /// <summary>kubeadm's role label of a control-plane node.</summary>
    public const string ControlPlaneLabel = "node-role.kubernetes.io/control-plane";
    /// <summary>The label MetalLB and cloud load balancers honour.</summary>
    public const string ExcludeLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

    /// <summary>
    /// Well-known labels (kubelet: hostname, os, arch; the zone; kubeadm: the control-plane role and the
    /// exclude-from-external-load-balancers label) and then the labels the scenario writes, which win.
    /// </summary>
    public static Dictionary<string, string> Labels(NodeSpec node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [HostnameLabel] = node.Name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
        };
        if (node.Zone.Length > 0)
        {
            labels[ZoneLabel] = node.Zone;
        }
        if (node.Role == NodeRole.ControlPlane)
        {
            labels[ControlPlaneLabel] = "";
        }
        if (node.ExcludeFromExternalLoadBalancers)
        {
            labels[ExcludeLabel] = "";
        }
        foreach (var (k, v) in node.Labels)
        {
            labels[k] = v;
        }
        return labels;
    }

    /// <summary>
    /// The node's taints: as written, or by default kubeadm's <c>node-role.kubernetes.io/control-plane:NoSchedule</c>
    /// on a control plane that is not schedulable and <c>node.kubernetes.io/unschedulable:NoSchedule</c> on a
    /// cordoned worker (taint-and-toleration page; kubeadm init).
    /// </summary>
    public static IReadOnlyList<Taint> Taints(NodeSpec node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Taints is { } written)
        {
            var list = new List<Taint>(written.Count);
            foreach (string t in written)
            {
                if (Taint.Parse(t) is { } parsed)
                {
                    list.Add(parsed);
                }
            }
            return list;
        }
        if (node.Schedulable)
        {
            return [];
        }
        return node.Role == NodeRole.ControlPlane
            ? [new Taint(Taint.ControlPlaneKey, "", TaintEffect.NoSchedule)]
            : [new Taint(Taint.UnschedulableKey, "", TaintEffect.NoSchedule)];
    }

    /// <summary>
    /// Why pods of <paramref name="source"/> cannot be placed on <paramref name="node"/> by its static properties
    /// (labels and taints), or null when they can. DaemonSet pods carry the DaemonSet controller's tolerations.
    /// </summary>
    public static string? WhyNot(PodSourceSpec source, NodeSpec node)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(node);
        var placement = EffectivePlacement(source);
        var labels = Labels(node);
        if (!placement.NodeMatches(labels, node.Name))
        {
            return $"{node.Name} does not match the nodeSelector or the required node affinity";
        }
        var taints = Taints(node);
        var t = placement.Untolerated(taints, TaintEffect.NoSchedule) ?? placement.Untolerated(taints, TaintEffect.NoExecute);
        return t is null ? null : $"{node.Name} has the taint {t} and the pods do not tolerate it";
    }

    /// <summary>The placement the pods really have: a DaemonSet's pods get the controller's extra tolerations.</summary>
    public static PlacementSpec EffectivePlacement(PodSourceSpec source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Kind == PodSourceKind.DaemonSet
            ? source.Placement with { Tolerations = [.. source.Placement.Tolerations, .. Toleration.DaemonSetDefaults] }
            : source.Placement;
    }
}
