using Svcsim.Engine;
using Svcsim.Kinds;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access;

/// <summary>
/// MetalLB BGP: every eligible node announces the service IP to the router, which spreads new
/// connections over the announcing nodes by an ECMP hash of the flow. The router drops a node's route
/// only when its BGP session fails (hold timer, or BFD); until then it keeps hashing flows to a dead node.
/// A change of the route set rehashes flows, and established connections that move are reset.
/// </summary>
public sealed class MetalLbBgpFrontDoor : FrontDoor
{
    private readonly MetalLbBgpAccess _spec;
    private readonly Dictionary<ServiceState, RouteSet> _routes = [];
    private readonly RouteSet[] _groupRoutes; // by client group: its Service's routes, without a lookup per packet
    private readonly NodeLivenessView _sessions; // the router's view of each node's BGP session
    private readonly FlowTable<Pinned> _pinned = new(); // resetOnRehash: false: the next hop each established flow keeps

    /// <summary>Builds the front door for client groups targeting <paramref name="groupServices"/>.</summary>
    public MetalLbBgpFrontDoor(MetalLbBgpAccess spec, FrontDoorContext context)
        : base(context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        var sim = context.Sim;
        var model = context.Model;
        // Keepalives every hold/3: the hold timer runs out between 2/3 and all of the hold time after
        // the crash. With BFD, detection takes the BFD interval times the multiplier. A restarted
        // speaker re-establishes its session after a connect retry (about 5 s).
        var holdExpiry = spec.Bfd
            ? Distribution.Constant(spec.BfdDetectS).CreateSampler(sim.Streams.Get("bgp-hold"))
            : Distribution.Uniform(spec.HoldTimeS * 2 / 3, spec.HoldTimeS).CreateSampler(sim.Streams.Get("bgp-hold"));
        _sessions = new NodeLivenessView(sim, model, holdExpiry, Time.FromSeconds(5),
            node =>
            {
                Trace.Add(Sim.Now, node.Name, EventKinds.BgpSessionDown, $"router dropped the BGP session to {node.Name} ({(_spec.Bfd ? "BFD" : "hold timer")})");
                Recompute();
            },
            node =>
            {
                Trace.Add(Sim.Now, node.Name, EventKinds.BgpSessionUp, $"BGP session to {node.Name} established");
                Recompute();
            });
        foreach (var svc in GroupServices.Distinct())
        {
            var set = new RouteSet();
            _routes[svc] = set;
            SetRoutes(set, ComputeRoutes(svc));
            if (spec.Hashing == EcmpHashing.Resilient)
            {
                set.Buckets = ResilientBuckets.Fill(set.Routes, MetalLbBgpAccess.ResilientBucketCount);
            }
        }
        _groupRoutes = [.. GroupServices.Select(svc => _routes[svc])];
        model.EndpointsPublished += Recompute;
    }

    /// <summary>Bumped at every change of any route set.</summary>
    public int Epoch { get; private set; }

    /// <summary>Next hops the router uses for <paramref name="service"/> now.</summary>
    public IReadOnlyList<Node> Routes(ServiceState service) => _routes[service].Routes;

    /// <summary>The next hop the router gives a flow of <paramref name="flowHash"/> to <paramref name="service"/> now; null when it has no route.</summary>
    public Node? NextHop(ServiceState service, ulong flowHash) => NextHop(_routes[service], flowHash);

    private Node? NextHop(RouteSet set, ulong flowHash)
    {
        var routes = set.Routes;
        if (routes.Length == 0)
        {
            return null;
        }
        return set.Buckets is { } buckets
            ? buckets[(int)(flowHash % MetalLbBgpAccess.ResilientBucketCount)]
            : routes[(int)(flowHash % (ulong)routes.Length)];
    }

