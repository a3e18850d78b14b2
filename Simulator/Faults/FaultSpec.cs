using Svcsim.Engine;

namespace Svcsim.Faults;

/// <summary>A fault: something that happens to the cluster at a given time or at random.</summary>
public abstract record FaultSpec;

/// <summary>A node stops (power off, kernel panic): no answer, its pods gone. Up again after the duration unless it is infinite.</summary>
public sealed record NodeCrash(string Node, double AtS, double DurationS = double.PositiveInfinity) : FaultSpec;

/// <summary>A node reboots: down for the downtime, then back, possibly with a new address (DHCP).</summary>
public sealed record NodeReboot(string Node, double AtS, double DowntimeS, string NewIp = "") : FaultSpec;

/// <summary>A node stays up but its InternalIP changes.</summary>
public sealed record NodeIpChange(string Node, double AtS, string NewIp) : FaultSpec;

/// <summary>The links of a node (every direction) get extra latency and loss for a while.</summary>
public sealed record LinkDegradation(string Node, double AtS, double DurationS, double ExtraLatencyS, double Loss) : FaultSpec;

/// <summary>Two groups of nodes cannot reach each other for a while (clients still reach both).</summary>
public sealed record NetworkPartition(IReadOnlyList<string> GroupA, IReadOnlyList<string> GroupB, double AtS, double DurationS) : FaultSpec;

/// <summary>
/// A pod's container crashes; the kubelet restarts it after the restart delay. <paramref name="Deployment"/> is
/// the key of any pod source (<c>name</c> or <c>namespace/name</c>); <paramref name="Replica"/> indexes its pods in creation order.
/// </summary>
public sealed record PodCrash(string Deployment, int Replica, double AtS, double RestartS = 10) : FaultSpec;

/// <summary>
/// kubectl drain: the node is cordoned and its pods (DaemonSet pods excepted) are evicted gracefully; it is
/// uncordoned after the duration unless that is infinite.
/// </summary>
public sealed record NodeDrain(string Node, double AtS, double DurationS = double.PositiveInfinity) : FaultSpec;

/// <summary>
/// Random failures of each of the named nodes (empty: every node): alternating up times drawn from
/// <paramref name="TimeToFailure"/> and repairs from <paramref name="TimeToRepair"/>. With
/// <paramref name="ByZone"/> the whole zone of a failing node fails together.
/// </summary>
public sealed record RandomNodeFailures(
    IReadOnlyList<string> Nodes,
    Distribution TimeToFailure,
    Distribution TimeToRepair,
    bool ByZone = false) : FaultSpec;
