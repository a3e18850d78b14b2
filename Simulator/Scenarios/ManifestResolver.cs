using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Scenarios;

/// <summary>Why a Service has no endpoint to simulate, said where it is written; an error only if clients use the Service.</summary>
internal sealed record ServiceProblem(Node At, string Message);

/// <summary>A Service after allocation, with what MetalLB would do with its address.</summary>
/// <param name="Spec">The Service as the model sees it.</param>
/// <param name="Source">Where it was written.</param>
/// <param name="Pool">The IPAddressPool its address came from; null when there are no pools.</param>
/// <param name="L2Announced">An L2Advertisement covers <paramref name="Pool"/>.</param>
/// <param name="BgpAnnounced">A BGPAdvertisement covers <paramref name="Pool"/>.</param>
/// <param name="Problem">Why no pod would be its endpoint (Kubernetes accepts it; clients using it would get nothing); null when some would.</param>
/// <param name="NotSimulated">Why clients cannot use it at all (ExternalName, headless); null for a Service svcsim simulates.</param>
internal sealed record ResolvedService(ServiceSpec Spec, ServiceManifest Source, PoolManifest? Pool, bool L2Announced, bool BgpAnnounced,
    ServiceProblem? Problem = null, string? NotSimulated = null);

/// <summary>What the manifests make, as the cluster would: pod sources, Services, MetalLB's view.</summary>
internal sealed record ResolvedManifests(IReadOnlyList<PodSourceManifest> Workloads, IReadOnlyList<SliceSource> Slices,
    IReadOnlyList<ResolvedService> Services, int BgpPeers, string MetalLbNamespace);

/// <summary>The endpoints of a hand-written EndpointSlice that svcsim simulates: those at node IPs.</summary>
internal sealed record SliceSource(EndpointSliceManifest Slice, string ServiceName, IReadOnlyList<(string Node, bool Ready)> Endpoints)
{
    /// <summary><c>name</c> in the default namespace, <c>namespace/name</c> elsewhere.</summary>
    public string Key => Slice.Namespace == "default" ? Slice.Name : $"{Slice.Namespace}/{Slice.Name}";
}

/// <summary>
/// Does what the API server, the controllers and MetalLB do once the manifests are applied: matches Service
/// selectors to pods of their own namespace, resolves target ports, allocates node ports (the lowest free port
/// from 30000 up, Services in document order; ports of one Service with the same number share one, as TCP and
/// UDP may) and load-balancer addresses (the lowest free address of the first pool that has one, Services in
/// document order) from the IPAddressPools of MetalLB's own namespace, and finds which advertisements announce them.
/// </summary>
internal static class ManifestResolver
{
    private const int FirstNodePort = 30000;
    private const int LastNodePort = 32767;

    public static ResolvedManifests Resolve(ManifestSet set, IReadOnlyList<NodeSpec> nodes)
    {
        CheckPodNames(set.Workloads);
        string metallb = MetalLbNamespace(set);
        var pools = InNamespace(set.Pools, metallb, p => p.Namespace, p => p.At, "IPAddressPool");
        var ads = InNamespace(set.Advertisements, metallb, a => a.Namespace, a => a.At, a => a.Bgp ? "BGPAdvertisement" : "L2Advertisement");
        var peers = InNamespace(set.Peers, metallb, p => p.Namespace, p => p.At, "BGPPeer");
        CheckPools(pools, ads);
        var simulated = set.Services.Where(s => s.ExternalName is null).ToList();
        var nodePorts = AllocateNodePorts(simulated);
        var addresses = AllocateAddresses(simulated, pools, nodes);
        var slices = SliceSources(set, nodes);
        var result = new List<ResolvedService>();
        foreach (var svc in set.Services)
        {
            if (svc.ExternalName is { } alias)
            {
                var bare = new ServiceSpec(svc.Name, ServiceType.ClusterIP, svc.Selector, [], Namespace: svc.Namespace);
                result.Add(new ResolvedService(bare, svc, null, false, false, null,
                    $"is an ExternalName Service: clients resolve it by DNS to {alias}, outside what svcsim simulates"));
                continue;
            }
            var (targets, problem) = TargetPorts(svc, set.Workloads, slices);
            var ports = svc.Ports.Select((p, i) => new ServicePortSpec(p.Name, p.Port, targets[i], nodePorts.Ports.GetValueOrDefault(p), p.Protocol, p.TargetName ?? "")).ToArray();
            addresses.TryGetValue(svc, out var address);
            var spec = new ServiceSpec(svc.Name, svc.Type, svc.Selector, ports, svc.ExternalTrafficPolicy, svc.SessionAffinity,
                svc.AffinityTimeoutS, nodePorts.HealthCheck.GetValueOrDefault(svc),
                address.Ip is { } ip ? Units.FormatIpv4(ip) : "", svc.Namespace, svc.InternalTrafficPolicy, svc.PreferClose);
            var pool = address.Pool;
            result.Add(new ResolvedService(spec, svc, pool,
                pool is not null && Announces(ads, pool, bgp: false),
                pool is not null && Announces(ads, pool, bgp: true),
                problem,
                svc.Headless ? "is headless (clusterIP: None): clients reach its pods through DNS, without kube-proxy; point them at a ClusterIP, NodePort or LoadBalancer Service" : null));
        }
        return new ResolvedManifests(set.Workloads, slices, result, peers.Count, metallb);
    }

