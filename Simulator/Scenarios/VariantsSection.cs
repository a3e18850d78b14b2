using Svcsim.Access;
using Svcsim.Kubernetes;

namespace Svcsim.Scenarios;

/// <summary>Reads <c>variants</c>: the ways of access to compare, and checks each fits the client groups' Services.</summary>
internal static class VariantsSection
{
    private static readonly Dictionary<string, NodePortAssignment> Assignments = new(StringComparer.Ordinal)
    {
        ["first"] = NodePortAssignment.First, ["spread"] = NodePortAssignment.Spread,
    };

    private static readonly Dictionary<string, NodePortFailover> Failovers = new(StringComparer.Ordinal)
    {
        ["none"] = NodePortFailover.None, ["nextAddress"] = NodePortFailover.NextAddress,
    };

    private static readonly Dictionary<string, LbAlgorithm> Algorithms = new(StringComparer.Ordinal)
    {
        ["roundRobin"] = LbAlgorithm.RoundRobin, ["leastConnections"] = LbAlgorithm.LeastConnections, ["random"] = LbAlgorithm.Random,
    };

    /// <summary>
    /// What each cloud does when every backend fails its health check. AWS NLB fails open
    /// (kubernetes-behaviour.md, "Cloud load balancers"); GCE passthrough load balancers spread over all
    /// backends unless dropTrafficIfUnhealthy is set; Azure's default probe behaviour (AllProbedDown)
    /// sends no new flows; a Classic ELB with no healthy instance answers nothing (svcsim's reading).
    /// </summary>
    private static readonly Dictionary<string, bool> PresetFailOpen = new(StringComparer.Ordinal)
    {
        ["azure"] = false, ["gce"] = true, ["aws-clb"] = false, ["aws-nlb"] = true,
    };

