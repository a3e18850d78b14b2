using Svcsim.Kubernetes;

namespace Svcsim.Scenarios;

/// <summary>One entry of a Service's spec.ports as written (target port and node port not yet resolved).</summary>
internal sealed record ServicePortManifest(Node At, string Name, string Protocol, int Port, int? TargetNumber, string? TargetName, Node TargetAt,
    int? NodePort, Node? NodePortAt);

/// <summary>A Service as read from a manifest, before node ports and addresses are allocated.</summary>
/// <param name="Selector">spec.selector; empty for a Service without selector (its endpoints come from EndpointSlices).</param>
/// <param name="ExternalName">spec.externalName of an ExternalName Service (a DNS alias: nothing to simulate); null otherwise.</param>
/// <param name="Headless">clusterIP: None: clients resolve the pods' addresses by DNS and kube-proxy has no rules for it.</param>
internal sealed record ServiceManifest(Node At, string Name, string Namespace, ServiceType Type,
    IReadOnlyDictionary<string, string> Selector, Node SelectorAt, IReadOnlyList<ServicePortManifest> Ports,
    TrafficPolicy ExternalTrafficPolicy, SessionAffinity SessionAffinity, double AffinityTimeoutS,
    int? HealthCheckNodePort, Node? HealthCheckNodePortAt, bool AllocateNodePorts,
    uint? RequestedIp, Node? RequestedIpAt, string? Pool, Node? PoolAt, uint? StatusIp,
    string? ExternalName = null, bool Headless = false)
{
    /// <summary>spec.internalTrafficPolicy.</summary>
    public TrafficPolicy InternalTrafficPolicy { get; init; }

    /// <summary>spec.trafficDistribution is PreferClose.</summary>
    public bool PreferClose { get; init; }

    /// <summary><c>name</c> in the default namespace, <c>namespace/name</c> elsewhere.</summary>
    public string Key => Namespace == "default" ? Name : $"{Namespace}/{Name}";

    /// <summary>How messages name it: <c>Service/name</c> or <c>Service/namespace/name</c>.</summary>
    public string Shown => $"Service/{Key}";
}

/// <summary>One endpoint of a hand-written EndpointSlice (or v1 Endpoints): an address and its ready condition.</summary>
internal sealed record EndpointManifest(string Address, bool Ready, Node At);

/// <summary>A discovery.k8s.io/v1 EndpointSlice (or v1 Endpoints) written for a Service without selector.</summary>
internal sealed record EndpointSliceManifest(Node At, string Name, string Namespace, string? ServiceName, IReadOnlyList<EndpointManifest> Endpoints);

/// <summary>Services, and the EndpointSlices and Endpoints written for Services without selector.</summary>
internal static partial class ManifestReader
{
    private static readonly string[] ServiceSpecKeys =
    [
        "type", "selector", "ports", "externalTrafficPolicy", "internalTrafficPolicy", "sessionAffinity", "sessionAffinityConfig",
        "healthCheckNodePort", "loadBalancerIP", "loadBalancerClass", "loadBalancerSourceRanges", "clusterIP", "clusterIPs",
        "ipFamilies", "ipFamilyPolicy", "externalIPs", "externalName", "publishNotReadyAddresses",
        "allocateLoadBalancerNodePorts", "trafficDistribution",
    ];
    private static readonly string[] ServicePortKeys = ["name", "protocol", "port", "targetPort", "nodePort", "appProtocol"];

    private static readonly Dictionary<string, ServiceType> ServiceTypes = new(StringComparer.Ordinal)
    {
        ["ClusterIP"] = ServiceType.ClusterIP, ["NodePort"] = ServiceType.NodePort, ["LoadBalancer"] = ServiceType.LoadBalancer,
    };

    /// <summary>Every spec.type, for reading and for the message listing them (ExternalName is read apart).</summary>
    private static readonly Dictionary<string, ServiceType> ServiceTypeWords = new(ServiceTypes, StringComparer.Ordinal) { ["ExternalName"] = ServiceType.ClusterIP };

    private static readonly Dictionary<string, TrafficPolicy> Policies = new(StringComparer.Ordinal)
    {
        ["Cluster"] = TrafficPolicy.Cluster, ["Local"] = TrafficPolicy.Local,
    };

