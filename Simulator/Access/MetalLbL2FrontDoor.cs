using Svcsim.Engine;
using Svcsim.Kinds;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access;

/// <summary>
/// MetalLB layer 2: for each service IP one leader node answers ARP, chosen by every speaker from the
/// same hash ordering; all of that IP's traffic enters through the leader. When the leader dies, the other
/// speakers notice through memberlist, the next node in the ordering sends gratuitous ARP, and clients
/// follow once their ARP cache takes the new entry.
/// </summary>
public sealed class MetalLbL2FrontDoor : FrontDoor
{
    private readonly MetalLbL2Access _spec;
    private readonly Dictionary<ServiceState, Election> _state = [];
    private readonly Election[] _groupState; // by client group: its Service's election, without a lookup per frame
    private readonly NodeLivenessView _members; // memberlist's view of each speaker

    /// <summary>Builds the front door for client groups targeting <paramref name="groupServices"/>.</summary>
    public MetalLbL2FrontDoor(MetalLbL2Access spec, FrontDoorContext context)
        : base(context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        var sim = context.Sim;
        var model = context.Model;
        // memberlist: a dead member is found by the first member to probe it, suspected, and declared dead
        // when the suspicion timer, shortened by other members' confirmations, runs out (MemberlistDetection).
        // A restarted speaker joins within about a probe interval.
        var detect = new MemberlistDetection(() => model.Cluster.Nodes.Count(n => n.Up) + 1, spec, sim.Streams.Get("memberlist"));
        _members = new NodeLivenessView(sim, model, detect, Time.FromSeconds(spec.ProbeIntervalS),
            node =>
            {
                Trace.Add(Sim.Now, node.Name, EventKinds.MemberlistDead, $"MetalLB speakers declared {node.Name} dead");
                ElectAll();
            },
            node =>
            {
                Trace.Add(Sim.Now, node.Name, EventKinds.MemberlistJoin, $"MetalLB speaker on {node.Name} joined");
                ElectAll();
            });
        foreach (var svc in GroupServices.Distinct())
        {
            var order = MetalLbOrdering.Order(model.Cluster.Nodes.Select(n => n.Name), svc.Spec.LoadBalancerIp)
                .Select(model.Cluster.ByName).ToList();
            _state[svc] = new Election(order);
            Elect(svc, initial: true);
        }
        _groupState = [.. GroupServices.Select(svc => _state[svc])];
        model.EndpointsPublished += ElectAll; // Local policy: candidates change with local endpoints
    }

    /// <summary>The node announcing the IP of <paramref name="service"/> now.</summary>
    public Node? Leader(ServiceState service) => _state[service].Announced;

    /// <inheritdoc />
    public override bool ClientsResolveNodes => true;

    /// <inheritdoc />
    public override string? NeighbourAddress(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return GroupServices[connection.Group].Spec.LoadBalancerIp;
    }

    /// <inheritdoc />
    public override Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Record(depth, this);
        // Every frame goes to the node the client's ARP entry names; after a failover an established
        // connection's next packet reaches the new leader, which has no conntrack entry for it.
        var node = _groupState[connection.Group].ClientsSee;
        if (node is null)
        {
            return Delivery.Lose(FailureCause.NoRoute);
        }
        if (!node.Up)
        {
            return Delivery.Lose(FailureCause.NodeDown);
        }
        return Enter(connection, request, depth, node.FromClient.Send(at, Bytes(request)), node);
    }

    /// <inheritdoc />
    protected override long ToClient(Node entry, long at, long bytes) => entry.ToClient.Send(at, bytes);

    /// <inheritdoc />
    public override bool IsAnnouncedEntry(Node node)
    {
        foreach (var s in _state.Values)
        {
            if (s.Announced == node)
            {
                return true;
            }
        }
        return false;
    }

    private void ElectAll()
    {
        foreach (var svc in _state.Keys)
        {
            Elect(svc, initial: false);
        }
    }

    private void Elect(ServiceState svc, bool initial)
    {
        var st = _state[svc];
        bool local = Eligibility.LocalPolicy(svc);
        Node? leader = null;
        // With no ready endpoint anywhere no speaker is owner: nobody answers ARP for the address
        // (layer2_controller.go ShouldAnnounce: "notOwner" without an active endpoint).
        foreach (var n in svc.ReadyEndpoints.Count > 0 ? st.Order : [])
        {
            // Speakers judge liveness by memberlist, not by the truth.
            if (_members.IsAlive(n) && !n.Spec.ExcludeFromExternalLoadBalancers && (!local || svc.HasReadyEndpointOn(n)))
            {
                leader = n;
                break;
            }
        }
        if (leader == st.Announced && !initial)
        {
            return;
        }
        var was = st.Announced;
        st.Announced = leader;
        if (initial)
        {
            st.ClientsSee = leader;
            return;
        }
        Trace.Add(Sim.Now, leader?.Name ?? "-", EventKinds.MetalLbL2Leader,
            $"MetalLB L2 leader for {svc.Spec.LoadBalancerIp} moved from {was?.Name ?? "none"} to {leader?.Name ?? "none"}; gratuitous ARP sent");
        Sim.Schedule(Time.FromSeconds(_spec.ArpCacheS), () =>
        {
            if (st.Announced == leader)
            {
                st.ClientsSee = leader;
            }
        });
    }

    /// <summary>One Service address's L2 ownership: the speakers' order, who announces it, and whom the clients' ARP caches name.</summary>
    private sealed class Election(IReadOnlyList<Node> order)
    {
        public IReadOnlyList<Node> Order { get; } = order;

        public Node? Announced { get; set; }

        public Node? ClientsSee { get; set; }
    }
}

