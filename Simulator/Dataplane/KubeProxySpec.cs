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
/// <param name="SyncDelay">Extra time one sync takes on a node (watch delivery plus rule programming), seconds.</param>
/// <param name="Conntrack">Conntrack timeouts (the size is per node: <c>nodes[].conntrackMax</c>).</param>
public sealed record KubeProxySpec(ProxyMode Mode, IpvsScheduler Scheduler, double MinSyncPeriodS, Distribution SyncDelay, ConntrackSpec Conntrack)
{
    /// <summary>iptables, minSyncPeriod 1 s, syncs taking 50–500 ms, kube-proxy's conntrack defaults.</summary>
    public static KubeProxySpec Default { get; } = new(ProxyMode.Iptables, IpvsScheduler.RoundRobin, 1.0, Distribution.Uniform(0.05, 0.5), ConntrackSpec.Default);
}
