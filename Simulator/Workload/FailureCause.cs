namespace Svcsim.Workload;

/// <summary>Why a request failed, as the client (and the timeline) explain it.</summary>
public enum FailureCause
{
    /// <summary>The address the client used belongs to a node that is down: no answer.</summary>
    NodeDown,
    /// <summary>The address the client used no longer belongs to any node (its node changed IP).</summary>
    StaleIp,
    /// <summary>No node announces the load balancer's address (no leader, no BGP route, no backend).</summary>
    NoRoute,
    /// <summary>The Service has no ready endpoint: kube-proxy REJECTs, connection refused at once.</summary>
    Refused,
    /// <summary>Local traffic policy and no local endpoint on the entry node: dropped, the client times out.</summary>
    DroppedLocal,
    /// <summary>kube-proxy chose an endpoint whose pod or node is gone (its view was stale).</summary>
    DeadEndpoint,
    /// <summary>The pod's backlog was full: HTTP 503 at once.</summary>
    Overloaded,
    /// <summary>The client's timeout expired while the request was queued or served.</summary>
    Timeout,
    /// <summary>The node or pod holding the request died while it was in flight.</summary>
    InFlightLost,
    /// <summary>The connection was reset (BGP rehash moved it to another node).</summary>
    Reset,
}

/// <summary>How one request ended.</summary>
public static class FailureCauses
{
    /// <summary>Every cause, in column order.</summary>
    public static IReadOnlyList<FailureCause> All { get; } = Enum.GetValues<FailureCause>();

    /// <summary>Number of causes.</summary>
    public static int Count => All.Count;

    /// <summary>The snake_case name used in outputs (for example <c>dead_endpoint</c>).</summary>
    public static string SnakeName(FailureCause cause) => cause switch
    {
        FailureCause.NodeDown => "node_down",
        FailureCause.StaleIp => "stale_ip",
        FailureCause.NoRoute => "no_route",
        FailureCause.Refused => "refused",
        FailureCause.DroppedLocal => "dropped_local",
        FailureCause.DeadEndpoint => "dead_endpoint",
        FailureCause.Overloaded => "overloaded",
        FailureCause.Timeout => "timeout",
        FailureCause.InFlightLost => "in_flight_lost",
        FailureCause.Reset => "reset",
        _ => throw new ArgumentOutOfRangeException(nameof(cause)),
    };
}
