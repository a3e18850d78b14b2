namespace Svcsim.Network;

/// <summary>Why a request failed, as the client (and the timeline) explain it. Described in <see cref="FailureCauses.All"/>.</summary>
public enum FailureCause : byte
{
    /// <summary>The address the client used belongs to a node that is down: no answer.</summary>
    NodeDown,
    /// <summary>The address the client used no longer belongs to any node (its node changed IP).</summary>
    StaleIp,
    /// <summary>No node announces the load balancer's address (no leader, no BGP route, no backend).</summary>
    NoRoute,
    /// <summary>Connection refused at once: no endpoint (kube-proxy REJECT), or a pod whose container is not running.</summary>
    Refused,
    /// <summary>Local traffic policy and no local endpoint on the entry node: dropped, the client times out.</summary>
    DroppedLocal,
    /// <summary>The service proxy chose an endpoint whose pod or node is gone (its view was stale).</summary>
    DeadEndpoint,
    /// <summary>The pod's backlog was full: HTTP 503 at once.</summary>
    Overloaded,
    /// <summary>The client's timeout expired while the request was queued or served.</summary>
    Timeout,
    /// <summary>The node or pod holding the request died while it was in flight.</summary>
    InFlightLost,
    /// <summary>The connection was reset: a packet reached a node or pod that had no state for it.</summary>
    Reset,
    /// <summary>The entry node's conntrack table was full: the new connection's packets were dropped.</summary>
    ConntrackFull,
}

/// <summary>One failure cause: its name in outputs and what it means.</summary>
/// <param name="Cause">The cause.</param>
/// <param name="Name">The snake_case name used in outputs (column <c>failed_&lt;name&gt;</c>, outage cause).</param>
/// <param name="Meaning">What happened, for the output documentation: it completes "failed because ...".</param>
public sealed record FailureCauseKind(FailureCause Cause, string Name, string Meaning);

/// <summary>The descriptors of every failure cause: the one place that names them.</summary>
public static class FailureCauses
{
    /// <summary>Every cause, in column order (the enum's order).</summary>
    public static IReadOnlyList<FailureCauseKind> All { get; } =
    [
        new(FailureCause.NodeDown, "node_down", "the client's node was down (crashed or rebooting): no answer"),
        new(FailureCause.StaleIp, "stale_ip", "the client used an address that no longer belongs to a live node"),
        new(FailureCause.NoRoute, "no_route", "no route to the address (withdrawn BGP route, no node answering ARP, no healthy LB target)"),
        new(FailureCause.Refused, "refused", "the connection was refused (no endpoint: kube-proxy REJECT; or the pod's container was not running)"),
        new(FailureCause.DroppedLocal, "dropped_local", "dropped on the entry node (externalTrafficPolicy: Local with no local endpoint)"),
        new(FailureCause.DeadEndpoint, "dead_endpoint", "the service proxy sent the connection to an endpoint whose pod or node is gone"),
        new(FailureCause.Overloaded, "overloaded", "rejected by a full pod queue (HTTP 503)"),
        new(FailureCause.Timeout, "timeout", "the client gave up waiting (client timeout)"),
        new(FailureCause.InFlightLost, "in_flight_lost", "lost in flight when a node or pod failed while serving it"),
        new(FailureCause.Reset, "reset", "the connection was reset (a packet reached a node or pod with no state for it: ECMP rehash, L2 leader move, crashed container)"),
        new(FailureCause.ConntrackFull, "conntrack_full", "the entry node's conntrack table was full and dropped the new connection"),
    ];

    /// <summary>Number of causes.</summary>
    public static int Count => All.Count;

    /// <summary>The snake_case name used in outputs (for example <c>dead_endpoint</c>).</summary>
    public static string SnakeName(FailureCause cause) => All[(int)cause].Name;
}
