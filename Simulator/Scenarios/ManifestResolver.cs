using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Scenarios;

/// <summary>A Service after allocation, with what MetalLB would do with its address.</summary>
/// <param name="Spec">The Service as the model sees it.</param>
/// <param name="Source">Where it was written.</param>
/// <param name="Pool">The IPAddressPool its address came from; null when there are no pools.</param>
/// <param name="L2Announced">An L2Advertisement covers <paramref name="Pool"/>.</param>
/// <param name="BgpAnnounced">A BGPAdvertisement covers <paramref name="Pool"/>.</param>
internal sealed record ResolvedService(ServiceSpec Spec, ServiceManifest Source, PoolManifest? Pool, bool L2Announced, bool BgpAnnounced);

/// <summary>
/// Does what the API server and MetalLB's controller do once the manifests are applied: checks names are
/// unique, matches selectors to pods, resolves target ports, allocates node ports (the lowest free port
/// from 30000 up, Services in document order) and load-balancer addresses (the lowest free address of the
/// first pool that has one, Services in document order), and finds which advertisements announce them.
/// </summary>
internal static class ManifestResolver
{
    private const int FirstNodePort = 30000;
    private const int LastNodePort = 32767;

    public static IReadOnlyList<ResolvedService> Resolve(ManifestSet set, IReadOnlyList<NodeSpec> nodes)
    {
        CheckUnique(set.Deployments, d => d.Name, d => d.At, "Deployment");
        CheckUnique(set.Services, s => s.Name, s => s.At, "Service");
        CheckUnique(set.Pools, p => p.Name, p => p.At, "IPAddressPool");
        CheckPools(set);
        var nodePorts = AllocateNodePorts(set.Services);
        var addresses = AllocateAddresses(set, nodes);
        var result = new List<ResolvedService>();
        foreach (var svc in set.Services)
        {
            var targets = TargetPorts(svc, set.Deployments);
            var ports = svc.Ports.Select((p, i) => new ServicePortSpec(p.Name, p.Port, targets[i], nodePorts.Ports.GetValueOrDefault(p))).ToArray();
            addresses.TryGetValue(svc, out var address);
            var spec = new ServiceSpec(svc.Name, svc.Type, svc.Selector, ports, svc.ExternalTrafficPolicy, svc.SessionAffinity,
                svc.AffinityTimeoutS, nodePorts.HealthCheck.GetValueOrDefault(svc),
                address.Ip is { } ip ? Units.FormatIpv4(ip) : "");
            var pool = address.Pool;
            result.Add(new ResolvedService(spec, svc, pool,
                pool is not null && Announces(set, pool, bgp: false),
                pool is not null && Announces(set, pool, bgp: true)));
        }
        return result;
    }