    /// <summary>Pods are named after their workload: two workloads of one name in one namespace would give pods one name.</summary>
    private static void CheckPodNames(IReadOnlyList<PodSourceManifest> workloads)
    {
        var seen = new Dictionary<string, PodSourceManifest>(StringComparer.Ordinal);
        foreach (var w in workloads)
        {
            if (!seen.TryAdd(w.Key, w))
            {
                var first = seen[w.Key];
                w.At.Error($"a {first.Kind} named '{w.Name}' in namespace {w.Namespace} is defined at {first.At.File.Path}:{first.At.Yaml.Start.Line}; svcsim names pods and pod settings after their workload, so give one of them another name");
            }
        }
    }

    /// <summary>
    /// The namespace MetalLB runs in, whose custom resources it reads: that of its controller Deployment when the
    /// manifests install MetalLB, else metallb-system when any MetalLB object is there, else the one namespace all
    /// MetalLB objects share, else metallb-system (the namespace of MetalLB's install manifests and Helm chart).
    /// </summary>
    private static string MetalLbNamespace(ManifestSet set)
    {
        var controller = set.Workloads.FirstOrDefault(w => w.Kind == PodSourceKind.Deployment
            && (w.PodLabels.GetValueOrDefault("app") == "metallb" || w.PodLabels.GetValueOrDefault("app.kubernetes.io/name") == "metallb")
            && (w.PodLabels.GetValueOrDefault("component") == "controller" || w.PodLabels.GetValueOrDefault("app.kubernetes.io/component") == "controller"));
        if (controller is not null)
        {
            return controller.Namespace;
        }
        var namespaces = set.Pools.Select(p => p.Namespace).Concat(set.Advertisements.Select(a => a.Namespace)).Concat(set.Peers.Select(p => p.Namespace)).Distinct().ToArray();
        return namespaces.Length == 1 ? namespaces[0] : "metallb-system";
    }

    private static List<T> InNamespace<T>(IEnumerable<T> items, string ns, Func<T, string> of, Func<T, Node> at, Func<T, string> kind)
    {
        var kept = new List<T>();
        foreach (var item in items)
        {
            if (of(item) == ns)
            {
                kept.Add(item);
            }
            else
            {
                at(item).Warn($"MetalLB reads its {kind(item)} objects in its own namespace ({ns}); this one in namespace {of(item)} is ignored");
            }
        }
        return kept;
    }

    private static List<T> InNamespace<T>(IEnumerable<T> items, string ns, Func<T, string> of, Func<T, Node> at, string kind) =>
        InNamespace(items, ns, of, at, _ => kind);

