using Svcsim.Engine;
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
    private readonly Dictionary<ServiceState, (IReadOnlyList<Node> Order, Node? Announced, Node? ClientsSee)> _state = [];
    private readonly NodeLivenessView _members; // memberlist's view of each speaker

    /// <summary>Builds the front door for client groups targeting <paramref name="groupServices"/>.</summary>
    public MetalLbL2FrontDoor(MetalLbL2Access spec, FrontDoorContext context)
        : base(context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        var sim = context.Sim;
        var model = context.Model;
        // memberlist: a dead member is found at its next probe (within one interval), the probe times
        // out, and suspicion runs out before it is declared dead (kubernetes-behaviour.md, MetalLB). A
        // restarted speaker joins within about a probe interval.
        var detect = Distribution.Uniform(spec.ProbeTimeoutS + spec.SuspicionS, spec.ProbeIntervalS + spec.ProbeTimeoutS + spec.SuspicionS)
            .CreateSampler(sim.Streams.Get("memberlist"));
        _members = new NodeLivenessView(sim, model, detect, Time.FromSeconds(spec.ProbeIntervalS),
            node =>
            {
                Trace.Add(Sim.Now, node.Name, "memberlist-dead", $"MetalLB speakers declared {node.Name} dead");
                ElectAll();
            },
            node =>
            {
                Trace.Add(Sim.Now, node.Name, "memberlist-join", $"MetalLB speaker on {node.Name} joined");
                ElectAll();
            });
        foreach (var svc in GroupServices.Distinct())
        {
            var order = MetalLbOrdering.Order(model.Cluster.Nodes.Select(n => n.Name), svc.Spec.LoadBalancerIp)
                .Select(model.Cluster.ByName).ToList();
            _state[svc] = (order, null, null);
            Elect(svc, initial: true);
        }
        model.EndpointsPublished += ElectAll; // Local policy: candidates change with local endpoints
    }

    /// <summary>The node announcing the IP of <paramref name="service"/> now.</summary>
    public Node? Leader(ServiceState service) => _state[service].Announced;

    /// <inheritdoc />
    public override bool ClientsResolveNodes => true;

    /// <inheritdoc />
    public override Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Record(depth, this);
        // Every frame goes to the node the client's ARP entry names; after a failover an established
        // connection's next packet reaches the new leader, which has no conntrack entry for it.
        var node = _state[GroupServices[connection.Group]].ClientsSee;
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
        foreach (var svc in _state.Keys.ToList())
        {
            Elect(svc, initial: false);
        }
    }

    private void Elect(ServiceState svc, bool initial)
    {
        var st = _state[svc];
        bool local = Eligibility.LocalPolicy(svc);
        Node? leader = null;
        foreach (var n in st.Order)
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
        _state[svc] = (st.Order, leader, initial ? leader : st.ClientsSee);
        if (initial)
        {
            return;
        }
        Trace.Add(Sim.Now, leader?.Name ?? "-", "metallb-l2-leader",
            $"MetalLB L2 leader for {svc.Spec.LoadBalancerIp} moved from {st.Announced?.Name ?? "none"} to {leader?.Name ?? "none"}; gratuitous ARP sent");
        Sim.Schedule(Time.FromSeconds(_spec.ArpCacheS), () =>
        {
            var now = _state[svc];
            if (now.Announced == leader)
            {
                _state[svc] = (now.Order, now.Announced, leader);
            }
        });
    }
}
