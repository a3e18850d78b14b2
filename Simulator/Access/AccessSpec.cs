namespace Svcsim.Access;

/// <summary>A way of access: how clients reach the Service. Each is run as its own variant.</summary>
/// <param name="Name">The variant's name in outputs (for example <c>nodeport</c>, <c>metallb-l2</c>).</param>
public abstract record AccessSpec(string Name);

/// <summary>What a NodePort client does when its node address stops answering.</summary>
public enum NodePortFailover
{
    /// <summary>Keeps using the same address (the origin's example: one fixed node IP).</summary>
    None,
    /// <summary>After a failed request, moves to the next address in its list.</summary>
    NextAddress,
}

/// <summary>How NodePort clients are given node addresses.</summary>
public enum NodePortAssignment
{
    /// <summary>Every client uses the first address of the list.</summary>
    First,
    /// <summary>Clients are spread over the list in turn.</summary>
    Spread,
}

/// <summary>Clients call <c>&lt;node IP&gt;:&lt;nodePort&gt;</c> directly (type NodePort).</summary>
/// <param name="Name">Variant name.</param>
/// <param name="Addresses">Node IPs the clients were told to use; empty: every node's IP at the start.</param>
/// <param name="Assignment">How addresses are handed to clients.</param>
/// <param name="Failover">What a client does when its address fails.</param>
/// <param name="ReconfigureAfterS">Time after a node goes down or changes IP until an operator hands its clients a working address; infinity: never.</param>
public sealed record NodePortAccess(
    string Name,
    IReadOnlyList<string> Addresses,
    NodePortAssignment Assignment = NodePortAssignment.First,
    NodePortFailover Failover = NodePortFailover.None,
    double ReconfigureAfterS = double.PositiveInfinity) : AccessSpec(Name);

/// <summary>MetalLB in layer-2 mode: one leader node answers ARP for the service IP.</summary>
/// <param name="Name">Variant name.</param>
/// <param name="ProbeIntervalS">memberlist probe interval, 1 s.</param>
/// <param name="ProbeTimeoutS">memberlist probe timeout, 0.5 s.</param>
/// <param name="SuspicionS">memberlist suspicion timeout for a small cluster, about 4 s.</param>
/// <param name="ArpCacheS">How long clients keep using a stale ARP entry after the gratuitous ARP (0 on the same segment; 15 s+ behind a router).</param>
public sealed record MetalLbL2Access(
    string Name,
    double ProbeIntervalS = 1,
    double ProbeTimeoutS = 0.5,
    double SuspicionS = 4,
    double ArpCacheS = 0) : AccessSpec(Name);

/// <summary>MetalLB in BGP mode: every eligible node announces; the router spreads connections by ECMP hash.</summary>
/// <param name="Name">Variant name.</param>
/// <param name="HoldTimeS">BGP hold time, 90 s (keepalive 30 s).</param>
/// <param name="Bfd">BFD enabled: failure detected in about <paramref name="BfdDetectS"/>.</param>
/// <param name="BfdDetectS">BFD detection time, 300 ms × 3.</param>
/// <param name="ResetOnRehash">A change of the node set rehashes flows: active connections that move are reset.</param>
public sealed record MetalLbBgpAccess(
    string Name,
    double HoldTimeS = 90,
    bool Bfd = false,
    double BfdDetectS = 0.9,
    bool ResetOnRehash = true) : AccessSpec(Name);

/// <summary>Balancing algorithm of an external load balancer.</summary>
public enum LbAlgorithm
{
    /// <summary>Each new connection to the next healthy backend.</summary>
    RoundRobin,
    /// <summary>The healthy backend with the fewest open connections.</summary>
    LeastConnections,
    /// <summary>A uniformly random healthy backend.</summary>
    Random,
}

/// <summary>An active health check of a cloud load balancer against each node.</summary>
/// <param name="IntervalS">Time between probes.</param>
/// <param name="TimeoutS">A probe not answered within this counts as failed.</param>
/// <param name="UnhealthyThreshold">Consecutive failures that mark a node unhealthy.</param>
/// <param name="HealthyThreshold">Consecutive successes that mark it healthy again.</param>
public sealed record HealthCheckSpec(double IntervalS, double TimeoutS, int UnhealthyThreshold, int HealthyThreshold)
{
    /// <summary>The presets of kubernetes-behaviour.md, "Cloud load balancers".</summary>
    public static IReadOnlyDictionary<string, HealthCheckSpec> Presets { get; } = new Dictionary<string, HealthCheckSpec>(StringComparer.Ordinal)
    {
        // Azure: probe every 5 s, 2 failures (no timeout or healthy threshold published: 5 s and 1 used).
        ["azure"] = new(5, 5, 2, 1),
        ["gce"] = new(8, 1, 3, 1),
        ["aws-clb"] = new(10, 5, 6, 2),
        ["aws-nlb"] = new(30, 10, 3, 3),
    };
}

/// <summary>An external (cloud) load balancer in front of the nodes' node ports.</summary>
/// <param name="Name">Variant name.</param>
/// <param name="HealthCheck">Its health check.</param>
/// <param name="Algorithm">How it picks a healthy node.</param>
/// <param name="FailOpen">When every node is unhealthy, send to all of them (AWS NLB) instead of refusing.</param>
/// <param name="ProbeThroughPods">The check is an HTTP request on the traffic port that a pod must answer
/// (so it waits behind queued work and can time out under load), rather than kube-proxy's health port.</param>
public sealed record CloudLbAccess(
    string Name,
    HealthCheckSpec HealthCheck,
    LbAlgorithm Algorithm = LbAlgorithm.RoundRobin,
    bool FailOpen = true,
    bool ProbeThroughPods = false) : AccessSpec(Name);
