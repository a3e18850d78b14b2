using Svcsim.Dataplane;
using System.Text.RegularExpressions;
using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Scenarios;

/// <summary>Reads <c>cluster</c>, <c>network</c>, <c>pods</c>, <c>kubeProxy</c> and <c>controlPlane</c>.</summary>
internal static partial class ClusterSection
{
    private static readonly Dictionary<string, NodeRole> Roles = new(StringComparer.Ordinal)
    {
        ["controlPlane"] = NodeRole.ControlPlane, ["worker"] = NodeRole.Worker,
    };

    private static readonly Dictionary<string, ProxyMode> Modes = new(StringComparer.Ordinal)
    {
        ["iptables"] = ProxyMode.Iptables, ["nftables"] = ProxyMode.Nftables, ["ipvs"] = ProxyMode.Ipvs, ["ebpf"] = ProxyMode.Ebpf,
    };

    private static readonly Dictionary<string, EbpfAlgorithm> Algorithms = new(StringComparer.Ordinal)
    {
        ["random"] = EbpfAlgorithm.Random, ["maglev"] = EbpfAlgorithm.Maglev,
    };

    private static readonly Dictionary<string, EbpfForwarding> Forwardings = new(StringComparer.Ordinal)
    {
        ["snat"] = EbpfForwarding.Snat, ["dsr"] = EbpfForwarding.Dsr, ["hybrid"] = EbpfForwarding.Hybrid,
    };

    /// <summary>The largest Maglev table Cilium accepts (maglev.tableSize up to 131071).</summary>
    private const int MaxMaglevTableSize = 131071;

    private static readonly Dictionary<string, IpvsScheduler> Schedulers = new(StringComparer.Ordinal)
    {
        ["rr"] = IpvsScheduler.RoundRobin, ["lc"] = IpvsScheduler.LeastConnection,
    };

    /// <summary>
    /// A container's start when the scenario does not say: the image already on the node, the container created
    /// and started, the application listening, in 1 to 3 s. Readiness comes after it, from the readiness probe.
    /// </summary>
    public static readonly Distribution DefaultStartupTime = Distribution.Uniform(1, 3);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex NodeName();

    /// <summary>Most workers of one pod: each has a slot in memory.</summary>
    public const int MaxWorkers = 100_000;

    [GeneratedRegex(@"^v?([0-9]+)\.([0-9]+)(\.[0-9]+)?$")]
    private static partial Regex Version();