    private static void CheckPools(List<PoolManifest> pools, List<AdvertisementManifest> ads)
    {
        for (int i = 0; i < pools.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                var (a, b) = (pools[j], pools[i]);
                if (a.Ranges.Any(ra => b.Ranges.Any(rb => ra.First <= rb.Last && rb.First <= ra.Last)))
                {
                    b.At.Error($"its addresses overlap those of IPAddressPool '{a.Name}' (MetalLB rejects overlapping pools)");
                }
            }
        }
        foreach (var ad in ads)
        {
            foreach (var (pool, at) in ad.Pools)
            {
                if (!pools.Any(p => p.Name == pool))
                {
                    at.Error($"no IPAddressPool named '{pool}'{Suggest.Hint(pool, pools.Select(p => p.Name))} (pools: {List(pools.Select(p => p.Name))})");
                }
            }
        }
    }

    /// <summary>The endpoints of hand-written EndpointSlices and Endpoints that point at node IPs: servers on those nodes.</summary>
    private static List<SliceSource> SliceSources(ManifestSet set, IReadOnlyList<NodeSpec> nodes)
    {
        var result = new List<SliceSource>();
        foreach (var slice in set.EndpointSlices)
        {
            if (slice.ServiceName is not { } svcName)
            {
                continue;
            }
            var svc = set.Services.FirstOrDefault(s => s.Name == svcName && s.Namespace == slice.Namespace);
            if (svc is null)
            {
                slice.At.Warn($"its Service {svcName} is not in the manifests (namespace {slice.Namespace}): ignored");
                continue;
            }
            if (svc.Selector.Count > 0)
            {
                slice.At.Warn($"Service {svc.Key} has a selector, so the EndpointSlice controller keeps its endpoints; this hand-written one is ignored");
                continue;
            }
            var endpoints = new List<(string, bool)>();
            foreach (var e in slice.Endpoints)
            {
                if (nodes.FirstOrDefault(n => n.Ip == e.Address) is { } node)
                {
                    if (!endpoints.Any(x => x.Item1 == node.Name))
                    {
                        endpoints.Add((node.Name, e.Ready));
                    }
                }
                else
                {
                    e.At.Warn($"{e.Address} is no node's address: an endpoint outside the cluster is not simulated");
                }
            }
            if (endpoints.Count > 0)
            {
                result.Add(new SliceSource(slice, svcName, endpoints));
            }
        }
        return result;
    }

    /// <summary>Target ports as numbers; a named one is resolved against the containers of the pods the selector matches.</summary>
    private static (int[] Targets, ServiceProblem? Problem) TargetPorts(ServiceManifest svc, IReadOnlyList<PodSourceManifest> workloads, List<SliceSource> slices)
    {
        var targets = new int[svc.Ports.Count];
        for (int i = 0; i < svc.Ports.Count; i++)
        {
            targets[i] = svc.Ports[i].TargetNumber ?? 0;
        }
        if (svc.Selector.Count == 0)
        {
            bool any = slices.Any(s => s.ServiceName == svc.Name && s.Slice.Namespace == svc.Namespace);
            return (targets, any ? null : new ServiceProblem(svc.At,
                $"has no selector, and no EndpointSlice (labelled {ServiceState.ServiceNameLabel}: {svc.Name}) gives it an endpoint at a node's address"));
        }
        var matching = workloads.Where(d => d.Namespace == svc.Namespace && ServiceSelects(svc.Selector, d.PodLabels)).ToArray();
        if (matching.Length == 0)
        {
            var elsewhere = workloads.FirstOrDefault(d => ServiceSelects(svc.Selector, d.PodLabels));
            if (elsewhere is not null)
            {
                return (targets, new ServiceProblem(svc.SelectorAt, $"selector {ManifestReader.Format(svc.Selector)} matches {elsewhere.Kind} {elsewhere.Name} in namespace {elsewhere.Namespace}, but a Service selects pods of its own namespace ({svc.Namespace})"));
            }
            string known = List(workloads.Select(d => $"{d.Name} {ManifestReader.Format(d.PodLabels)}"));
            string hint = Suggest.Hint(ManifestReader.Format(svc.Selector), workloads.Select(d => ManifestReader.Format(d.PodLabels)));
            return (targets, new ServiceProblem(svc.SelectorAt, $"selector {ManifestReader.Format(svc.Selector)} matches no pod of any workload{hint} (pod labels: {known})"));
        }
        ServiceProblem? problem = null;
        for (int i = 0; i < svc.Ports.Count; i++)
        {
            var port = svc.Ports[i];
            if (port.TargetName is not { } name)
            {
                continue;
            }
            var having = matching.Where(d => d.Ports.Any(p => p.Name == name)).ToArray();
            if (having.Length == 0)
            {
                var named = matching.SelectMany(d => d.Ports).Where(p => p.Name.Length > 0).Select(p => p.Name).Distinct().ToArray();
                problem ??= new ServiceProblem(port.TargetAt, $"no container of {List(matching.Select(d => d.Name))} has a port named '{name}'{Suggest.Hint(name, named)} (named ports: {List(named)}); Kubernetes gives the Service no endpoint for such pods");
                continue;
            }
            targets[i] = having[0].Ports.First(p => p.Name == name).Port;
            foreach (var w in matching.Except(having))
            {
                port.TargetAt.Warn($"pods of {w.Kind} {w.Name} have no container port named '{name}': Kubernetes does not make them endpoints of this port");
            }
        }
        return (targets, problem);
    }

    /// <summary>A Service selector (a plain label map) against pod labels.</summary>
    public static bool ServiceSelects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private sealed record NodePorts(Dictionary<ServicePortManifest, int> Ports, Dictionary<ServiceManifest, int> HealthCheck);

    private static NodePorts AllocateNodePorts(IReadOnlyList<ServiceManifest> services)
    {
        var result = new NodePorts(new(ReferenceEqualityComparer.Instance), new(ReferenceEqualityComparer.Instance));
        var used = new Dictionary<int, (string Owner, ServiceManifest Service)>();
        void Claim(int port, Node at, string owner, ServiceManifest svc)
        {
            if (used.TryGetValue(port, out var other) && !ReferenceEquals(other.Service, svc))
            {
                at.Error($"node port {port} is already used by {other.Owner}");
            }
            else
            {
                used.TryAdd(port, (owner, svc));
            }
        }
        // Ports written in the manifests first, so that allocation never takes one of them.
        foreach (var svc in services)
        {
            foreach (var p in svc.Ports)
            {
                if (p.NodePort is { } np)
                {
                    Claim(np, p.NodePortAt!.Value, Owner(svc, p), svc);
                    result.Ports[p] = np;
                }
            }
            if (svc.HealthCheckNodePort is { } hc)
            {
                Claim(hc, svc.HealthCheckNodePortAt!.Value, $"{svc.Shown} healthCheckNodePort", svc);
                result.HealthCheck[svc] = hc;
            }
        }
        int next = FirstNodePort;
        int Allocate(Node at)
        {
            while (next <= LastNodePort && used.ContainsKey(next))
            {
                next++;
            }
            if (next > LastNodePort)
            {
                at.Error("no free node port left in 30000-32767");
                return 0;
            }
            return next++;
        }
        foreach (var svc in services)
        {
            if (svc.Type == ServiceType.ClusterIP)
            {
                continue;
            }
            if (svc.AllocateNodePorts)
            {
                // Ports with the same number (TCP and UDP of one port) share a node port, the one written if any
                // (kube-apiserver initNodePorts / findRequestedNodePort).
                var byNumber = new Dictionary<int, int>();
                foreach (var p in svc.Ports)
                {
                    if (p.NodePort is { } written)
                    {
                        byNumber.TryAdd(p.Port, written);
                    }
                }
                foreach (var p in svc.Ports.Where(p => p.NodePort is null))
                {
                    if (!byNumber.TryGetValue(p.Port, out int port))
                    {
                        port = Allocate(p.At);
                        used[port] = (Owner(svc, p), svc);
                        byNumber[p.Port] = port;
                    }
                    result.Ports[p] = port;
                }
            }
            if (svc.Type == ServiceType.LoadBalancer && svc.ExternalTrafficPolicy == TrafficPolicy.Local && svc.HealthCheckNodePort is null)
            {
                int port = Allocate(svc.At);
                used[port] = ($"{svc.Shown} healthCheckNodePort", svc);
                result.HealthCheck[svc] = port;
            }
        }
        return result;
    }

    private static string Owner(ServiceManifest svc, ServicePortManifest p) =>
        p.Name.Length > 0 ? $"{svc.Shown} port '{p.Name}'" : svc.Shown;

    private static Dictionary<ServiceManifest, (uint? Ip, PoolManifest? Pool)> AllocateAddresses(List<ServiceManifest> services, List<PoolManifest> pools, IReadOnlyList<NodeSpec> nodes)
    {
        var result = new Dictionary<ServiceManifest, (uint?, PoolManifest?)>(ReferenceEqualityComparer.Instance);
        var lbs = services.Where(s => s.Type == ServiceType.LoadBalancer).ToArray();
        if (pools.Count == 0)
        {
            // No MetalLB pool: an address only when the manifest states one (requested or in status), as a cloud provider would give.
            foreach (var svc in lbs)
            {
                if (svc.PoolAt is { } pa)
                {
                    pa.Error($"names IPAddressPool '{svc.Pool}' but the manifests define no IPAddressPool");
                }
                result[svc] = (svc.RequestedIp ?? svc.StatusIp, null);
            }
            return result;
        }
        var taken = new Dictionary<uint, string>();
        var wanted = new Dictionary<ServiceManifest, PoolManifest?>(ReferenceEqualityComparer.Instance);
        foreach (var svc in lbs)
        {
            PoolManifest? named = null;
            if (svc.Pool is { } poolName)
            {
                named = pools.FirstOrDefault(p => p.Name == poolName);
                if (named is null)
                {
                    svc.PoolAt!.Value.Error($"no IPAddressPool named '{poolName}'{Suggest.Hint(poolName, pools.Select(p => p.Name))} (pools: {List(pools.Select(p => p.Name))})");
                    continue;
                }
            }
            wanted[svc] = named;
            if (svc.RequestedIp is not { } ip)
            {
                continue;
            }
            var at = svc.RequestedIpAt!.Value;
            var pool = named is not null ? (Contains(named, ip) ? named : null) : pools.FirstOrDefault(p => Contains(p, ip));
            if (pool is null)
            {
                at.Error($"{Units.FormatIpv4(ip)} is in no IPAddressPool{(named is null ? "" : $" named '{named.Name}'")} (pools: {List(pools.Select(Describe))})");
            }
            else if (!taken.TryAdd(ip, svc.Key))
            {
                at.Error($"{Units.FormatIpv4(ip)} is already the address of Service/{taken[ip]} (shared addresses are not simulated)");
            }
            else
            {
                result[svc] = (ip, pool);
            }
        }
        foreach (var svc in lbs)
        {
            if (svc.RequestedIp is not null || !wanted.TryGetValue(svc, out var named))
            {
                continue;
            }
            PoolManifest[] candidates = named is not null ? [named] : pools.Where(p => p.AutoAssign).ToArray();
            var found = candidates.Select(p => (Pool: p, Ip: FirstFree(p, taken))).FirstOrDefault(c => c.Ip is not null);
            if (found.Ip is { } ip)
            {
                taken[ip] = svc.Key;
                result[svc] = (ip, found.Pool);
            }
            else
            {
                svc.At.Error(candidates.Length == 0
                    ? "no IPAddressPool has autoAssign: true; name one with the metallb.universe.tf/address-pool annotation or request an address"
                    : $"no free address left in {List(candidates.Select(Describe))}");
            }
        }
        foreach (var (svc, (ip, pool)) in result)
        {
            if (ip is { } a && nodes.FirstOrDefault(n => Units.Ipv4(n.Ip) is { Ok: true } nip && nip.Value == a) is { } node)
            {
                (svc.RequestedIpAt ?? svc.At).Error($"its load-balancer address {Units.FormatIpv4(a)}{(pool is null ? "" : $" (from IPAddressPool '{pool.Name}')")} is node {node.Name}'s IP");
            }
        }
        return result;
    }

    private static uint? FirstFree(PoolManifest pool, Dictionary<uint, string> taken)
    {
        foreach (var (first, last) in pool.Ranges)
        {
            for (ulong a = first; a <= last; a++)
            {
                uint ip = (uint)a;
                bool buggy = pool.AvoidBuggyIps && (ip & 255) is 0 or 255;
                if (!buggy && !taken.ContainsKey(ip))
                {
                    return ip;
                }
            }
        }
        return null;
    }

    private static bool Contains(PoolManifest pool, uint ip) => pool.Ranges.Any(r => r.First <= ip && ip <= r.Last);

    private static bool Announces(List<AdvertisementManifest> ads, PoolManifest pool, bool bgp) =>
        ads.Where(a => a.Bgp == bgp).Any(a =>
            (a.Pools.Count == 0 && a.PoolSelectors.Count == 0)
            || a.Pools.Any(p => p.Pool == pool.Name)
            || a.PoolSelectors.Any(sel => ServiceSelects(sel, pool.Labels)));

    private static string Describe(PoolManifest p) =>
        $"{p.Name} {string.Join(",", p.Ranges.Select(r => r.First == r.Last ? Units.FormatIpv4(r.First) : $"{Units.FormatIpv4(r.First)}-{Units.FormatIpv4(r.Last)}"))}";

    public static string List(IEnumerable<string> items)
    {
        var all = items.ToArray();
        return all.Length == 0 ? "none" : string.Join(", ", all);
    }
}
