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
    /// <summary>Cilium's kube-proxy replacement: BPF programs and maps on each node (<see cref="EbpfSpec"/>).</summary>
    Ebpf,
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

    /// <summary>The eBPF data path's settings (used with <see cref="ProxyMode.Ebpf"/>).</summary>
    public EbpfSpec Ebpf { get; init; } = EbpfSpec.Default;
}

/// <summary>How Cilium picks a backend for a new flow (<c>loadBalancer.algorithm</c>).</summary>
public enum EbpfAlgorithm
{
    /// <summary>Uniform random per new flow, Cilium's default.</summary>
    Random,
    /// <summary>Maglev consistent hashing of the 5-tuple: the same backend from every node.</summary>
    Maglev,
}

/// <summary>How a node forwards to a backend on another node (<c>loadBalancer.mode</c>).</summary>
public enum EbpfForwarding
{
    /// <summary>SNAT to the entry node: answers come back through it (Cilium's default).</summary>
    Snat,
    /// <summary>Direct server return: the client's address is kept and the backend's node answers the client itself.</summary>
    Dsr,
    /// <summary>DSR for TCP, SNAT for UDP: every connection here is TCP, so it behaves as <see cref="Dsr"/>.</summary>
    Hybrid,
}

/// <summary>
/// Cilium's kube-proxy replacement (kubernetes-behaviour.md, "Cilium eBPF and Maglev"; docs.cilium.io,
/// "Kubernetes Without kube-proxy").
/// </summary>
/// <param name="Algorithm"><c>loadBalancer.algorithm</c>: random (default) or maglev.</param>
/// <param name="MaglevTableSize"><c>maglev.tableSize</c>, M: 16381 by default; must be prime.</param>
/// <param name="Forwarding"><c>loadBalancer.mode</c>: snat (default), dsr or hybrid.</param>
/// <param name="AgentDelay">Time from an EndpointSlice change to the agent's update of the node's BPF service maps, seconds:
/// the agent applies each watch event itself, with no minimum period between updates.</param>
public sealed record EbpfSpec(EbpfAlgorithm Algorithm, int MaglevTableSize, EbpfForwarding Forwarding, Distribution AgentDelay)
{
    /// <summary>Cilium's CT map for TCP, <c>bpf-ct-global-tcp-max</c>: 524288 entries.</summary>
    public const int CtMapSize = 524288;

    /// <summary>Cilium's CT lifetime of an established TCP flow, <c>bpf-ct-timeout-regular-tcp</c>: 6 h.</summary>
    public const double CtEstablishedTimeoutS = 21600;

    /// <summary>random, M = 16381, SNAT, map updates 10–100 ms after the slice changes.</summary>
    public static EbpfSpec Default { get; } = new(EbpfAlgorithm.Random, 16381, EbpfForwarding.Snat, Distribution.Uniform(0.01, 0.1));

    /// <summary>Whether answers skip the entry node (DSR, or hybrid for TCP).</summary>
    public bool DirectReturn => Forwarding != EbpfForwarding.Snat;
}