    private static void CheckUnique<T>(IEnumerable<T> items, Func<T, string> name, Func<T, Node> at, string kind)
    {
        var seen = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            string n = name(item);
            if (n.Length > 0 && !seen.TryAdd(n, at(item)))
            {
                var first = seen[n];
                at(item).Error($"a {kind} named '{n}' is already defined at {first.File.Path}:{first.Yaml.Start.Line} (svcsim identifies them by name alone)");
            }
        }
    }

    private static void CheckPools(ManifestSet set)
    {
        for (int i = 0; i < set.Pools.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                var (a, b) = (set.Pools[j], set.Pools[i]);
                if (a.Ranges.Any(ra => b.Ranges.Any(rb => ra.First <= rb.Last && rb.First <= ra.Last)))
                {
                    b.At.Error($"its addresses overlap those of IPAddressPool '{a.Name}' (MetalLB rejects overlapping pools)");
                }
            }
        }
        foreach (var ad in set.Advertisements)
        {
            foreach (var (pool, at) in ad.Pools)
            {
                if (!set.Pools.Any(p => p.Name == pool))
                {
                    at.Error($"no IPAddressPool named '{pool}'{Suggest.Hint(pool, set.Pools.Select(p => p.Name))} (pools: {List(set.Pools.Select(p => p.Name))})");
                }
            }
        }
    }

    /// <summary>Target ports as numbers, checked against the containers of the Deployments the selector matches.</summary>
    private static int[] TargetPorts(ServiceManifest svc, IReadOnlyList<DeploymentManifest> deployments)
    {
        var matching = deployments.Where(d => d.Namespace == svc.Namespace && Matches(svc.Selector, d.PodLabels)).ToArray();
        var targets = new int[svc.Ports.Count];
        if (matching.Length == 0)
        {
            var elsewhere = deployments.FirstOrDefault(d => Matches(svc.Selector, d.PodLabels));
            if (elsewhere is not null)
            {
                svc.SelectorAt.Error($"selector {ManifestReader.Format(svc.Selector)} matches Deployment {elsewhere.Name} in namespace {elsewhere.Namespace}, but a Service selects pods of its own namespace ({svc.Namespace})");
            }
            else if (svc.Selector.Count > 0)
            {
                string known = List(deployments.Select(d => $"{d.Name} {ManifestReader.Format(d.PodLabels)}"));
                string hint = Suggest.Hint(ManifestReader.Format(svc.Selector), deployments.Select(d => ManifestReader.Format(d.PodLabels)));
                svc.SelectorAt.Error($"selector {ManifestReader.Format(svc.Selector)} matches no pod of any Deployment{hint} (pod labels: {known})");
            }
            return targets;
        }
        for (int i = 0; i < svc.Ports.Count; i++)
        {
            var port = svc.Ports[i];
            if (port.TargetName is { } name)
            {
                var found = matching.SelectMany(d => d.Ports).FirstOrDefault(p => p.Name == name);
                if (found is null)
                {
                    var named = matching.SelectMany(d => d.Ports).Where(p => p.Name.Length > 0).Select(p => p.Name).Distinct().ToArray();
                    port.TargetAt.Error($"no container of {List(matching.Select(d => d.Name))} has a port named '{name}'{Suggest.Hint(name, named)} (named ports: {List(named)})");
                }
                targets[i] = found?.Port ?? 0;
            }
            else if (port.TargetNumber is { } number)
            {
                var declaring = matching.Where(d => d.Ports.Count > 0).ToArray();
                if (declaring.Length > 0 && !declaring.Any(d => d.Ports.Any(p => p.Port == number)))
                {
                    port.TargetAt.Error($"no container of {List(declaring.Select(d => d.Name))} exposes port {number} (containerPorts: {List(declaring.SelectMany(d => d.Ports).Select(p => p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Distinct())})");
                }
                targets[i] = number;
            }
        }
        return targets;
    }

    public static bool Matches(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private sealed record NodePorts(Dictionary<ServicePortManifest, int> Ports, Dictionary<ServiceManifest, int> HealthCheck);

    private static NodePorts AllocateNodePorts(IReadOnlyList<ServiceManifest> services)
    {
        var result = new NodePorts(new(ReferenceEqualityComparer.Instance), new(ReferenceEqualityComparer.Instance));
        var used = new Dictionary<int, string>();
        void Claim(int port, Node at, string owner)
        {
            if (used.TryGetValue(port, out var other))
            {
                at.Error($"node port {port} is already used by {other}");
            }
            else
            {
                used[port] = owner;
            }
        }
        // Ports written in the manifests first, so that allocation never takes one of them.
        foreach (var svc in services)
        {
            foreach (var p in svc.Ports)
            {
                if (p.NodePort is { } np)
                {
                    Claim(np, p.NodePortAt!.Value, Owner(svc, p));
                    result.Ports[p] = np;
                }
            }
            if (svc.HealthCheckNodePort is { } hc)
            {
                Claim(hc, svc.HealthCheckNodePortAt!.Value, $"Service/{svc.Name} healthCheckNodePort");
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
                foreach (var p in svc.Ports.Where(p => p.NodePort is null))
                {
                    int port = Allocate(p.At);
                    used[port] = Owner(svc, p);
                    result.Ports[p] = port;
                }
            }
            if (svc.Type == ServiceType.LoadBalancer && svc.ExternalTrafficPolicy == TrafficPolicy.Local && svc.HealthCheckNodePort is null)
            {
                int port = Allocate(svc.At);
                used[port] = $"Service/{svc.Name} healthCheckNodePort";
                result.HealthCheck[svc] = port;
            }
        }
        return result;
    }

    private static string Owner(ServiceManifest svc, ServicePortManifest p) =>
        p.Name.Length > 0 ? $"Service/{svc.Name} port '{p.Name}'" : $"Service/{svc.Name}";

    private static Dictionary<ServiceManifest, (uint? Ip, PoolManifest? Pool)> AllocateAddresses(ManifestSet set, IReadOnlyList<NodeSpec> nodes)
    {
        var result = new Dictionary<ServiceManifest, (uint?, PoolManifest?)>(ReferenceEqualityComparer.Instance);
        var lbs = set.Services.Where(s => s.Type == ServiceType.LoadBalancer).ToArray();
        if (set.Pools.Count == 0)
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
                named = set.Pools.FirstOrDefault(p => p.Name == poolName);
                if (named is null)
                {
                    svc.PoolAt!.Value.Error($"no IPAddressPool named '{poolName}'{Suggest.Hint(poolName, set.Pools.Select(p => p.Name))} (pools: {List(set.Pools.Select(p => p.Name))})");
                    continue;
                }
            }
            wanted[svc] = named;
            if (svc.RequestedIp is not { } ip)
            {
                continue;
            }
            var at = svc.RequestedIpAt!.Value;
            var pool = named is not null ? (Contains(named, ip) ? named : null) : set.Pools.FirstOrDefault(p => Contains(p, ip));
            if (pool is null)
            {
                at.Error($"{Units.FormatIpv4(ip)} is in no IPAddressPool{(named is null ? "" : $" named '{named.Name}'")} (pools: {List(set.Pools.Select(Describe))})");
            }
            else if (!taken.TryAdd(ip, svc.Name))
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
            PoolManifest[] candidates = named is not null ? [named] : set.Pools.Where(p => p.AutoAssign).ToArray();
            var found = candidates.Select(p => (Pool: p, Ip: FirstFree(p, taken))).FirstOrDefault(c => c.Ip is not null);
            if (found.Ip is { } ip)
            {
                taken[ip] = svc.Name;
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

    private static bool Announces(ManifestSet set, PoolManifest pool, bool bgp) =>
        set.Advertisements.Where(a => a.Bgp == bgp).Any(a =>
            (a.Pools.Count == 0 && a.PoolSelectors.Count == 0)
            || a.Pools.Any(p => p.Pool == pool.Name)
            || a.PoolSelectors.Any(sel => Matches(sel, pool.Labels)));

    private static string Describe(PoolManifest p) =>
        $"{p.Name} {string.Join(",", p.Ranges.Select(r => r.First == r.Last ? Units.FormatIpv4(r.First) : $"{Units.FormatIpv4(r.First)}-{Units.FormatIpv4(r.Last)}"))}";

    public static string List(IEnumerable<string> items)
    {
        var all = items.ToArray();
        return all.Length == 0 ? "none" : string.Join(", ", all);
    }
}