    /// <summary>
    /// Reads <c>cluster</c> into <paramref name="ctx"/>'s nodes and returns the node-monitor grace
    /// period its Kubernetes version implies (50 s from 1.32, 40 s up to 1.31; kubernetes PR #126287).
    /// </summary>
    public static double ReadCluster(Node? section, Map root, ScenarioContext ctx)
    {
        double grace = 50;
        if (section is null)
        {
            root.Required("cluster", "the cluster's nodes");
            return grace;
        }
        var cluster = section.Value.AsMap()?.Check(ScenarioKeys.Cluster);
        if (cluster is null)
        {
            return grace;
        }
        if (cluster.Get("kubernetesVersion") is { } v && v.Text("a version like \"1.33\"") is { } text)
        {
            var m = Version().Match(text.Trim());
            if (!m.Success || int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) != 1)
            {
                v.Error($"'{text}' is not a Kubernetes version; expected one like \"1.33\" (quote it: 1.30 unquoted is the number 1.3)");
            }
            else if (int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) <= 31)
            {
                grace = 40;
            }
        }
        var nodes = cluster.Required("nodes", "a list of nodes (name, role, ip)")?.AsList("a list of nodes") ?? [];
        if (cluster.Has("nodes") && nodes.Count == 0)
        {
            cluster.Get("nodes")!.Value.Error("must list at least one node");
        }
        foreach (var n in nodes)
        {
            if (ReadNode(n) is not { } node)
            {
                continue;
            }
            if (ctx.FindNode(node.Name) is not null)
            {
                n.AsMap()!.Get("name")!.Value.Error($"node name '{node.Name}' is used twice");
                continue;
            }
            if (ctx.FindNodeByIp(node.Ip) is { } same)
            {
                n.AsMap()!.Get("ip")!.Value.Error($"{node.Ip} is already the IP of node {same.Name}");
                continue;
            }
            ctx.Nodes.Add(node);
        }
        if (ctx.Nodes.Count > 0 && !ctx.Nodes.Any(n => n.Schedulable))
        {
            cluster.Get("nodes")!.Value.Error("no node is schedulable, so pods have nowhere to run (control-plane nodes default to schedulable: false; add a worker or set schedulable: true)");
        }
        return grace;
    }

    private static NodeSpec? ReadNode(Node n)
    {
        var m = n.AsMap("a node (name, role, ip)")?.Check(ScenarioKeys.Node);
        if (m is null)
        {
            return null;
        }
        string? name = m.RequiredString("name", "the node's name");
        if (name is not null && name.Length > InputLimits.MaxNameChars)
        {
            m.Get("name")!.Value.Error($"a node name has at most {InputLimits.MaxNameChars} characters (Kubernetes' limit), found {name.Length}");
            name = null;
        }
        else if (name is not null && !NodeName().IsMatch(name))
        {
            m.Get("name")!.Value.Error($"'{name}' is not a valid node name: lowercase letters, digits, '-' and '.'");
            name = null;
        }
        var role = m.Enum("role", NodeRole.Worker, Roles);
        string? ip = m.Required("ip", "the node's InternalIP, like 192.168.1.101") is { } ipNode
            && ipNode.TryParse(Units.Ipv4, "an IPv4 address", out uint value) ? Units.FormatIpv4(value) : null;
        // kubeadm taints the control plane NoSchedule and labels it
        // node.kubernetes.io/exclude-from-external-load-balancers (kubernetes-behaviour.md, "MetalLB", L2 candidates).
        bool controlPlane = role == NodeRole.ControlPlane;
        bool schedulable = m.Bool("schedulable", !controlPlane);
        bool exclude = m.Bool("excludeFromExternalLoadBalancers", controlPlane);
        string zone = m.String("zone", "");
        var labels = m.Get("labels") is { } ln ? ManifestReader.Labels(ln) : null;
        List<string>? taints = null;
        if (m.Get("taints") is { } tn)
        {
            taints = [];
            foreach (var t in tn.AsList("a list of taints like key=value:NoSchedule", allowSingle: true))
            {
                if (ReadTaint(t) is { } taint)
                {
                    taints.Add(taint.ToString());
                }
            }
            if (m.Has("schedulable") && !schedulable)
            {
                taints.Add(new Taint(Taint.UnschedulableKey, "", TaintEffect.NoSchedule).ToString()); // cordoned
            }
        }
        int conntrackMax = m.Int("conntrackMax", NodeSpec.DefaultConntrackMax, min: 1);
        if (name is null || ip is null)
        {
            return null;
        }
        var node = new NodeSpec(name, role, ip, zone, schedulable, exclude, conntrackMax);
        if (labels is not null)
        {
            node = node with { Labels = labels };
        }
        return taints is null ? node : node with { Taints = taints };
    }

    /// <summary>A taint written <c>key[=value]:Effect</c> (kubectl taint) or as <c>{ key, value, effect }</c>.</summary>
    private static Taint? ReadTaint(Node t)
    {
        if (t.Yaml is YamlDotNet.RepresentationModel.YamlMappingNode)
        {
            var m = t.AsMap()!.Check(["key", "value", "effect"]);
            string? key = m.RequiredString("key", "the taint's key");
            string value = m.String("value", "");
            string? effect = m.RequiredString("effect", "NoSchedule, PreferNoSchedule or NoExecute");
            if (key is null || effect is null)
            {
                return null;
            }
            var parsed = Taint.Parse($"{key}{(value.Length > 0 ? "=" + value : "")}:{effect}");
            if (parsed is null)
            {
                m.Get("effect")!.Value.Error($"'{effect}' is not a taint effect; expected NoSchedule, PreferNoSchedule or NoExecute");
            }
            return parsed;
        }
        string? text = t.Text("a taint like key=value:NoSchedule")?.Trim();
        if (text is null)
        {
            return null;
        }
        var taint = Taint.Parse(text);
        if (taint is null || taint.Key.Length == 0)
        {
            t.Error($"'{text}' is not a taint; expected key[=value]:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute (as kubectl taint writes it)");
        }
        return taint;
    }

    public static NetworkSpec ReadNetwork(Node? section)
    {
        var d = NetworkSpec.Default;
        var m = section?.AsMap()?.Check(ScenarioKeys.Network);
        if (m is null)
        {
            return d;
        }
        return new NetworkSpec(
            Link(m.Get("clientToNode"), d.ClientToNode),
            Link(m.Get("nodeToNode"), d.NodeToNode),
            Link(m.Get("frontDoorToNode"), d.FrontDoorToNode),
            Link(m.Get("clientToFrontDoor"), d.ClientToFrontDoor),
            m.Duration("retransmitTimeout", d.RetransmitTimeoutS, positive: true));
    }

    private static LinkSpec Link(Node? section, LinkSpec d)
    {
        var m = section?.AsMap("a link (latency, bandwidth, loss)")?.Check(ScenarioKeys.Link);
        if (m is null)
        {
            return d;
        }
        return new LinkSpec(
            m.Distribution("latency", d.Latency, Quantity.Duration),
            m.Bandwidth("bandwidth", d.BandwidthBitsPerSecond),
            m.Fraction("loss", d.Loss, oneAllowed: false));
    }

    /// <summary>The pod settings of one workload, or of <c>default</c>.</summary>
    private sealed record PodSettings(int Workers, int Backlog, Distribution ServiceTime, Distribution StartupTime, IReadOnlyList<string> PinnedNodes,
        double KeepaliveTimeoutS);

    /// <summary>A workload or hand-written EndpointSlice before the <c>pods</c> section gives its pods capacity.</summary>
    private sealed record Source(Node At, string Name, string Namespace, Func<PodSettings, PodSourceSpec> Build)
    {
        public string Key => Namespace == "default" ? Name : $"{Namespace}/{Name}";
    }

    /// <summary>
    /// Builds the pod sources from their manifests and the <c>pods</c> section: an entry named after a workload
    /// (<c>name</c>, or <c>namespace/name</c>) overrides <c>default</c> field by field, which overrides
    /// <see cref="PodCapacity.Default"/>.
    /// </summary>
    public static void ReadPods(Node? section, ScenarioContext ctx)
    {
        var capacity = PodCapacity.Default;
        var settings = new PodSettings(capacity.Workers, capacity.Backlog, capacity.ServiceTime, DefaultStartupTime, [], capacity.KeepaliveTimeoutS);
        var sources = ctx.WorkloadManifests.Select(w => new Source(w.At, w.Name, w.Namespace, s => FromWorkload(w, s)))
            .Concat(ctx.SliceSources.Select(e => new Source(e.Slice.At, e.Slice.Name, e.Slice.Namespace, s => FromSlice(e, s))))
            .ToList();
        var own = new Dictionary<Source, Map>(ReferenceEqualityComparer.Instance);
        if (section?.AsMap("a mapping from workload name (or default) to pod settings") is { } pods)
        {
            var names = sources.Select(d => d.Key).ToArray();
            foreach (var (key, keyNode, value) in pods.Entries)
            {
                var m = value.AsMap("pod settings (workers, backlog, serviceTime, startupTime, pinnedNodes, keepaliveTimeout)")?.Check(ScenarioKeys.Pods);
                if (key == "default")
                {
                    if (m is not null)
                    {
                        settings = Pods(m, settings, ctx);
                    }
                    continue;
                }
                var matched = sources.Where(d => d.Key == key || (d.Name == key && !key.Contains('/', StringComparison.Ordinal))).ToList();
                if (matched.Count == 0 && ctx.ManifestsKnown)
                {
                    keyNode.Error($"no workload named '{key}'{Suggest.Hint(key, names)} (workloads: {ManifestResolver.List(names)}; or 'default')");
                    continue;
                }
                if (matched.Count > 1 && matched.Select(d => d.Namespace).Distinct().Count() > 1)
                {
                    keyNode.Error($"'{key}' names workloads in several namespaces: write one of {ManifestResolver.List(matched.Select(d => d.Key))}");
                    continue;
                }
                if (m is not null)
                {
                    foreach (var d in matched)
                    {
                        own[d] = m;
                    }
                }
            }
        }
        foreach (var d in sources)
        {
            var s = own.TryGetValue(d, out var m) ? Pods(m, settings, ctx) : settings;
            var spec = d.Build(s);
            CheckFits(spec, d.At, own.TryGetValue(d, out var mine) ? mine : null, ctx);
            ctx.PodSources.Add(spec);
        }
    }

    private static PodSourceSpec FromWorkload(PodSourceManifest w, PodSettings s) =>
        new(w.Name, w.PodLabels, w.Replicas, w.Ports.Select(p => p.Port).Distinct().ToArray(),
            new PodCapacity(s.Workers, s.Backlog, s.ServiceTime, s.KeepaliveTimeoutS), s.PinnedNodes, s.StartupTime)
        {
            Kind = w.Kind,
            Namespace = w.Namespace,
            NamedPorts = w.Ports.Where(p => p.Name.Length > 0).GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First().Port, StringComparer.Ordinal),
            Health = w.Health,
            Placement = w.Placement,
            Update = w.Update ?? UpdateStrategy.For(w.Kind),
            Cpu = w.Cpu,
        };

    private static PodSourceSpec FromSlice(SliceSource e, PodSettings s) =>
        new(e.Slice.Name, new Dictionary<string, string>(StringComparer.Ordinal) { [ServiceState.ServiceNameLabel] = e.ServiceName },
            e.Endpoints.Count, [], new PodCapacity(s.Workers, s.Backlog, s.ServiceTime, s.KeepaliveTimeoutS), e.Endpoints.Select(x => x.Node).ToArray(), s.StartupTime)
        {
            Kind = PodSourceKind.EndpointSlice,
            Namespace = e.Slice.Namespace,
            StaticReady = e.Endpoints.Select(x => x.Ready).ToArray(),
        };

    /// <summary>
    /// A workload whose pods fit no node (labels the nodeSelector or affinity wants, taints not tolerated) would
    /// stay Pending for the whole run: an error, naming why each node is out (a DaemonSet on no node: a warning).
    /// </summary>
    private static void CheckFits(PodSourceSpec spec, Node at, Map? settings, ScenarioContext ctx)
    {
        if (spec.Kind == PodSourceKind.EndpointSlice || ctx.Nodes.Count == 0)
        {
            return;
        }
        if (spec.PinnedNodes.Count > 0)
        {
            foreach (var (name, pinAt) in settings?.Get("pinnedNodes")?.Strings("a list of node names") ?? [])
            {
                if (ctx.FindNode(name) is { } node && NodeMetadata.WhyNot(spec, node) is { } why)
                {
                    pinAt.Error($"pods of {spec.Kind} {spec.Key} cannot run there: {why}");
                }
            }
            return;
        }
        if (spec.Kind != PodSourceKind.DaemonSet && spec.Replicas == 0)
        {
            return;
        }
        var reasons = ctx.Nodes.Select(n => NodeMetadata.WhyNot(spec, n)).ToArray();
        if (reasons.All(r => r is not null))
        {
            string message = $"no node can run its pods: {string.Join("; ", reasons)}";
            if (spec.Kind == PodSourceKind.DaemonSet)
            {
                at.Warn(message + " (the DaemonSet runs no pod)");
            }
            else
            {
                at.Error(message + " (add labels or taints to the nodes in cluster.nodes, or change the pod template)");
            }
        }
    }

    private static PodSettings Pods(Map m, PodSettings d, ScenarioContext ctx)
    {
        var pinned = d.PinnedNodes;
        if (m.Get("pinnedNodes") is { } pn)
        {
            var list = new List<string>();
            foreach (var (name, at) in pn.Strings("a list of node names"))
            {
                if (ctx.RequireNode(at, name) is not null)
                {
                    list.Add(name);
                }
            }
            pinned = list;
        }
        return new PodSettings(
            m.Value("workers", d.Workers, Units.Count, "a whole number like 4", v => Map.Range(v, 1, MaxWorkers)),
            m.Value("backlog", d.Backlog, Units.Count, "a whole number like 128", v => Map.Range(v, 0, int.MaxValue)),
            m.Distribution("serviceTime", d.ServiceTime, Quantity.Duration, positiveMean: true),
            m.Distribution("startupTime", d.StartupTime, Quantity.Duration),
            pinned,
            m.Duration("keepaliveTimeout", d.KeepaliveTimeoutS, positive: true, allowNever: true));
    }

    /// <summary>Reads a <c>kubeProxy</c> section; keys it does not give keep their value in <paramref name="defaults"/> (the built-in defaults when null).</summary>
    public static KubeProxySpec ReadKubeProxy(Node? section, KubeProxySpec? defaults = null)
    {
        var d = defaults ?? KubeProxySpec.Default;
        var m = section?.AsMap()?.Check(ScenarioKeys.KubeProxy);
        if (m is null)
        {
            return d;
        }
        var mode = m.Enum("mode", d.Mode, Modes);
        if (m.Has("scheduler") && mode != ProxyMode.Ipvs)
        {
            m.Get("scheduler")!.Value.Warn("the scheduler only applies to mode: ipvs");
        }
        var conntrack = d.Conntrack;
        if (m.Get("conntrack")?.AsMap("conntrack timeouts (tcpEstablishedTimeout, tcpTimeWaitTimeout)")?.Check(ScenarioKeys.Conntrack) is { } ct)
        {
            conntrack = new ConntrackSpec(
                ct.Duration("tcpEstablishedTimeout", conntrack.EstablishedTimeoutS, positive: true),
                ct.Duration("tcpTimeWaitTimeout", conntrack.TimeWaitTimeoutS, positive: true));
        }
        var ebpf = d.Ebpf;
        if (m.Get("ebpf") is { } eb)
        {
            if (mode != ProxyMode.Ebpf)
            {
                eb.Warn("the ebpf settings only apply to mode: ebpf");
            }
            if (eb.AsMap("eBPF data path settings (algorithm, maglevTableSize, forwarding, agentDelay)")?.Check(ScenarioKeys.Ebpf) is { } e)
            {
                var algorithm = e.Enum("algorithm", ebpf.Algorithm, Algorithms);
                int size = e.Value("maglevTableSize", ebpf.MaglevTableSize, Units.Count, "a prime like 16381",
                    v => v < 3 || v > MaxMaglevTableSize ? $"must be between 3 and {MaxMaglevTableSize}"
                        : MaglevTable.IsPrime(v) ? null : $"{v} is not a prime; Cilium's table sizes are primes such as 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071");
                if (e.Has("maglevTableSize") && algorithm != EbpfAlgorithm.Maglev)
                {
                    e.Get("maglevTableSize")!.Value.Warn("maglevTableSize only applies to algorithm: maglev");
                }
                ebpf = new EbpfSpec(algorithm, size, e.Enum("forwarding", ebpf.Forwarding, Forwardings),
                    e.Distribution("agentDelay", ebpf.AgentDelay, Quantity.Duration));
            }
        }
        return new KubeProxySpec(mode, m.Enum("scheduler", d.Scheduler, Schedulers),
            m.Duration("minSyncPeriod", d.MinSyncPeriodS), m.Distribution("syncDelay", d.SyncDelay, Quantity.Duration), conntrack,
            m.Duration("ruleWriteTime", d.RuleWriteS)) { Ebpf = ebpf };
    }

    public static ControlPlaneSpec ReadControlPlane(Node? section, double graceDefault)
    {
        var d = ControlPlaneSpec.Default with { NodeMonitorGracePeriodS = graceDefault };
        var m = section?.AsMap()?.Check(ScenarioKeys.ControlPlane);
        if (m is null)
        {
            return d;
        }
        var spec = new ControlPlaneSpec(
            m.Duration("leaseRenew", d.LeaseRenewS, positive: true),
            m.Duration("nodeMonitorPeriod", d.NodeMonitorPeriodS, positive: true),
            m.Duration("nodeMonitorGracePeriod", d.NodeMonitorGracePeriodS, positive: true),
            m.Value("tolerationSeconds", d.TolerationSeconds, Seconds, "seconds, a duration or never"),
            m.Rate("evictionRate", d.EvictionRatePerS, positive: false),
            m.Duration("endpointSliceDelay", d.EndpointSliceDelayS),
            m.Duration("nodeRejoin", d.NodeRejoinS));
        if (spec.NodeMonitorGracePeriodS <= spec.LeaseRenewS && m.Get("nodeMonitorGracePeriod") is { } g)
        {
            g.Warn($"a grace period of {ScenarioContext.Seconds(spec.NodeMonitorGracePeriodS)} is not longer than the lease renewal ({ScenarioContext.Seconds(spec.LeaseRenewS)}): healthy nodes will flap NotReady");
        }
        return spec;
    }

    /// <summary>tolerationSeconds as Kubernetes writes it (a number of seconds), or a duration, or never.</summary>
    private static Parsed<double> Seconds(string text)
    {
        var n = Units.Number(text);
        if (n.Ok)
        {
            return n.Value >= 0 ? n : Parsed<double>.Fail($"'{text}' is negative; expected seconds, a duration or never");
        }
        return Units.Duration(text, allowNever: true);
    }
}
