using System.Text.RegularExpressions;
using Svcsim.Kubernetes;

namespace Svcsim.Scenarios;

/// <summary>A container port: <c>containerPort</c> and its optional name.</summary>
internal sealed record ContainerPort(int Port, string Name);

/// <summary>A Deployment as read from a manifest, before the scenario adds pod capacity.</summary>
internal sealed record DeploymentManifest(Node At, string Name, string Namespace, int Replicas,
    IReadOnlyDictionary<string, string> PodLabels, IReadOnlyList<ContainerPort> Ports);

/// <summary>One entry of a Service's spec.ports as written (target port and node port not yet resolved).</summary>
internal sealed record ServicePortManifest(Node At, string Name, int Port, int? TargetNumber, string? TargetName, Node TargetAt,
    int? NodePort, Node? NodePortAt);

/// <summary>A Service as read from a manifest, before node ports and addresses are allocated.</summary>
internal sealed record ServiceManifest(Node At, string Name, string Namespace, ServiceType Type,
    IReadOnlyDictionary<string, string> Selector, Node SelectorAt, IReadOnlyList<ServicePortManifest> Ports,
    TrafficPolicy ExternalTrafficPolicy, SessionAffinity SessionAffinity, double AffinityTimeoutS,
    int? HealthCheckNodePort, Node? HealthCheckNodePortAt, bool AllocateNodePorts,
    uint? RequestedIp, Node? RequestedIpAt, string? Pool, Node? PoolAt, uint? StatusIp);

/// <summary>A MetalLB IPAddressPool: its address ranges in the order written.</summary>
internal sealed record PoolManifest(Node At, string Name, IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<(uint First, uint Last)> Ranges, bool AutoAssign, bool AvoidBuggyIps);

/// <summary>A MetalLB L2Advertisement or BGPAdvertisement: which pools it announces (no names, no selectors: all).</summary>
internal sealed record AdvertisementManifest(Node At, string Name, bool Bgp, IReadOnlyList<(string Pool, Node At)> Pools,
    IReadOnlyList<IReadOnlyDictionary<string, string>> PoolSelectors);

/// <summary>Everything svcsim reads from the manifests, in document order.</summary>
internal sealed class ManifestSet
{
    public List<DeploymentManifest> Deployments { get; } = [];
    public List<ServiceManifest> Services { get; } = [];
    public List<PoolManifest> Pools { get; } = [];
    public List<AdvertisementManifest> Advertisements { get; } = [];
    public int BgpPeers { get; set; }
}

/// <summary>
/// Reads Kubernetes and MetalLB objects from manifest documents: apps/v1 Deployment, v1 Service,
/// metallb.io IPAddressPool, L2Advertisement, BGPAdvertisement (BGPPeer tolerated), and v1 List.
/// Other kinds are ignored, as <c>kubectl apply</c> would apply them without svcsim needing them.
/// Unknown fields where svcsim reads are warnings, as the API server warns.
/// </summary>
internal static partial class ManifestReader
{
    private static readonly Dictionary<string, (string Group, string Version)> Kinds = new(StringComparer.Ordinal)
    {
        ["Deployment"] = ("apps", "v1"),
        ["Service"] = ("", "v1"),
        ["List"] = ("", "v1"),
        ["IPAddressPool"] = ("metallb.io", "v1beta1"),
        ["L2Advertisement"] = ("metallb.io", "v1beta1"),
        ["BGPAdvertisement"] = ("metallb.io", "v1beta1"),
        ["BGPPeer"] = ("metallb.io", "v1beta2"),
    };

    private static readonly string[] ObjectKeys = ["apiVersion", "kind", "metadata", "spec", "status"];
    private static readonly string[] DeploymentSpecKeys =
        ["replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds", "paused"];
    private static readonly string[] ServiceSpecKeys =
    [
        "type", "selector", "ports", "externalTrafficPolicy", "internalTrafficPolicy", "sessionAffinity", "sessionAffinityConfig",
        "healthCheckNodePort", "loadBalancerIP", "loadBalancerClass", "loadBalancerSourceRanges", "clusterIP", "clusterIPs",
        "ipFamilies", "ipFamilyPolicy", "externalIPs", "externalName", "publishNotReadyAddresses",
        "allocateLoadBalancerNodePorts", "trafficDistribution",
    ];
    private static readonly string[] ServicePortKeys = ["name", "protocol", "port", "targetPort", "nodePort", "appProtocol"];
    private static readonly string[] ContainerPortKeys = ["containerPort", "name", "protocol", "hostPort", "hostIP"];
    private static readonly string[] PoolSpecKeys = ["addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation"];
    private static readonly string[] AdvertisementSpecKeys =
    [
        "ipAddressPools", "ipAddressPoolSelectors", "nodeSelectors", "interfaces",
        "aggregationLength", "aggregationLengthV6", "localPref", "communities", "peers",
    ];