    private static readonly Dictionary<string, SessionAffinity> Affinities = new(StringComparer.Ordinal)
    {
        ["None"] = SessionAffinity.None, ["ClientIP"] = SessionAffinity.ClientIP,
    };

    private static readonly Dictionary<string, string> FamilyPolicies = new(StringComparer.Ordinal)
    {
        ["SingleStack"] = "SingleStack", ["PreferDualStack"] = "PreferDualStack", ["RequireDualStack"] = "RequireDualStack",
    };

    /// <summary>MetalLB's annotations, old (metallb.universe.tf) and new (metallb.io) prefixes.</summary>
    private static readonly string[] IpAnnotations = ["metallb.universe.tf/loadBalancerIPs", "metallb.io/loadBalancerIPs"];
    private static readonly string[] PoolAnnotations = ["metallb.universe.tf/address-pool", "metallb.io/address-pool"];

    private static ServiceManifest? ReadService(Map doc, string name, string ns, Map? metadata)
    {
        var spec = doc.Required("spec", "the Service's spec (type, selector, ports)")?.AsMap()?.Check(ServiceSpecKeys, UnknownKeys.Warn, what: "field");
        if (spec is null)
        {
            return null;
        }
        var type = ServiceType.ClusterIP;
        string? externalName = null;
        if (spec.Get("type") is { } typeNode && typeNode.Text("a Service type") is { } typeText)
        {
            if (typeText == "ExternalName")
            {
                externalName = spec.RequiredString("externalName", "the DNS name this Service aliases") ?? "";
            }
            else
            {
                type = spec.Enum("type", ServiceType.ClusterIP, ServiceTypeWords, exactCase: true);
            }
        }
        bool headless = spec.Get("clusterIP") is { } cip0 && cip0.Text("an address or None") is "None";
        if (headless && type != ServiceType.ClusterIP)
        {
            spec.Get("clusterIP")!.Value.Error($"clusterIP: None (headless) is only valid for type ClusterIP, not {type}");
        }
        CheckIpFamilies(spec, externalName is not null);
        bool external = type != ServiceType.ClusterIP;
        var selectorNode = spec.Get("selector");
        var selector = selectorNode is { } sn ? Labels(sn) : new Dictionary<string, string>();
        var ports = new List<ServicePortManifest>();
        var portNodes = spec.Get("ports")?.AsList("a list of ports") ?? [];
        if (externalName is null && !headless)
        {
            if (!spec.Has("ports"))
            {
                spec.Required("ports", "a list of ports (port, targetPort, nodePort)");
            }
            else if (portNodes.Count == 0)
            {
                spec.Get("ports")!.Value.Error("must list at least one port");
            }
        }
        foreach (var p in portNodes)
        {
            if (ReadServicePort(p, type, portNodes.Count) is not { } sp)
            {
                continue;
            }
            if (sp.Name.Length > 0 && ports.Any(o => o.Name == sp.Name))
            {
                sp.At.Error($"port name '{sp.Name}' is used twice");
            }
            else if (ports.Any(o => o.Port == sp.Port && o.Protocol == sp.Protocol))
            {
                sp.At.Error($"port {sp.Port}/{sp.Protocol} is listed twice (a Service port is unique by number and protocol)");
            }
            else if (sp.NodePort is { } np && ports.Any(o => o.NodePort == np && o.Protocol == sp.Protocol))
            {
                sp.NodePortAt!.Value.Error($"node port {np}/{sp.Protocol} is listed twice (the same node port may serve TCP and UDP, not one protocol twice)");
            }
            ports.Add(sp);
        }
        if (ports.Count > 0 && ports.All(p => p.Protocol != "TCP"))
        {
            ports[0].At.Warn($"svcsim simulates TCP; this Service has only {ports[0].Protocol} ports, and its traffic is simulated as TCP");
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
        if (doc.Get("status")?.AsMap()?.Get("loadBalancer")?.AsMap()?.Get("ingress")?.AsList() is { } ingress)
        {
            // The first IPv4 entry: a dual-stack status lists one address per family.
            foreach (var entry in ingress)
            {
                if (entry.AsMap()?.Get("ip") is { } statusIp && statusIp.Text("an address") is { } ipText && !ipText.Contains(':', StringComparison.Ordinal)
                    && statusIp.TryParse(Units.Ipv4, "an IPv4 address", out uint sip))
                {
                    status = sip;
                    break;
                }
            }
        }
        return new ServiceManifest(doc.Self, name, ns, type, selector, selectorNode ?? spec.Self, ports, policy, affinity,
            affinityTimeout, hcnp, hcnpAt, allocate, requested, requestedAt, pool, poolAt, status, externalName, headless)
        {
            InternalTrafficPolicy = spec.Enum("internalTrafficPolicy", TrafficPolicy.Cluster, Policies, exactCase: true),
            PreferClose = spec.Enum("trafficDistribution", false, Distributions, exactCase: true),
        };
    }

    // PreferClose (1.31) and its newer spellings PreferSameZone and PreferSameNode (1.34) all prefer the client's zone here.
    private static readonly Dictionary<string, bool> Distributions = new(StringComparer.Ordinal)
    {
        ["PreferClose"] = true, ["PreferSameZone"] = true, ["PreferSameNode"] = true,
    };

    /// <summary>
    /// spec.ipFamilies and ipFamilyPolicy: svcsim simulates IPv4, so a Service that would get no IPv4 address
    /// (IPv6 only, single stack) is refused at the field; a dual-stack one is simulated over IPv4.
    /// </summary>
    private static void CheckIpFamilies(Map spec, bool externalName)
    {
        string policy = spec.Enum("ipFamilyPolicy", "SingleStack", FamilyPolicies, exactCase: true);
        var families = spec.Get("ipFamilies")?.Strings("a list of IP families (IPv4, IPv6)") ?? [];
        foreach (var (f, at) in families)
        {
            if (f is not ("IPv4" or "IPv6"))
            {
                at.Error($"'{f}' is not an IP family; expected IPv4 or IPv6");
            }
        }
        if (families.Count > 2 || (families.Count == 2 && families[0].Value == families[1].Value))
        {
            spec.Get("ipFamilies")!.Value.Error("lists at most one IPv4 and one IPv6 family");
        }
        else if (families.Count == 2 && policy == "SingleStack")
        {
            spec.Get("ipFamilies")!.Value.Error("lists two families, but ipFamilyPolicy is SingleStack (the default); set PreferDualStack or RequireDualStack");
        }
        else if (!externalName && families.Count > 0 && families.All(f => f.Value == "IPv6") && policy == "SingleStack")
        {
            spec.Get("ipFamilies")!.Value.Error("asks for an IPv6-only Service; svcsim simulates IPv4: list IPv4 (ipFamilies: [IPv4], or [IPv6, IPv4] with ipFamilyPolicy: PreferDualStack)");
        }
        if (spec.Get("clusterIP") is { } cip && cip.Text("an address") is { } ip && ip.Contains(':', StringComparison.Ordinal))
        {
            cip.Error($"'{ip}' is an IPv6 cluster IP; svcsim simulates IPv4 Services");
        }
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
        string protocol = pm.Enum("protocol", "TCP", Protocols, exactCase: true);
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
        return new ServicePortManifest(pm.Self, name, protocol, port, targetNumber, targetName, targetAt, nodePort, nodePortAt);
    }

    /// <summary>The node port range, kube-apiserver's --service-node-port-range default (kubernetes-behaviour.md, "NodePort").</summary>
    public static string? NodePortRange(int port) =>
        port is >= 30000 and <= 32767 ? null : $"{port} is outside the node port range 30000-32767";

    private static (uint?, Node?, string?, Node?) RequestedAddress(Map spec, Map? metadata, ServiceType type)
    {
        uint? ip = null;
        Node? ipAt = null;
        if (spec.Get("loadBalancerIP") is { } lb && lb.Text("an address") is { } lbText)
        {
            if (lbText.Contains(':', StringComparison.Ordinal))
            {
                lb.Error($"'{lbText}' is IPv6; svcsim simulates IPv4 load-balancer addresses");
            }
            else if (lb.TryParse(Units.Ipv4, "an IPv4 address", out uint v))
            {
                (ip, ipAt) = (v, lb);
            }
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

    private static EndpointSliceManifest? ReadEndpointSlice(Map doc, string name, string ns, Map? metadata)
    {
        string? service = metadata?.Get("labels")?.AsMap()?.Get(ServiceState.ServiceNameLabel)?.Text("a Service name")?.Trim();
        string addressType = doc.RequiredString("addressType", "IPv4, IPv6 or FQDN") ?? "IPv4";
        if (addressType is not ("IPv4" or "IPv6" or "FQDN"))
        {
            doc.Get("addressType")!.Value.Error($"'{addressType}' is not an address type; expected IPv4, IPv6 or FQDN");
            return null;
        }
        if (service is null)
        {
            doc.Self.Warn($"has no {ServiceState.ServiceNameLabel} label, so it belongs to no Service (ignored)");
        }
        if (addressType != "IPv4")
        {
            doc.Get("addressType")!.Value.Warn($"{addressType} endpoints are not simulated (svcsim simulates IPv4)");
            return new EndpointSliceManifest(doc.Self, name, ns, service, []);
        }
        var endpoints = new List<EndpointManifest>();
        foreach (var e in doc.Get("endpoints")?.AsList("a list of endpoints (addresses, conditions)") ?? [])
        {
            var em = e.AsMap("an endpoint (addresses, conditions, nodeName)")?.Check(["addresses", "conditions", "hostname", "nodeName", "zone", "targetRef", "hints", "deprecatedTopology"], UnknownKeys.Warn, what: "field");
            if (em is null)
            {
                continue;
            }
            // An absent ready condition means ready (discovery/v1 EndpointConditions: "nil should be interpreted as true").
            bool ready = em.Get("conditions")?.AsMap()?.Check(["ready", "serving", "terminating"], UnknownKeys.Warn, what: "field").Bool("ready", true) ?? true;
            foreach (var (address, at) in em.Required("addresses", "a list of addresses")?.Strings("a list of IPv4 addresses") ?? [])
            {
                if (at.TryParse(Units.Ipv4, "an IPv4 address", out uint ip))
                {
                    endpoints.Add(new EndpointManifest(Units.FormatIpv4(ip), ready, at));
                }
            }
        }
        foreach (var p in doc.Get("ports")?.AsList("a list of ports") ?? [])
        {
            p.AsMap("an endpoint port (name, port, protocol)")?.Check(["name", "port", "protocol", "appProtocol"], UnknownKeys.Warn, what: "field");
        }
        return new EndpointSliceManifest(doc.Self, name, ns, service, endpoints);
    }

    /// <summary>v1 Endpoints (the legacy form): named after its Service; subsets of ready and not-ready addresses.</summary>
    private static EndpointSliceManifest? ReadEndpoints(Map doc, string name, string ns)
    {
        var endpoints = new List<EndpointManifest>();
        foreach (var s in doc.Get("subsets")?.AsList("a list of subsets (addresses, ports)") ?? [])
        {
            var sm = s.AsMap("a subset (addresses, notReadyAddresses, ports)")?.Check(["addresses", "notReadyAddresses", "ports"], UnknownKeys.Warn, what: "field");
            foreach (var (key, ready) in new[] { ("addresses", true), ("notReadyAddresses", false) })
            {
                foreach (var a in sm?.Get(key)?.AsList("a list of addresses (ip)") ?? [])
                {
                    if (a.AsMap("an address (ip, nodeName)")?.Required("ip", "the endpoint's IP") is { } ipNode && ipNode.Text("an address") is { } ipText)
                    {
                        if (ipText.Contains(':', StringComparison.Ordinal))
                        {
                            ipNode.Warn($"'{ipText}' is IPv6: not simulated (svcsim simulates IPv4)");
                        }
                        else if (ipNode.TryParse(Units.Ipv4, "an IPv4 address", out uint ip))
                        {
                            endpoints.Add(new EndpointManifest(Units.FormatIpv4(ip), ready, ipNode));
                        }
                    }
                }
            }
        }
        return new EndpointSliceManifest(doc.Self, name, ns, name, endpoints);
    }
}