    public static List<AccessSpec> Read(Node? section, Map root, ScenarioContext ctx, IReadOnlyList<ClientGroupRef> groups)
    {
        var variants = new List<AccessSpec>();
        if (section is null)
        {
            root.Required("variants", "a list of ways of access to compare (kind: nodeport, metallb-l2, metallb-bgp or cloud-lb)");
            return variants;
        }
        var items = section.Value.AsList("a list of variants");
        if (items.Count == 0)
        {
            section.Value.Error("must list at least one variant");
        }
        var names = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var m = item.AsMap("a variant (kind, name, and the kind's settings)");
            string? kind = m?.Required("kind", "nodeport, metallb-l2, metallb-bgp or cloud-lb")?.Text("a variant kind")?.Trim();
            if (m is null || kind is null)
            {
                continue;
            }
            if (!ScenarioKeys.VariantKinds.ContainsKey(kind))
            {
                m.Get("kind")!.Value.Error($"unknown variant kind '{kind}'{Suggest.Hint(kind, ScenarioKeys.VariantKinds.Keys)}; expected one of: {string.Join(", ", ScenarioKeys.VariantKinds.Keys)}");
                continue;
            }
            m.Check(ScenarioKeys.Of(ScenarioKeys.VariantCommon, ScenarioKeys.VariantKinds, kind), elsewhere: ScenarioKeys.BelongsElsewhere(ScenarioKeys.VariantKinds, kind));
            AccessSpec? v = kind switch
            {
                "nodeport" => NodePort(m, ctx),
                "metallb-l2" => MetalLbL2(m),
                "metallb-bgp" => MetalLbBgp(m),
                _ => CloudLb(m),
            };
            if (v is null)
            {
                continue;
            }
            if (!names.TryAdd(v.Name, item))
            {
                (m.Get("name") ?? m.Get("kind")!.Value).Error($"variant name '{v.Name}' is used twice (a variant is named after its kind unless it has a name)");
            }
            CheckServices(v, kind, m.Get("kind")!.Value, groups, ctx.BgpPeers);
            variants.Add(v);
        }
        return variants;
    }

    private static NodePortAccess NodePort(Map m, ScenarioContext ctx)
    {
        var addresses = new List<string>();
        foreach (var (text, at) in m.Get("addresses")?.Strings("a list of node names or node IPs") ?? [])
        {
            if (ctx.FindNode(text) is { } byName)
            {
                addresses.Add(byName.Ip);
            }
            else if (Units.Ipv4(text) is { Ok: true } ip)
            {
                string canonical = Units.FormatIpv4(ip.Value);
                if (ctx.Nodes.Any(n => n.Ip == canonical))
                {
                    addresses.Add(canonical);
                }
                else if (ctx.Nodes.Count > 0)
                {
                    at.Error($"{canonical} is no node's IP (nodes: {string.Join(", ", ctx.Nodes.Select(n => $"{n.Name} {n.Ip}"))})");
                }
            }
            else if (ctx.Nodes.Count > 0)
            {
                at.Error($"'{text}' is neither a node name nor a node IP{Suggest.Hint(text, ctx.Nodes.Select(n => n.Name))} (nodes: {ctx.NodeNames})");
            }
        }
        return new NodePortAccess(m.String("name", "nodeport"), addresses,
            m.Enum("assignment", NodePortAssignment.First, Assignments),
            m.Enum("failover", NodePortFailover.None, Failovers),
            m.Duration("reconfigureAfter", double.PositiveInfinity, allowNever: true));
    }

    private static MetalLbL2Access MetalLbL2(Map m)
    {
        var d = new MetalLbL2Access("metallb-l2");
        double interval = m.Duration("probeInterval", d.ProbeIntervalS, positive: true);
        double timeout = m.Duration("probeTimeout", d.ProbeTimeoutS, positive: true);
        if (timeout > interval && m.Get("probeTimeout") is { } t)
        {
            t.Error($"probeTimeout {ScenarioContext.Seconds(timeout)} is longer than probeInterval {ScenarioContext.Seconds(interval)}");
        }
        return new MetalLbL2Access(m.String("name", d.Name), interval, timeout,
            m.Duration("suspicion", d.SuspicionS, positive: true), m.Duration("arpCache", d.ArpCacheS));
    }

    private static MetalLbBgpAccess MetalLbBgp(Map m)
    {
        var d = new MetalLbBgpAccess("metallb-bgp");
        return new MetalLbBgpAccess(m.String("name", d.Name), m.Duration("holdTime", d.HoldTimeS, positive: true),
            m.Bool("bfd", d.Bfd), m.Duration("bfdDetect", d.BfdDetectS, positive: true), m.Bool("resetOnRehash", d.ResetOnRehash));
    }

    private static CloudLbAccess? CloudLb(Map m)
    {
        HealthCheckSpec? preset = null;
        string? presetName = null;
        if (m.Get("preset") is { } p && p.Text("a preset name") is { } pn)
        {
            presetName = pn.Trim();
            if (!HealthCheckSpec.Presets.TryGetValue(presetName, out preset))
            {
                p.Error($"unknown cloud-lb preset '{presetName}'{Suggest.Hint(presetName, HealthCheckSpec.Presets.Keys)}; expected one of: {string.Join(", ", HealthCheckSpec.Presets.Keys)}");
                return null;
            }
        }
        var hcMap = m.Get("healthCheck")?.AsMap("a health check (interval, timeout, unhealthyThreshold, healthyThreshold)")?.Check(ScenarioKeys.HealthCheck);
        if (preset is null && hcMap is null)
        {
            m.Self.Error($"needs a preset ({string.Join(", ", HealthCheckSpec.Presets.Keys)}) or a healthCheck with interval, timeout, unhealthyThreshold and healthyThreshold");
            return null;
        }
        HealthCheckSpec hc = preset ?? new HealthCheckSpec(0, 0, 0, 0);
        if (hcMap is not null)
        {
            if (preset is null)
            {
                foreach (string key in ScenarioKeys.HealthCheck)
                {
                    hcMap.Required(key, "every health-check setting when there is no preset");
                }
            }
            hc = new HealthCheckSpec(
                hcMap.Duration("interval", hc.IntervalS, positive: true),
                hcMap.Duration("timeout", hc.TimeoutS, positive: true),
                hcMap.Int("unhealthyThreshold", hc.UnhealthyThreshold, min: 1),
                hcMap.Int("healthyThreshold", hc.HealthyThreshold, min: 1));
            if (hc.TimeoutS > hc.IntervalS && hc.IntervalS > 0)
            {
                (hcMap.Get("timeout") ?? hcMap.Self).Error($"timeout {ScenarioContext.Seconds(hc.TimeoutS)} is longer than interval {ScenarioContext.Seconds(hc.IntervalS)}");
            }
        }
        bool failOpen = m.Bool("failOpen", presetName is null || PresetFailOpen[presetName]);
        string name = m.String("name", presetName is null ? "cloud-lb" : $"cloud-lb-{presetName}");
        bool throughPods = m.Bool("probeThroughPods", false);
        return new CloudLbAccess(name, hc, m.Enum("algorithm", LbAlgorithm.RoundRobin, Algorithms), failOpen, throughPods);
    }

    /// <summary>Each client group's Service must suit the variant: what this front door would need in the cluster.</summary>
    private static void CheckServices(AccessSpec variant, string kind, Node at, IReadOnlyList<ClientGroupRef> groups, int bgpPeers)
    {
        for (int i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            string who = $"clients[{i}] ({g.Spec.Name})";
            if (variant is NodePortAccess)
            {
                var svc = g.NodePortService ?? g.Service;
                if (svc is null || svc.Spec.Ports.Count == 0)
                {
                    continue;
                }
                if (svc.Spec.Type == ServiceType.ClusterIP)
                {
                    at.Error($"{kind} sends {who} to Service {svc.Spec.Name}'s node port, but it is type ClusterIP; give the group a nodePortService of type NodePort");
                }
                else if (svc.Spec.Ports[0].NodePort == 0)
                {
                    at.Error($"{kind} sends {who} to Service {svc.Spec.Name}'s node port, but it has none (allocateLoadBalancerNodePorts: false)");
                }
                continue;
            }
            if (g.Service is not { } s || s.Spec.Ports.Count == 0)
            {
                continue; // already reported: an unknown Service, or one without ports
            }
            if (s.Spec.Type != ServiceType.LoadBalancer)
            {
                at.Error($"{kind} is a load-balancer front door, but {who} uses Service {s.Spec.Name}, which is type {s.Spec.Type}; point the group's service at a LoadBalancer Service (and its nodePortService at the NodePort one)");
                continue;
            }
            switch (variant)
            {
                case MetalLbL2Access when s.Pool is null:
                case MetalLbBgpAccess when s.Pool is null:
                    at.Error($"{kind} needs an address for Service {s.Spec.Name} from a MetalLB IPAddressPool, and the manifests define none");
                    break;
                case MetalLbL2Access when !s.L2Announced:
                    // MetalLB allocates the address but no speaker answers ARP for it: the Service is unreachable.
                    at.Error($"no L2Advertisement announces IPAddressPool '{s.Pool!.Name}', which gives Service {s.Spec.Name} its address {s.Spec.LoadBalancerIp}; MetalLB in layer-2 mode would never answer for it");
                    break;
                case MetalLbBgpAccess when !s.BgpAnnounced:
                    at.Error($"no BGPAdvertisement announces IPAddressPool '{s.Pool!.Name}', which gives Service {s.Spec.Name} its address {s.Spec.LoadBalancerIp}; MetalLB in BGP mode would never announce it");
                    break;
                case MetalLbBgpAccess when bgpPeers == 0:
                    at.Error("MetalLB in BGP mode needs a BGPPeer (metallb.io/v1beta2) for the router, and the manifests define none");
                    break;
                case CloudLbAccess when s.Spec.Ports[0].NodePort == 0:
                    at.Error($"{kind} sends to the nodes' node ports, but Service {s.Spec.Name} has none (allocateLoadBalancerNodePorts: false)");
                    break;
            }
        }
    }
}
