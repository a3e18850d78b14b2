using Svcsim.Kubernetes;

namespace Svcsim.Dataplane;

/// <summary>
/// How long a kube-proxy sync takes to program its rules, by mode (kubernetes-behaviour.md, "Load
/// distribution"; kubernetes#73382, KEP-3866 for nftables). iptables replaces the whole ruleset at
/// every sync (iptables-restore of the nat table: the kernel swaps the table whole), so a sync writes
/// every rule of every Service and grows with Services x endpoints: seconds at tens of thousands of
/// endpoints, minutes at the 5,000-node envelope. nftables and IPVS update in place: a sync writes only
/// the rules of the endpoints added or removed since the proxy's last sync (and of the Services they
/// belong to).
/// </summary>
public static class SyncCost
{
    /// <summary>
    /// Rules per Service port: its KUBE-SERVICES match, KUBE-SVC chain, node port and external-address rules,
    /// and the masquerade mark (kube-proxy's iptables proxier writes about this many).
    /// </summary>
    public const int RulesPerService = 5;

    /// <summary>Rules per endpoint: its KUBE-SEP chain (DNAT, hairpin masquerade) and the KUBE-SVC jump to it.</summary>
    public const int RulesPerEndpoint = 3;

    /// <summary>
    /// The rules a sync from the versions in <paramref name="synced"/> (null: never synced) to the Services'
    /// current versions writes in <paramref name="mode"/>.
    /// </summary>
    public static long Rules(ProxyMode mode, IReadOnlyList<ServiceState> services, IReadOnlyList<EndpointSnapshot?> synced)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(synced);
        long rules = 0;
        for (int s = 0; s < services.Count; s++)
        {
            var now = services[s].Endpoints;
            if (mode == ProxyMode.Iptables)
            {
                rules += RulesPerService + (long)RulesPerEndpoint * now.Usable.Length;
                continue;
            }
            var before = synced[s];
            if (before is null)
            {
                rules += RulesPerService + (long)RulesPerEndpoint * now.Usable.Length;
            }
            else if (before.Version != now.Version && now.Changes != before.Changes)
            {
                rules += RulesPerService + RulesPerEndpoint * Math.Abs(now.Changes - before.Changes);
            }
        }
        return rules;
    }

    /// <summary>Time to write <paramref name="rules"/> rules at <paramref name="spec"/>'s rate, nanoseconds.</summary>
    public static long Duration(KubeProxySpec spec, long rules)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Engine.Time.FromSeconds(rules * spec.RuleWriteS);
    }
}
