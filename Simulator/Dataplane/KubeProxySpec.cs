using Svcsim.Engine;

namespace Svcsim.Dataplane;

/// <summary>kube-proxy's mode.</summary>
public enum ProxyMode
{
    /// <summary>iptables: uniform random per new connection (the Linux default).</summary>
    Iptables,
    /// <summary>nftables: uniform random (numgen random mod N).</summary>
    Nftables,
    /// <summary>IPVS with a scheduler.</summary>
    Ipvs,
}

/// <summary>IPVS scheduler.</summary>
public enum IpvsScheduler
{
    /// <summary>Round robin, the default when unset.</summary>
    RoundRobin,
    /// <summary>Least connections.</summary>
    LeastConnection,
}

/// <summary>kube-proxy settings (kubernetes-behaviour.md, "Load distribution").</summary>
/// <param name="Mode">Proxy mode; iptables by default on Linux.</param>
/// <param name="Scheduler">IPVS scheduler; rr by default.</param>
/// <param name="MinSyncPeriodS">minSyncPeriod, 1 s: an EndpointSlice change is applied no sooner than this after the previous sync.</param>
/// <param name="SyncDelay">From an EndpointSlice change to a node's kube-proxy starting its sync (watch delivery, batching), seconds.</param>
/// <param name="Conntrack">Conntrack timeouts (the size is per node: <c>nodes[].conntrackMax</c>).</param>
/// <param name="RuleWriteS">
/// Time to write one rule into the kernel, seconds; with the rules a sync writes (<see cref="SyncCost"/>) it
/// gives the time from a sync's start to its rules taking effect. 18 µs: iptables-restore of a 695,992-line
/// ruleset took 12.8 s (kubernetes#96018).
/// </param>
public sealed record KubeProxySpec(ProxyMode Mode, IpvsScheduler Scheduler, double MinSyncPeriodS, Distribution SyncDelay, ConntrackSpec Conntrack,
    double RuleWriteS = KubeProxySpec.DefaultRuleWriteS)
{
    /// <summary>18 µs per rule written (kubernetes#96018: 695,992 lines restored in 12.8 s).</summary>
    public const double DefaultRuleWriteS = 18e-6;

    /// <summary>iptables, minSyncPeriod 1 s, syncs starting 50–500 ms after a change, 18 µs per rule, kube-proxy's conntrack defaults.</summary>
    public static KubeProxySpec Default { get; } = new(ProxyMode.Iptables, IpvsScheduler.RoundRobin, 1.0, Distribution.Uniform(0.05, 0.5), ConntrackSpec.Default);
}