/// <summary>MetalLB in layer-2 mode: one leader node answers ARP for the service IP.</summary>
/// <param name="Name">Variant name.</param>
/// <param name="ProbeIntervalS">memberlist probe interval, 1 s.</param>
/// <param name="ProbeTimeoutS">memberlist probe timeout, 0.5 s.</param>
/// <param name="SuspicionMult">memberlist SuspicionMult (LAN default 4): the shortest suspicion is this x max(1, log10(n)) probe intervals.</param>
/// <param name="SuspicionMaxTimeoutMult">memberlist SuspicionMaxTimeoutMult (default 6): the suspicion starts at this x the shortest and shrinks with confirmations.</param>
/// <param name="ArpCacheS">How long clients keep using a stale ARP entry after the gratuitous ARP (0 on the same segment; 15 s+ behind a router).</param>
public sealed record MetalLbL2Access(
    string Name,
    double ProbeIntervalS = 1,
    double ProbeTimeoutS = 0.5,
    int SuspicionMult = 4,
    int SuspicionMaxTimeoutMult = 6,
    double ArpCacheS = 0) : AccessSpec(Name)
{
    /// <inheritdoc />
    public override FrontDoorKind Kind => MetalLbL2Kind.Instance;
}

/// <summary><c>kind: metallb-l2</c>.</summary>
public sealed class MetalLbL2Kind : FrontDoorKind
{
    private MetalLbL2Kind()
    {
    }

    /// <summary>The one instance.</summary>
    public static MetalLbL2Kind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "metallb-l2";

    /// <inheritdoc />
    public override string Summary => "one leader node answers ARP for the Service's address. Needs the Service to be type LoadBalancer with an address from an IPAddressPool that an L2Advertisement announces (an error otherwise: MetalLB would never answer for it).";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("probeInterval", "duration > 0", "`1s`", "memberlist probe interval (hashicorp/memberlist defaults)."),
        new("probeTimeout", "duration > 0", "`0.5s`", "memberlist probe timeout; at most `probeInterval`."),
        new("suspicionMult", "whole number ≥ 1", "`4`", "memberlist `SuspicionMult` (hashicorp/memberlist `DefaultLANConfig`): suspicion lasts at least this x max(1, log10(nodes)) x `probeInterval` (4 s up to 10 nodes, 6.8 s at 50)."),
        new("suspicionMaxTimeoutMult", "whole number ≥ 1", "`6`", "memberlist `SuspicionMaxTimeoutMult`: suspicion starts at this x the shortest and shrinks as other members confirm (`suspicion.go`)."),
        new("arpCache", "duration", "`0s`", "How long clients keep a stale ARP entry after the gratuitous ARP: 0 on the segment, 15 s or more behind a router (metallb#2009)."),
    ];

    /// <inheritdoc />
    public override AccessSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var d = new MetalLbL2Access(Name);
        double interval = settings.Duration("probeInterval", d.ProbeIntervalS, positive: true);
        double timeout = settings.Duration("probeTimeout", d.ProbeTimeoutS, positive: true);
        if (timeout > interval && settings.Has("probeTimeout"))
        {
            settings.Error("probeTimeout", $"probeTimeout {Seconds(timeout)} is longer than probeInterval {Seconds(interval)}");
        }
        return new MetalLbL2Access(settings.String("name", d.Name), interval, timeout,
            settings.Int("suspicionMult", d.SuspicionMult, 1, 1000), settings.Int("suspicionMaxTimeoutMult", d.SuspicionMaxTimeoutMult, 1, 1000),
            settings.Duration("arpCache", d.ArpCacheS));
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
            else if (!s.L2Announced)
            {
                // MetalLB allocates the address but no speaker answers ARP for it: the Service is unreachable.
                check.Error($"no L2Advertisement announces IPAddressPool '{s.Pool}', which gives Service {s.Name} its address {s.LoadBalancerIp}; MetalLB in layer-2 mode would never answer for it");
            }
        }
    }

    /// <inheritdoc />
    public override FrontDoor Create(AccessSpec spec, FrontDoorContext context) => new MetalLbL2FrontDoor((MetalLbL2Access)spec, context);

    internal static string Seconds(double s) => s.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "s";
}