    private static readonly Dictionary<string, ServiceType> ServiceTypes = new(StringComparer.Ordinal)
    {
        ["ClusterIP"] = ServiceType.ClusterIP, ["NodePort"] = ServiceType.NodePort, ["LoadBalancer"] = ServiceType.LoadBalancer,
    };

    private static readonly Dictionary<string, TrafficPolicy> Policies = new(StringComparer.Ordinal)
    {
        ["Cluster"] = TrafficPolicy.Cluster, ["Local"] = TrafficPolicy.Local,
    };

    private static readonly Dictionary<string, SessionAffinity> Affinities = new(StringComparer.Ordinal)
    {
        ["None"] = SessionAffinity.None, ["ClientIP"] = SessionAffinity.ClientIP,
    };

    /// <summary>MetalLB's annotations, old (metallb.universe.tf) and new (metallb.io) prefixes.</summary>
    private static readonly string[] IpAnnotations = ["metallb.universe.tf/loadBalancerIPs", "metallb.io/loadBalancerIPs"];
    private static readonly string[] PoolAnnotations = ["metallb.universe.tf/address-pool", "metallb.io/address-pool"];

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex Dns1123();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex PortName();

    /// <summary>
    /// Reads one document. <paramref name="inlinePath"/> is the field path of an inline workload
    /// (<c>workloads[0]</c>); documents of a manifest file are named by kind and name (<c>Service/np-nginx</c>).
    /// </summary>
    public static void Read(Node document, int index, string? inlinePath, ManifestSet into)
    {
        var doc = document.AsMap("a Kubernetes object (apiVersion, kind, metadata, spec)");
        if (doc is null)
        {
            return;
        }
        string? kind = doc.RequiredString("kind", "the object's kind, for example Deployment or Service");
        string? apiVersion = doc.RequiredString("apiVersion", "for example apps/v1 or v1");
        if (kind is null || apiVersion is null || !Kinds.TryGetValue(kind, out var expected))
        {
            return; // other kinds (ConfigMap, Namespace...) are not svcsim's concern
        }
        int slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        (string group, string version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        if (group != expected.Group)
        {
            return; // the same kind name from another API group (a Knative Service...)
        }
        bool versionOk = version == expected.Version || (kind == "BGPPeer" && version == "v1beta1");
        if (!versionOk)
        {
            doc.Get("apiVersion")!.Value.Error(
                $"{kind} is read as {(group.Length == 0 ? "" : group + "/")}{expected.Version}, found {apiVersion}");
            return;
        }
        string? name = null;
        string ns = "default";
        Map? metadata = null;
        if (kind != "List")
        {
            metadata = doc.Required("metadata", "metadata with a name")?.AsMap();
            name = metadata?.RequiredString("name", "the object's name");
            ns = metadata?.String("namespace", "default") ?? "default";
            int maxName = kind == "Service" ? InputLimits.MaxLabelChars : InputLimits.MaxNameChars;
            if (name is not null && name.Length > maxName)
            {
                metadata!.Get("name")!.Value.Error($"a {kind} name has at most {maxName} characters (Kubernetes' limit), found {name.Length}");
            }
            else if (name is not null && !Dns1123().IsMatch(name))
            {
                metadata!.Get("name")!.Value.Error($"'{name}' is not a valid Kubernetes name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
            }
        }
        string path = inlinePath ?? (name is null ? $"{kind}(document {index + 1})" : $"{kind}/{name}");
        doc = doc.Self.WithPath(path).AsMap()!;
        metadata = metadata is null ? null : doc.Get("metadata")?.AsMap();
        doc.Check(ObjectKeys.Append(kind == "List" ? "items" : "metadata").ToArray(), UnknownKeys.Warn, what: "field");
        name ??= "";
        switch (kind)
        {
            case "List":
                var items = doc.Get("items")?.AsList() ?? [];
                for (int i = 0; i < items.Count; i++)
                {
                    Read(items[i], i, inlinePath is null ? null : $"{inlinePath}.items[{i}]", into);
                }
                break;
            case "Deployment":
                if (ReadDeployment(doc, name, ns) is { } d)
                {
                    into.Deployments.Add(d);
                }
                break;
            case "Service":
                if (ReadService(doc, name, ns, metadata) is { } s)
                {
                    into.Services.Add(s);
                }
                break;
            case "IPAddressPool":
                if (ReadPool(doc, name, metadata) is { } p)
                {
                    into.Pools.Add(p);
                }
                break;
            case "L2Advertisement":
            case "BGPAdvertisement":
                into.Advertisements.Add(ReadAdvertisement(doc, name, kind == "BGPAdvertisement"));
                break;
            case "BGPPeer":
                into.BgpPeers++;
                break;
        }
    }

    private static Node WithPath(this Node node, string path) => node with { Path = path };

    private static DeploymentManifest? ReadDeployment(Map doc, string name, string ns)
    {
        var spec = doc.Required("spec", "the Deployment's spec (replicas, selector, template)")?.AsMap()?.Check(DeploymentSpecKeys, UnknownKeys.Warn, what: "field");
        if (spec is null)
        {
            return null;
        }
        int replicas = spec.Int("replicas", 1, min: 1);
        var selectorMap = spec.Required("selector", "a label selector with matchLabels")?.AsMap()?.Check(["matchLabels", "matchExpressions"], UnknownKeys.Warn, what: "field");
        var matchLabels = selectorMap?.Get("matchLabels") is { } ml ? Labels(ml) : new Dictionary<string, string>();
        if (selectorMap?.Get("matchExpressions") is { } me)
        {
            me.Warn("matchExpressions are not evaluated; svcsim uses matchLabels only");
        }
        var template = spec.Required("template", "the pod template (metadata.labels, spec.containers)")?.AsMap();
        var podMeta = template?.Required("metadata", "the pod template's metadata with labels")?.AsMap();
        var podLabels = podMeta?.Required("labels", "the pod labels the selector matches") is { } pl ? Labels(pl) : new Dictionary<string, string>();
        var podSpec = template?.Required("spec", "the pod spec with containers")?.AsMap();
        var ports = new List<ContainerPort>();
        var containers = podSpec?.Required("containers", "a list of containers")?.AsList("a list of containers") ?? [];
        if (podSpec is not null && podSpec.Has("containers") && containers.Count == 0)
        {
            podSpec.Get("containers")!.Value.Error("must list at least one container");
        }
        foreach (var c in containers)
        {
            var cm = c.AsMap("a container (name, image, ports)");
            foreach (var p in cm?.Get("ports")?.AsList("a list of container ports") ?? [])
            {
                var pm = p.AsMap("a container port (containerPort, name)")?.Check(ContainerPortKeys, UnknownKeys.Warn, what: "field");
                if (pm is null)
                {
                    continue;
                }
                int port = pm.Required("containerPort", "a port number 1-65535") is { } cp && cp.TryParse(Map.ParseInt, "a port number", out int v, x => Map.Range(x, 1, 65535)) ? v : 0;
                if (port > 0)
                {
                    ports.Add(new ContainerPort(port, pm.String("name", "")));
                }
            }
        }
        if (selectorMap is not null && matchLabels.Count == 0 && !selectorMap.Has("matchExpressions"))
        {
            selectorMap.Self.Error("must have matchLabels (an empty selector would match every pod)");
        }
        else if (podLabels.Count > 0 && matchLabels.Any(kv => !podLabels.TryGetValue(kv.Key, out var v) || v != kv.Value))
        {
            selectorMap!.Self.Error($"selector {Format(matchLabels)} does not match the template's labels {Format(podLabels)}");
        }
        return new DeploymentManifest(doc.Self, name, ns, replicas, podLabels, ports);
    }

    private static ServiceManifest? ReadService(Map doc, string name, string ns, Map? metadata)
    {
        var spec = doc.Required("spec", "the Service's spec (type, selector, ports)")?.AsMap()?.Check(ServiceSpecKeys, UnknownKeys.Warn, what: "field");
        if (spec is null)
        {
            return null;
        }
        var type = ServiceType.ClusterIP;
        if (spec.Get("type") is { } typeNode && typeNode.Text("a Service type") is { } typeText)
        {
            if (typeText == "ExternalName")
            {
                typeNode.Error("ExternalName Services have no endpoints to simulate; expected ClusterIP, NodePort or LoadBalancer");
            }
            else
            {
                type = spec.Enum("type", ServiceType.ClusterIP, ServiceTypes, exactCase: true);
            }
        }
        bool external = type != ServiceType.ClusterIP;
        var selectorNode = spec.Required("selector", "the labels of the pods this Service sends to (svcsim simulates Services with a selector)");
        var selector = selectorNode is { } sn ? Labels(sn) : new Dictionary<string, string>();
        if (selectorNode is { } sel && selector.Count == 0)
        {
            sel.Error("must name at least one label");
        }
        var ports = new List<ServicePortManifest>();
        var portNodes = spec.Required("ports", "a list of ports (port, targetPort, nodePort)")?.AsList("a list of ports") ?? [];
        if (spec.Has("ports") && portNodes.Count == 0)
        {
            spec.Get("ports")!.Value.Error("must list at least one port");
        }
        foreach (var p in portNodes)
        {
            if (ReadServicePort(p, type, portNodes.Count) is { } sp)
            {
                if (sp.Name.Length > 0 && ports.Any(o => o.Name == sp.Name))
                {
                    sp.At.Error($"port name '{sp.Name}' is used twice");
                }
                ports.Add(sp);
            }
        }
        var policy = spec.Enum("externalTrafficPolicy", TrafficPolicy.Cluster, Policies, exactCase: true);
        if (!external && spec.Has("externalTrafficPolicy"))
        {
            spec.Get("externalTrafficPolicy")!.Value.Error("may only be set for type NodePort or LoadBalancer");
        }
        var affinity = spec.Enum("sessionAffinity", SessionAffinity.None, Affinities, exactCase: true);
        double affinityTimeout = 10800; // kubernetes-behaviour.md, "sessionAffinity": 10800 s
        if (spec.Get("sessionAffinityConfig")?.AsMap()?.Check(["clientIP"], UnknownKeys.Warn, what: "field").Get("clientIP")?.AsMap()?.Check(["timeoutSeconds"], UnknownKeys.Warn, what: "field") is { } cip)
        {
            affinityTimeout = cip.Int("timeoutSeconds", 10800, 1, 86400);
        }
        int? hcnp = null;
        Node? hcnpAt = spec.Get("healthCheckNodePort");
        if (hcnpAt is { } h && h.TryParse(Map.ParseInt, "a port number", out int hv, NodePortRange))
        {
            hcnp = hv;
            if (type != ServiceType.LoadBalancer || policy != TrafficPolicy.Local)
            {
                h.Error("may only be set for type LoadBalancer with externalTrafficPolicy: Local");
            }
        }
        bool allocate = spec.Bool("allocateLoadBalancerNodePorts", true) || type == ServiceType.NodePort;
        var (requested, requestedAt, pool, poolAt) = RequestedAddress(spec, metadata, type);
        uint? status = null;
        if (doc.Get("status")?.AsMap()?.Get("loadBalancer")?.AsMap()?.Get("ingress")?.AsList() is [var first, ..]
            && first.AsMap()?.Get("ip") is { } statusIp && statusIp.TryParse(Units.Ipv4, "an IPv4 address", out uint sip))
        {
            status = sip;
        }
        return new ServiceManifest(doc.Self, name, ns, type, selector, selectorNode ?? spec.Self, ports, policy, affinity,
            affinityTimeout, hcnp, hcnpAt, allocate, requested, requestedAt, pool, poolAt, status);
    }

    private static ServicePortManifest? ReadServicePort(Node p, ServiceType type, int count)
    {
        var pm = p.AsMap("a Service port (name, port, targetPort, nodePort)")?.Check(ServicePortKeys, UnknownKeys.Warn, what: "field");
        if (pm is null)
        {
            return null;
        }
        string name = pm.String("name", "");
        if (count > 1 && name.Length == 0)
        {
            pm.Self.Error("needs a name: a Service with several ports must name each of them");
        }
        if (pm.Get("protocol") is { } proto && proto.Text("TCP, UDP or SCTP") is { } pt && pt != "TCP")
        {
            proto.Warn($"svcsim simulates TCP; this {pt} port is treated as TCP");
        }
        int port = pm.Required("port", "the Service port, 1-65535") is { } pn && pn.TryParse(Map.ParseInt, "a port number", out int pv, x => Map.Range(x, 1, 65535)) ? pv : 0;
        int? targetNumber = null;
        string? targetName = null;
        Node targetAt = pm.Get("targetPort") ?? pm.Self;
        if (pm.Get("targetPort") is { } tp && tp.Text("a port number or a container port name") is { } tt)
        {
            if (Map.ParseInt(tt).Ok)
            {
                targetNumber = tp.TryParse(Map.ParseInt, "a port number", out int tv, x => Map.Range(x, 1, 65535)) ? tv : null;
            }
            else if (PortName().IsMatch(tt) && tt.Length <= 15 && tt.Any(char.IsAsciiLetter))
            {
                targetName = tt;
            }
            else
            {
                tp.Error($"'{tt}' is neither a port number nor a valid port name (at most 15 lowercase letters, digits and '-')");
            }
        }
        else if (port > 0)
        {
            targetNumber = port; // Kubernetes defaults targetPort to port
        }
        int? nodePort = null;
        Node? nodePortAt = pm.Get("nodePort");
        if (nodePortAt is { } np && np.TryParse(Map.ParseInt, "a port number", out int nv, NodePortRange))
        {
            if (type == ServiceType.ClusterIP)
            {
                np.Error("may only be set for type NodePort or LoadBalancer (this Service is ClusterIP)");
            }
            else
            {
                nodePort = nv;
            }
        }
        return new ServicePortManifest(pm.Self, name, port, targetNumber, targetName, targetAt, nodePort, nodePortAt);
    }

    /// <summary>The node port range, kube-apiserver's --service-node-port-range default (kubernetes-behaviour.md, "NodePort").</summary>
    public static string? NodePortRange(int port) =>
        port is >= 30000 and <= 32767 ? null : $"{port} is outside the node port range 30000-32767";

    private static (uint?, Node?, string?, Node?) RequestedAddress(Map spec, Map? metadata, ServiceType type)
    {
        uint? ip = null;
        Node? ipAt = null;
        if (spec.Get("loadBalancerIP") is { } lb && lb.TryParse(Units.Ipv4, "an IPv4 address", out uint v))
        {
            (ip, ipAt) = (v, lb);
        }
        var annotations = metadata?.Get("annotations")?.AsMap();
        foreach (string key in IpAnnotations)
        {
            if (annotations?.Get(key) is not { } an || an.Text("a comma-separated list of addresses") is not { } text)
            {
                continue;
            }
            var v4 = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(a => !a.Contains(':', StringComparison.Ordinal)).ToArray();
            if (v4.Length != 1)
            {
                an.Error(v4.Length == 0 ? "names no IPv4 address (svcsim simulates IPv4)" : "names several IPv4 addresses; svcsim simulates one address per Service");
                continue;
            }
            var parsed = Units.Ipv4(v4[0]);
            if (!parsed.Ok)
            {
                an.Error(parsed.Error!);
            }
            else if (ip is { } other && other != parsed.Value)
            {
                an.Error($"asks for {v4[0]} but spec.loadBalancerIP asks for {Units.FormatIpv4(other)}");
            }
            else
            {
                (ip, ipAt) = (parsed.Value, an);
            }
        }
        string? pool = null;
        Node? poolAt = null;
        foreach (string key in PoolAnnotations)
        {
            if (annotations?.Get(key) is { } pa && pa.Text("an IPAddressPool name") is { } pn)
            {
                (pool, poolAt) = (pn.Trim(), pa);
            }
        }
        if (ip is not null && type != ServiceType.LoadBalancer)
        {
            ipAt!.Value.Warn("a load-balancer address on a Service that is not type LoadBalancer is ignored");
            (ip, ipAt) = (null, null);
        }
        return (ip, ipAt, pool, poolAt);
    }

    private static PoolManifest? ReadPool(Map doc, string name, Map? metadata)
    {
        var spec = doc.Required("spec", "the pool's spec with addresses")?.AsMap()?.Check(PoolSpecKeys, UnknownKeys.Warn, what: "field");
        if (spec is null)
        {
            return null;
        }
        var ranges = new List<(uint, uint)>();
        foreach (var (text, at) in spec.Required("addresses", "a list of address ranges (a.b.c.d-a.b.c.e) or CIDRs (a.b.c.d/24)")?.Strings("an address range or CIDR") ?? [])
        {
            var r = AddressRange(text);
            if (r.Ok)
            {
                ranges.Add(r.Value);
            }
            else
            {
                at.Error(r.Error!);
            }
        }
        var labels = metadata?.Get("labels") is { } l ? Labels(l) : new Dictionary<string, string>();
        return new PoolManifest(doc.Self, name, labels, ranges, spec.Bool("autoAssign", true), spec.Bool("avoidBuggyIPs", false));
    }

    /// <summary>An IPAddressPool entry: <c>a.b.c.d-a.b.c.e</c>, <c>a.b.c.d/nn</c> or a single address.</summary>
    public static Parsed<(uint First, uint Last)> AddressRange(string text)
    {
        const string expected = "expected a range like 192.168.1.11-192.168.1.19 or a CIDR like 192.168.1.0/24";
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return Parsed<(uint, uint)>.Fail($"'{text}' is IPv6; svcsim simulates IPv4 ({expected})");
        }
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (dash >= 0)
        {
            var a = Units.Ipv4(text[..dash]);
            var b = Units.Ipv4(text[(dash + 1)..]);
            if (!a.Ok || !b.Ok)
            {
                return Parsed<(uint, uint)>.Fail($"'{text}' is not an address range; {expected}");
            }
            return a.Value <= b.Value
                ? Parsed<(uint, uint)>.Of((a.Value, b.Value))
                : Parsed<(uint, uint)>.Fail($"'{text}' ends before it starts");
        }
        if (slash >= 0)
        {
            var a = Units.Ipv4(text[..slash]);
            var bits = Map.ParseInt(text[(slash + 1)..]);
            if (!a.Ok || !bits.Ok || bits.Value is < 0 or > 32)
            {
                return Parsed<(uint, uint)>.Fail($"'{text}' is not a CIDR; {expected}");
            }
            uint mask = bits.Value == 0 ? 0 : uint.MaxValue << (32 - bits.Value);
            return Parsed<(uint, uint)>.Of((a.Value & mask, (a.Value & mask) | ~mask));
        }
        var single = Units.Ipv4(text);
        return single.Ok ? Parsed<(uint, uint)>.Of((single.Value, single.Value)) : Parsed<(uint, uint)>.Fail($"'{text}': {expected}");
    }

    private static AdvertisementManifest ReadAdvertisement(Map doc, string name, bool bgp)
    {
        var spec = doc.Get("spec")?.AsMap()?.Check(AdvertisementSpecKeys, UnknownKeys.Warn, what: "field");
        var pools = spec?.Get("ipAddressPools")?.Strings("a list of IPAddressPool names") ?? [];
        var selectors = new List<IReadOnlyDictionary<string, string>>();
        foreach (var s in spec?.Get("ipAddressPoolSelectors")?.AsList("a list of label selectors") ?? [])
        {
            if (s.AsMap("a label selector with matchLabels")?.Get("matchLabels") is { } ml)
            {
                selectors.Add(Labels(ml));
            }
        }
        return new AdvertisementManifest(doc.Self, name, bgp, pools, selectors);
    }

    /// <summary>A label map (<c>app: deploy-nginx</c>).</summary>
    public static Dictionary<string, string> Labels(Node node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.AsMap("labels (key: value)") is not { } m)
        {
            return labels;
        }
        foreach (var (key, keyNode, value) in m.Entries)
        {
            string text = value.Text("a label value") ?? "";
            int slash = key.LastIndexOf('/');
            if (key.Length - slash - 1 > InputLimits.MaxLabelChars || slash > InputLimits.MaxNameChars)
            {
                keyNode.Error($"a label key has at most {InputLimits.MaxLabelChars} characters after an optional prefix of at most {InputLimits.MaxNameChars} and '/' (Kubernetes' limit)");
            }
            else if (text.Length > InputLimits.MaxLabelChars)
            {
                value.Error($"a label value has at most {InputLimits.MaxLabelChars} characters (Kubernetes' limit), found {text.Length}");
            }
            labels[key] = text;
        }
        return labels;
    }

    /// <summary><c>{app: deploy-nginx}</c>.</summary>
    public static string Format(IReadOnlyDictionary<string, string> labels) =>
        "{" + string.Join(", ", labels.Select(kv => $"{kv.Key}: {kv.Value}")) + "}";
}