    /// <inheritdoc />
    public override Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Record(depth, this);
        var set = _groupRoutes[connection.Group];
        if (set.Routes.Length == 0)
        {
            return Delivery.Lose(FailureCause.NoRoute);
        }
        // The router hashes every packet of the flow afresh: after a change of the route set, modulo hashing
        // sends most established flows to another node, which has no conntrack entry for them; resilient
        // hashing moves only the buckets of the next hops that left.
        var node = NextHop(set, connection.FlowHash)!;
        if (!_spec.ResetOnRehash)
        {
            ref var pinned = ref _pinned[connection.Id];
            if (request is null || pinned.Node is null || !set.OnRoute[pinned.Node.Index])
            {
                pinned = new Pinned(node);
            }
            node = pinned.Node!;
        }
        if (!node.Up)
        {
            return Delivery.Lose(FailureCause.NodeDown); // the router still has the route: packets go nowhere
        }
        long bytes = Bytes(request);
        return Enter(connection, request, depth, node.FromFrontDoor.Send(Cluster.ClientToFrontDoor.Send(at, bytes), bytes), node);
    }

    /// <inheritdoc />
    protected override long ToClient(Node entry, long at, long bytes) => Cluster.FrontDoorToClient.Send(entry.ToFrontDoor.Send(at, bytes), bytes);

    /// <inheritdoc />
    public override void Closed(Connection connection)
    {
        base.Closed(connection);
        _pinned[connection.Id] = default;
    }

    /// <inheritdoc />
    public override bool IsAnnouncedEntry(Node node)
    {
        foreach (var r in _routes.Values)
        {
            if (Array.IndexOf(r.Routes, node) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    private void Recompute()
    {
        foreach (var (svc, set) in _routes)
        {
            var next = ComputeRoutes(svc);
            if (!next.AsSpan().SequenceEqual(set.Routes))
            {
                SetRoutes(set, next);
                if (set.Buckets is { } buckets)
                {
                    set.Buckets = ResilientBuckets.Update(buckets, next);
                }
                Epoch++;
                Trace.Add(Sim.Now, "router", EventKinds.BgpRehash, $"ECMP next hops for {svc.Spec.LoadBalancerIp}: {string.Join(", ", next.Select(n => n.Name))}");
            }
        }
    }

    private void SetRoutes(RouteSet set, Node[] routes)
    {
        set.Routes = routes;
        var on = new bool[Model.Cluster.Nodes.Count];
        foreach (var n in routes)
        {
            on[n.Index] = true;
        }
        set.OnRoute = on;
    }

    private Node[] ComputeRoutes(ServiceState svc)
    {
        bool local = Eligibility.LocalPolicy(svc);
        if (svc.ReadyEndpoints.Count == 0)
        {
            return []; // no ready endpoint anywhere: every speaker withdraws the route (bgp_controller.go ShouldAnnounce)
        }
        // The router keeps a route while the session is up, even to a node that has died. With maxPaths it
        // installs at most that many of the equal paths: those of the lowest peer addresses (BGP's last
        // tie-break), taken here as the first nodes in cluster order; the others carry nothing.
        var routes = Model.Cluster.Nodes
            .Where(n => _sessions.IsAlive(n) && !n.Spec.ExcludeFromExternalLoadBalancers && (!local || svc.HasReadyEndpointOn(n)));
        return (_spec.MaxPaths > 0 ? routes.Take(_spec.MaxPaths) : routes).ToArray();
    }

    private record struct Pinned(Node? Node);

    /// <summary>The router's next hops for one Service's address.</summary>
    private sealed class RouteSet
    {
        public Node[] Routes = [];
        public Node[]? Buckets; // resilient hashing: the next hop of each bucket
        public bool[] OnRoute = []; // per node index: whether it is a next hop now
    }
}

/// <summary>MetalLB in BGP mode: every eligible node announces; the router spreads connections by ECMP hash.</summary>
/// <param name="Name">Variant name.</param>
/// <param name="HoldTimeS">BGP hold time, 90 s (keepalive 30 s).</param>
/// <param name="Bfd">BFD enabled: failure detected in about <paramref name="BfdDetectS"/>.</param>
/// <param name="BfdDetectS">BFD detection time, 300 ms × 3.</param>
/// <param name="Hashing">How the router maps a flow's hash to a next hop: modulo the number of next hops, or resilient buckets.</param>
/// <param name="ResetOnRehash">The router hashes every packet afresh, so a change of the node set moves established flows (and the
/// node they reach resets them); false: the router keeps each established flow on its next hop while that hop stays announced.</param>
/// <param name="MaxPaths">The router's ECMP limit (BGP maximum-paths): at most this many announcing nodes carry traffic; 0: no limit.</param>
public sealed record MetalLbBgpAccess(
    string Name,
    double HoldTimeS = 90,
    bool Bfd = false,
    double BfdDetectS = 0.9,
    bool ResetOnRehash = true,
    EcmpHashing Hashing = EcmpHashing.Modulo,
    int MaxPaths = 0) : AccessSpec(Name)
{
    /// <summary>Buckets of a resilient next-hop group: Linux's default for <c>ip nexthop ... type resilient</c> (128).</summary>
    public const int ResilientBucketCount = 128;

    /// <inheritdoc />
    public override FrontDoorKind Kind => MetalLbBgpKind.Instance;
}

/// <summary><c>kind: metallb-bgp</c>.</summary>
public sealed class MetalLbBgpKind : FrontDoorKind
{
    private static readonly Dictionary<string, EcmpHashing> Hashings = new(StringComparer.Ordinal)
    {
        ["modulo"] = EcmpHashing.Modulo, ["resilient"] = EcmpHashing.Resilient,
    };

    private MetalLbBgpKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static MetalLbBgpKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "metallb-bgp";

    /// <inheritdoc />
    public override string Summary => "every eligible node announces; the router spreads connections by ECMP hash. Needs a LoadBalancer Service whose pool a BGPAdvertisement announces, and a BGPPeer.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("holdTime", "duration > 0", "`90s`", "BGP hold time (keepalive 30 s)."),
        new("bfd", "true/false", "`false`", ""),
        new("bfdDetect", "duration > 0", "`0.9s`", "BFD 300 ms × 3 (MetalLB BFDProfile defaults)."),
        new("resetOnRehash", "true/false", "`true`", "The router hashes every packet afresh: a change of the node set moves most established flows, and the node they reach has no conntrack entry for them and resets them (metallb.universe.tf/concepts/bgp). `false`: the router keeps an established flow on its next hop while that hop stays announced."),
        new("hashing", "`modulo`, `resilient`", "`modulo`", "`modulo`: hash mod the number of next hops, so a change of the node set moves most flows (1 - 1/n of them when one of n leaves). `resilient`: a resilient next-hop group of 128 buckets (Linux `ip nexthop ... type resilient`, RFC 2992's concern): when a next hop leaves only its buckets move; when one joins it takes an equal share of buckets from the others at once."),
        new("maxPaths", "integer >= 0", "`0` (no limit)", "The router's BGP maximum-paths: only that many announcing nodes (the lowest addresses, BGP's last tie-break; here the first in node order) get traffic. Routers differ: Cisco IOS 1 for BGP until configured, Aruba CX 4, Juniper cRPD 16 ECMP next hops; set your router's."),
    ];

    /// <inheritdoc />
    public override AccessSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var d = new MetalLbBgpAccess(Name);
        return new MetalLbBgpAccess(settings.String("name", d.Name), settings.Duration("holdTime", d.HoldTimeS, positive: true),
            settings.Bool("bfd", d.Bfd), settings.Duration("bfdDetect", d.BfdDetectS, positive: true), settings.Bool("resetOnRehash", d.ResetOnRehash),
            settings.Choice("hashing", d.Hashing, Hashings), settings.Int("maxPaths", d.MaxPaths, 0));
    }

    /// <inheritdoc />
    public override void Check(AccessSpec spec, VariantCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        foreach (var (_, s) in check.LoadBalancerServices())
        {
            if (s.Pool is null)
            {
                check.Error($"{Name} needs an address for Service {s.Name} from a MetalLB IPAddressPool, and the manifests define none");
            }
            else if (!s.BgpAnnounced)
            {
                check.Error($"no BGPAdvertisement announces IPAddressPool '{s.Pool}', which gives Service {s.Name} its address {s.LoadBalancerIp}; MetalLB in BGP mode would never announce it");
            }
            else if (check.BgpPeers == 0)
            {
                check.Error("MetalLB in BGP mode needs a BGPPeer (metallb.io/v1beta2) for the router, and the manifests define none");
            }
        }
    }

    /// <inheritdoc />
    public override FrontDoor Create(AccessSpec spec, FrontDoorContext context) => new MetalLbBgpFrontDoor((MetalLbBgpAccess)spec, context);
}

