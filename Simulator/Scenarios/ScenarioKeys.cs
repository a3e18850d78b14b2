namespace Svcsim.Scenarios;

/// <summary>
/// Every key a scenario file may use, section by section. The readers check against these lists, and a
/// test checks that Scenarios/scenario.schema.json and Scenarios/README.md name the same keys.
/// </summary>
internal static class ScenarioKeys
{
    public static readonly string[] Root =
    [
        "name", "description", "duration", "seed", "replications", "cluster", "network", "manifests", "workloads",
        "pods", "kubeProxy", "controlPlane", "clients", "variants", "faults", "measurement", "sweep",
    ];

    public static readonly string[] Cluster = ["kubernetesVersion", "nodes"];

    public static readonly string[] Node = ["name", "role", "ip", "zone", "schedulable", "excludeFromExternalLoadBalancers", "labels", "taints", "conntrackMax"];

    /// <summary>An entry of <c>manifests</c> written as a mapping.</summary>
    public static readonly string[] Manifest = ["path", "namespace"];

    public static readonly string[] Network = ["clientToNode", "nodeToNode", "frontDoorToNode", "clientToFrontDoor", "retransmitTimeout"];

    public static readonly string[] Link = ["latency", "bandwidth", "loss"];

    public static readonly string[] Pods = ["workers", "backlog", "serviceTime", "startupTime", "pinnedNodes", "keepaliveTimeout"];

    public static readonly string[] KubeProxy = ["mode", "scheduler", "minSyncPeriod", "syncDelay", "conntrack", "ruleWriteTime", "ebpf"];

    public static readonly string[] Ebpf = ["algorithm", "maglevTableSize", "forwarding", "agentDelay"];

    public static readonly string[] Conntrack = ["tcpEstablishedTimeout", "tcpTimeWaitTimeout"];

    public static readonly string[] ControlPlane =
    [
        "leaseRenew", "nodeMonitorPeriod", "nodeMonitorGracePeriod", "tolerationSeconds", "evictionRate",
        "endpointSliceDelay", "nodeRejoin",
    ];

    public static readonly string[] Clients =
    [
        "name", "service", "nodePortService", "clients", "rate", "users", "thinkTime", "requestSize", "responseSize",
        "timeout", "connectTimeout", "retries", "retryBackoff", "sameSegment", "unreachableAfter", "connection", "nodes", "host", "path",
    ];

    public static readonly string[] Connection = ["reuse", "maxRequests", "idleTimeout", "maxAge", "streams", "pool"];

    public static readonly string[] Measurement = ["warmup", "window", "slo", "outageResolution", "overloadThreshold", "eventsPerNode", "idleRows"];

    /// <summary>Keys every variant may have, then the keys of each kind.</summary>
    public static readonly string[] VariantCommon = ["kind", "name", "kubeProxy"];

    public static readonly Dictionary<string, string[]> VariantKinds =
        Access.FrontDoorKinds.All.ToDictionary(k => k.Name, k => k.Keys.Select(key => key.Name).ToArray(), StringComparer.Ordinal);

    public static readonly string[] HealthCheck = Access.CloudLbKind.HealthCheckKeys;

    /// <summary>Keys every fault may have, then the keys of each kind.</summary>
    public static readonly string[] FaultCommon = ["kind"];

    public static readonly Dictionary<string, string[]> FaultKinds =
        Faults.FaultKinds.All.ToDictionary(k => k.Name, k => k.Keys.Select(key => key.Name).ToArray(), StringComparer.Ordinal);

    /// <summary>The keys of <paramref name="kind"/> plus the common ones.</summary>
    public static string[] Of(string[] common, Dictionary<string, string[]> kinds, string kind) =>
        kinds.TryGetValue(kind, out var own) ? [.. common, .. own] : common;

    /// <summary>A note for a key that is not valid for <paramref name="kind"/> but is for another kind.</summary>
    public static Func<string, string?> BelongsElsewhere(Dictionary<string, string[]> kinds, string kind) => key =>
    {
        var owners = kinds.Where(k => k.Key != kind && k.Value.Contains(key)).Select(k => k.Key).ToArray();
        return owners.Length == 0 ? null : $" (not a key of kind {kind}; it belongs to {string.Join(", ", owners)})";
    };
}
