using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access;

/// <summary>
/// MetalLB BGP: every eligible node announces the service IP to the router, which spreads new
/// connections over the announcing nodes by an ECMP hash of the flow. The router drops a node's route
/// only when its BGP session fails (hold timer, or BFD); until then it keeps hashing flows to a dead node.
/// A change of the route set rehashes flows, and established connections that move are reset.
/// </summary>
public sealed class MetalLbBgpFrontDoor : LoadBalancerFrontDoor
{
    private readonly MetalLbBgpAccess _spec;
    private readonly Dictionary<ServiceState, Node[]> _routes = [];
    private readonly NodeLivenessView _sessions; // the router's view of each node's BGP session
    private readonly Random _flows;

    /// <summary>Builds the front door for client groups targeting <paramref name="groupServices"/>.</summary>
    public MetalLbBgpFrontDoor(Simulation sim, MetalLbBgpAccess spec, KubernetesModel model, IReadOnlyList<ServiceState> groupServices, Trace trace)
        : base(sim, model, groupServices, trace)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        _flows = sim.Streams.Get("ecmp");
        // Keepalives every hold/3: the hold timer runs out between 2/3 and all of the hold time after
        // the crash. With BFD, detection takes the BFD interval times the multiplier. A restarted
        // speaker re-establishes its session after a connect retry (about 5 s).
        var holdExpiry = spec.Bfd
            ? Distribution.Constant(spec.BfdDetectS).CreateSampler(sim.Streams.Get("bgp-hold"))
            : Distribution.Uniform(spec.HoldTimeS * 2 / 3, spec.HoldTimeS).CreateSampler(sim.Streams.Get("bgp-hold"));
        _sessions = new NodeLivenessView(sim, model, holdExpiry, Time.FromSeconds(5),
            node =>
            {
                Trace.Add(Sim.Now, node.Name, "bgp-session-down", $"router dropped the BGP session to {node.Name} ({(_spec.Bfd ? "BFD" : "hold timer")})");
                Recompute();
            },
            node =>
            {
                Trace.Add(Sim.Now, node.Name, "bgp-session-up", $"BGP session to {node.Name} established");
                Recompute();
            });
        foreach (var svc in GroupServices.Distinct())
        {
            _routes[svc] = ComputeRoutes(svc);
        }
        model.EndpointsPublished += Recompute;
    }

    /// <summary>Bumped at every change of any route set.</summary>
    public int Epoch { get; private set; }

    /// <summary>Next hops the router uses for <paramref name="service"/> now.</summary>
    public IReadOnlyList<Node> Routes(ServiceState service) => _routes[service];

    /// <inheritdoc />
    public override EntryVerdict Enter(Request request, int group)
    {
        ArgumentNullException.ThrowIfNull(request);
        var routes = _routes[GroupServices[group]];
        request.ViaFrontDoor = true;
        request.RouteEpoch = Epoch;
        request.RouteKey = (ulong)_flows.NextInt64();
        if (routes.Length == 0)
        {
            request.Entry = null;
            return EntryVerdict.NoRoute;
        }
        var node = routes[(int)(request.RouteKey % (ulong)routes.Length)];
        request.Entry = node;
        return node.Up ? EntryVerdict.Entered : EntryVerdict.NodeDown;
    }

    /// <inheritdoc />
    public override bool StillRouted(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_spec.ResetOnRehash || request.RouteEpoch == Epoch || request.Entry is null)
        {
            return true;
        }
        foreach (var (svc, routes) in _routes)
        {
            if (routes.Length > 0 && Array.IndexOf(GroupServices, svc) >= 0 && routes[(int)(request.RouteKey % (ulong)routes.Length)] == request.Entry)
            {
                return true;
            }
        }
        return false;
    }

    /// <inheritdoc />
    public override bool IsAnnouncedEntry(Node node)
    {
        foreach (var r in _routes.Values)
        {
            if (Array.IndexOf(r, node) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    private void Recompute()
    {
        foreach (var svc in _routes.Keys.ToList())
        {
            var next = ComputeRoutes(svc);
            if (!next.AsSpan().SequenceEqual(_routes[svc]))
            {
                _routes[svc] = next;
                Epoch++;
                Trace.Add(Sim.Now, "router", "bgp-rehash", $"ECMP next hops for {svc.Spec.LoadBalancerIp}: {string.Join(", ", next.Select(n => n.Name))}");
            }
        }
    }

    private Node[] ComputeRoutes(ServiceState svc)
    {
        bool local = Eligibility.LocalPolicy(svc);
        // The router keeps a route while the session is up, even to a node that has died.
        return Model.Cluster.Nodes
            .Where(n => _sessions.IsAlive(n) && !n.Spec.ExcludeFromExternalLoadBalancers && (!local || svc.HasReadyEndpointOn(n)))
            .ToArray();
    }
}