/// <summary>How a router maps a flow's hash to one of its ECMP next hops.</summary>
public enum EcmpHashing
{
    /// <summary>Hash modulo the number of next hops: a change of the set moves most flows.</summary>
    Modulo,
    /// <summary>A resilient next-hop group: a table of buckets, of which only the changed next hops' share moves.</summary>
    Resilient,
}

/// <summary>
/// The buckets of a resilient next-hop group (Linux nexthop groups of type resilient): each bucket names a next
/// hop; a flow's hash picks a bucket. When next hops leave, only their buckets are given to the others (to those
/// with fewest first); when one joins, it takes buckets from those with most until the shares are even.
/// </summary>
public static class ResilientBuckets
{
    /// <summary>A group of <paramref name="count"/> buckets over <paramref name="hops"/>, in turn; all null when there is none.</summary>
    public static Node[] Fill(IReadOnlyList<Node> hops, int count)
    {
        ArgumentNullException.ThrowIfNull(hops);
        var buckets = new Node[count];
        for (int i = 0; i < count && hops.Count > 0; i++)
        {
            buckets[i] = hops[i % hops.Count];
        }
        return buckets;
    }

    /// <summary>The group after its next hops became <paramref name="hops"/>: buckets of hops that stay keep them where shares allow.</summary>
    public static Node[] Update(Node[] buckets, IReadOnlyList<Node> hops)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        ArgumentNullException.ThrowIfNull(hops);
        if (hops.Count == 0)
        {
            return new Node[buckets.Length];
        }
        var next = (Node[])buckets.Clone();
        var count = hops.ToDictionary(h => h, _ => 0);
        var orphans = new List<int>();
        for (int i = 0; i < next.Length; i++)
        {
            if (next[i] is { } n && count.ContainsKey(n))
            {
                count[n]++;
            }
            else
            {
                orphans.Add(i);
            }
        }
        // A joining next hop takes buckets from the fullest until no share exceeds the even one by more than one.
        int ceiling = (next.Length + hops.Count - 1) / hops.Count;
        for (int i = 0; i < next.Length; i++)
        {
            if (next[i] is { } n && count.TryGetValue(n, out int c) && c > ceiling)
            {
                count[n] = c - 1;
                orphans.Add(i);
            }
        }
        foreach (int i in orphans)
        {
            var least = hops[0];
            foreach (var h in hops)
            {
                if (count[h] < count[least])
                {
                    least = h;
                }
            }
            next[i] = least;
            count[least]++;
        }
        return next;
    }
}
