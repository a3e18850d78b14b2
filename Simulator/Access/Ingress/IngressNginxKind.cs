using Svcsim.Engine;
using Svcsim.Kinds;
using Svcsim.Kubernetes;

namespace Svcsim.Access.Ingress;

/// <summary>How ingress-nginx chooses an upstream pod for a request (the <c>load-balance</c> ConfigMap key).</summary>
public enum IngressBalance
{
    /// <summary>round_robin (the default): the endpoints in turn, per controller pod.</summary>
    RoundRobin,
    /// <summary>ewma: two endpoints at random, the one with the lower decayed mean of connect + response time.</summary>
    Ewma,
}

/// <summary>The controller pods of ingress-nginx and the way of access that exposes them.</summary>
/// <param name="Replicas">Controller pods of the built-in Deployment (namespace ingress-nginx); for a workload of the manifests, its own.</param>
/// <param name="Workers">Requests a controller pod works on at once (its CPUs: nginx worker processes).</param>
/// <param name="Backlog">Requests waiting for a worker; beyond it the controller answers 503.</param>
/// <param name="RequestCpuS">CPU time per request, seconds (on a whole core).</param>
/// <param name="StartupS">From a controller container's start to it serving, seconds; NaN: the workload's own startup time.</param>
/// <param name="Policy">externalTrafficPolicy of the controller's Service.</param>
/// <param name="Exposure">The way of access in front of the controller's Service.</param>
/// <param name="Workload">The key of the manifests' Deployment or DaemonSet that runs the controller; null: the built-in one.</param>
/// <param name="TargetPort">The controller pods' HTTP container port.</param>
/// <param name="CpuScale">How much longer a CPU second takes on a worker: workers over the CPU limit when the limit is below the workers (CFS throttling), else 1.</param>
public sealed record IngressController(int Replicas, int Workers, int Backlog, double RequestCpuS, double StartupS, TrafficPolicy Policy, AccessSpec Exposure,
    string? Workload = null, int TargetPort = 80, double CpuScale = 1)
{
    /// <summary>The key of the pod source that runs the controller.</summary>
    public string SourceKey => Workload ?? $"{IngressNginxKind.ControllerNamespace}/{IngressNginxKind.ControllerName}";

    /// <summary>The namespace of the controller's pods and Service.</summary>
    public string Namespace => Workload is { } w && w.Contains('/', StringComparison.Ordinal) ? w[..w.IndexOf('/', StringComparison.Ordinal)]
        : Workload is null ? IngressNginxKind.ControllerNamespace : "default";

    /// <summary>The key of the controller's Service.</summary>
    public string ServiceKey => Namespace == "default" ? IngressNginxKind.ControllerName : $"{Namespace}/{IngressNginxKind.ControllerName}";
}

/// <summary>An Ingress proxy (ingress-nginx) in front of the client groups' Services.</summary>
/// <param name="Name">Variant name.</param>
/// <param name="Controller">The controller pods and their exposure.</param>
/// <param name="NextUpstreamOnError">proxy_next_upstream includes <c>error</c>.</param>
/// <param name="NextUpstreamOnTimeout">proxy_next_upstream includes <c>timeout</c>.</param>
/// <param name="Tries">proxy_next_upstream_tries: upstreams tried per request, the first included.</param>
/// <param name="ConnectTimeoutS">proxy_connect_timeout, seconds.</param>
/// <param name="ReadTimeoutS">proxy_read_timeout, seconds.</param>
/// <param name="Balance">load-balance.</param>
/// <param name="Keepalive">upstream-keepalive-connections: idle upstream connections a controller pod keeps.</param>
/// <param name="KeepaliveRequests">upstream-keepalive-requests: requests per upstream connection before it is closed.</param>
/// <param name="KeepaliveTimeoutS">upstream-keepalive-timeout: an idle upstream connection is closed after this, seconds.</param>
/// <param name="TlsHandshakeCpuS">Controller CPU per new HTTPS client connection (the TLS handshake; groups whose host an Ingress tls section lists), seconds.</param>
/// <param name="SyncRateLimit">--sync-rate-limit: most configuration syncs per second (endpoint changes wait for the next).</param>
public sealed record IngressNginxAccess(
    string Name,
    IngressController Controller,
    bool NextUpstreamOnError = true,
    bool NextUpstreamOnTimeout = true,
    int Tries = 3,
    double ConnectTimeoutS = 5,
    double ReadTimeoutS = 60,
    IngressBalance Balance = IngressBalance.RoundRobin,
    int Keepalive = 320,
    int KeepaliveRequests = 10000,
    double KeepaliveTimeoutS = 60,
    double TlsHandshakeCpuS = 0,
    double SyncRateLimit = 0.3) : AccessSpec(Name)
{
    /// <inheritdoc />
    public override FrontDoorKind Kind => IngressNginxKind.Instance;
}

/// <summary>
/// <c>kind: ingress-nginx</c>. Defaults are ingress-nginx's own (internal/ingress/controller/config/config.go:
/// ProxyNextUpstream "error timeout", ProxyNextUpstreamTries 3, ProxyConnectTimeout 5, ProxyReadTimeout 60,
/// UpstreamKeepaliveConnections 320, UpstreamKeepaliveRequests 10000, UpstreamKeepaliveTimeout 60;
/// rootfs/etc/nginx/lua/balancer.lua: DEFAULT_LB_ALG round_robin, BACKENDS_SYNC_INTERVAL 1 s;
/// cmd/nginx/flags.go: --sync-rate-limit 0.3).
/// </summary>
public sealed class IngressNginxKind : FrontDoorKind
{
    /// <summary>Namespace and name of the built-in controller's Deployment and Service.</summary>
    public const string ControllerNamespace = "ingress-nginx";

    /// <summary>Name of the built-in controller's Deployment and Service.</summary>
    public const string ControllerName = "ingress-nginx-controller";

    /// <summary>The address the controller's LoadBalancer Service is announced on (TEST-NET-1: no node's, no Service's).</summary>
    public const string ControllerAddress = "192.0.2.80";

    /// <summary>The keys of <c>controller</c> itself (besides those of the kind it is exposed by).</summary>
    public static readonly string[] ControllerKeys = ["deployment", "replicas", "workers", "backlog", "requestCpu", "startupTime", "externalTrafficPolicy", "exposedBy"];

    private static readonly Dictionary<string, IngressBalance> Balances = new(StringComparer.Ordinal)
    {
        ["round_robin"] = IngressBalance.RoundRobin, ["ewma"] = IngressBalance.Ewma,
    };

    private static readonly Dictionary<string, TrafficPolicy> Policies = new(StringComparer.Ordinal)
    {
        ["Cluster"] = TrafficPolicy.Cluster, ["Local"] = TrafficPolicy.Local,
    };

    private IngressNginxKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static IngressNginxKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "ingress-nginx";

    /// <inheritdoc />
    public override string Summary => "an L7 proxy (ingress-nginx) in front of each group's Service: its controller pods, exposed by another kind, end the client's connection and send each request to a pod taken from the EndpointSlice (kube-proxy is bypassed), retrying the next pod on an error or a timeout.";

    /// <summary>The kinds that can expose the controller.</summary>
    private static IEnumerable<FrontDoorKind> Exposures => FrontDoorKinds.All.Where(k => k is not IngressNginxKind);

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("controller", "`deployment` (a Deployment or DaemonSet of the manifests) or `replicas` (≥ 1), `workers` (≥ 1), `backlog` (≥ 0), `requestCpu` (duration), `startupTime` (duration), `externalTrafficPolicy` (`Cluster`, `Local`), `exposedBy` (`nodeport`, `metallb-l2`, `metallb-bgp`, `cloud-lb`) and the keys of that kind", "2 replicas, 2 workers, backlog 4096, `requestCpu` 0.2ms, `startupTime` 5s, `Cluster`, `nodeport`", "`deployment`: the manifests' controller with its own replicas (a DaemonSet: one pod per node it fits), placement and startup time, and one nginx worker per CPU of its CPU limit, rounded up (ingress-nginx's NumCPU from the cgroup quota), each slowed by limit/workers when below 1; `workers` overrides, no limit: 2. Else a built-in Deployment `ingress-nginx/ingress-nginx-controller` of `replicas` pods (replacing a workload of that name). Its Service (type NodePort for `nodeport`, else LoadBalancer on 192.0.2.80) replaces one of the same name in the manifests; the client reaches it through `exposedBy`. The per-request CPU is svcsim's assumption, not an ingress-nginx figure."),
        new("proxyNextUpstream", "list of `error`, `timeout`; or `[off]`", "`[error, timeout]`", "When a request moves to the next upstream pod: `error` (refused, reset), `timeout` (no SYN-ACK within `proxyConnectTimeout`, no answer within `proxyReadTimeout`). An upstream 503 is passed on (ingress-nginx `proxy-next-upstream`)."),
        new("proxyNextUpstreamTries", "whole number ≥ 1", "`3`", "Upstream pods tried per request, the first included (`proxy-next-upstream-tries`); all failed: 502 (`dead_endpoint`)."),
        new("proxyConnectTimeout", "duration > 0", "`5s`", "`proxy-connect-timeout`: a SYN to a dead pod costs this before the next try."),
        new("proxyReadTimeout", "duration > 0", "`60s`", "`proxy-read-timeout`: a request that gets no answer from its upstream pod."),
        new("loadBalance", "`round_robin`, `ewma`", "`round_robin`", "`load-balance`: per request, per controller pod. `ewma` (balancer/ewma.lua): of two random pods not tried yet by the request, the lower score; a score is the mean of connect + response time weighted by exp(−Δt/10 s), decaying towards 0 while unused, no in-flight count; new pods start at the mean score."),
        new("upstreamKeepalive", "whole number ≥ 0", "`320`", "`upstream-keepalive-connections`: idle upstream connections a controller pod keeps (least recently used closed first); 0: a new connection per request."),
        new("upstreamKeepaliveRequests", "whole number ≥ 1", "`10000`", "`upstream-keepalive-requests`."),
        new("upstreamKeepaliveTimeout", "duration > 0", "`60s`", "`upstream-keepalive-timeout`."),
        new("tlsHandshakeCpu", "duration", "`0s`", "Controller CPU for a new HTTPS client connection's TLS handshake, charged with its first request: groups whose `host` a `tls` section of the manifests' Ingresses lists (a wildcard `*.example.com` covers one label; a section without hosts, requests without a host); others are plain HTTP."),
        new("syncRateLimit", "number > 0 (per second)", "`0.3`", "`--sync-rate-limit`: endpoint changes reach the controller's balancer at most this often, plus up to 1 s until its workers pick them up (BACKENDS_SYNC_INTERVAL)."),
    ];

    /// <inheritdoc />
    public override AccessSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var exposureKeys = Exposures.SelectMany(k => k.Keys.Select(key => key.Name)).Distinct(StringComparer.Ordinal);
        var c = settings.Section("controller", [.. ControllerKeys, .. exposureKeys],
            $"the controller: {string.Join(", ", ControllerKeys)}, and the keys of the kind it is exposed by");
        var byName = Exposures.ToDictionary(k => k.Name, k => k, StringComparer.Ordinal);
        var exposedBy = c?.Choice("exposedBy", NodePortKind.Instance as FrontDoorKind, byName) ?? NodePortKind.Instance;
        if (c is not null)
        {
            foreach (var other in Exposures.Where(k => k != exposedBy).SelectMany(k => k.Keys.Select(key => key.Name)).Distinct(StringComparer.Ordinal))
            {
                if (c.Has(other) && !exposedBy.Keys.Any(k => k.Name == other))
                {
                    c.Error(other, $"'{other}' is not a key of {exposedBy.Name}, which exposes the controller");
                }
            }
        }
        var exposure = exposedBy.Read(c ?? new NoSettings(settings));
        if (exposure is null)
        {
            return null;
        }
        var controller = new IngressController(
            c?.Int("replicas", 2, 1, 1000) ?? 2,
            c?.Int("workers", 2, 1, 4096) ?? 2,
            c?.Int("backlog", 4096, 0, 1_000_000) ?? 4096,
            c?.Duration("requestCpu", 0.0002) ?? 0.0002,
            c?.Duration("startupTime", 5) ?? 5,
            c?.Choice("externalTrafficPolicy", TrafficPolicy.Cluster, Policies) ?? TrafficPolicy.Cluster,
            exposure);
        if (c is not null && c.Has("deployment"))
        {
            controller = FromWorkload(c, controller);
        }
        var (onError, onTimeout) = NextUpstream(settings);
        return new IngressNginxAccess(settings.String("name", Name), controller, onError, onTimeout,
            settings.Int("proxyNextUpstreamTries", 3, 1, 100),
            settings.Duration("proxyConnectTimeout", 5, positive: true),
            settings.Duration("proxyReadTimeout", 60, positive: true),
            settings.Choice("loadBalance", IngressBalance.RoundRobin, Balances),
            settings.Int("upstreamKeepalive", 320, 0, 1_000_000),
            settings.Int("upstreamKeepaliveRequests", 10000, 1),
            settings.Duration("upstreamKeepaliveTimeout", 60, positive: true),
            settings.Duration("tlsHandshakeCpu", 0),
            SyncRate(settings));
    }

    /// <summary>
    /// The controller of <c>controller.deployment</c>: a Deployment or DaemonSet of the manifests, with its own
    /// replicas (a DaemonSet: one pod per node it fits), placement and startup time; nginx runs one worker process
    /// per CPU of its CPU limit, rounded up (internal/runtime/cpu_linux.go NumCPU: cfs_quota_us / cfs_period_us),
    /// unless <c>workers</c> says otherwise, and a limit below the workers slows each of them down by the ratio.
    /// </summary>
    private static IngressController FromWorkload(IKindSettings c, IngressController built)
    {
        if (c.Has("replicas"))
        {
            c.Error("replicas", "give deployment (the controller's Deployment or DaemonSet in the manifests) or replicas (a built-in controller with these pods), not both");
        }
        if (c.PodSource("deployment") is not var (source, pods))
        {
            return built;
        }
        if (source.Kind is not (PodSourceKind.Deployment or PodSourceKind.DaemonSet))
        {
            c.Error("deployment", $"{source.Key} is a {source.Kind}; ingress-nginx's controller runs as a Deployment or a DaemonSet");
            return built;
        }
        if (pods == 0)
        {
            c.Error("deployment", source.Kind == PodSourceKind.DaemonSet
                ? $"DaemonSet {source.Key} fits no node (nodeSelector, affinity or taints): there would be no controller pod"
                : $"Deployment {source.Key} has replicas: 0: there would be no controller pod");
        }
        int port = source.ContainerPorts.Contains(80) ? 80
            : source.NamedPorts.TryGetValue("http", out int named) ? named
            : source.ContainerPorts.Count > 0 ? source.ContainerPorts[0] : 0;
        if (port == 0)
        {
            c.Error("deployment", $"{source.Kind} {source.Key} has no container port: the controller's Service needs its HTTP port (containerPort 80, or one named http)");
        }
        double limit = source.Cpu.Limit;
        int workers = c.Has("workers") ? built.Workers : limit > 0 ? (int)Math.Clamp(Math.Ceiling(limit - 1e-9), 1, 4096) : built.Workers;
        double scale = limit > 0 && limit < workers ? workers / limit : 1;
        return built with
        {
            Replicas = pods,
            Workers = workers,
            StartupS = c.Has("startupTime") ? built.StartupS : double.NaN,
            Workload = source.Key,
            TargetPort = port,
            CpuScale = scale,
        };
    }

    private static (bool Error, bool Timeout) NextUpstream(IKindSettings settings)
    {
        if (!settings.Has("proxyNextUpstream"))
        {
            return (true, true);
        }
        var words = settings.Words("proxyNextUpstream", "a list of error, timeout (or [off])");
        bool error = false, timeout = false, off = false;
        foreach (var w in words)
        {
            switch (w)
            {
                case "error":
                    error = true;
                    break;
                case "timeout":
                    timeout = true;
                    break;
                case "off":
                    off = true;
                    break;
                default:
                    settings.Error("proxyNextUpstream", $"'{w}' is not modelled in proxyNextUpstream{settings.Hint(w, ["error", "timeout", "off"])}; expected error, timeout, or off (svcsim's upstreams answer 503 only when full, which ingress-nginx passes on by default)");
                    break;
            }
        }
        if (off && (error || timeout))
        {
            settings.Error("proxyNextUpstream", "off cannot be combined with error or timeout");
        }
        return (error, timeout);
    }

    private static double SyncRate(IKindSettings settings)
    {
        if (!settings.Has("syncRateLimit"))
        {
            return 0.3;
        }
        string text = settings.String("syncRateLimit", "0.3");
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double rate)
            || !(rate > 0) || double.IsInfinity(rate))
        {
            settings.Error("syncRateLimit", $"'{text}' is not a rate > 0 (syncs per second, like 0.3)");
            return 0.3;
        }
        return rate;
    }

    /// <inheritdoc />
    public override void Check(AccessSpec spec, VariantCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        // Any Service with a port will do: the controller sends to its pods directly, whatever its type.
    }

    /// <inheritdoc />
    public override (IReadOnlyList<PodSourceSpec> Sources, IReadOnlyList<ServiceSpec> Services) World(
        AccessSpec spec, IReadOnlyList<PodSourceSpec> sources, IReadOnlyList<ServiceSpec> services)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(services);
        var c = ((IngressNginxAccess)spec).Controller;
        var capacity = new PodCapacity(c.Workers, c.Backlog, Distribution.Constant(c.RequestCpuS * c.CpuScale), PodCapacity.NginxKeepaliveTimeoutS);
        IReadOnlyDictionary<string, string> labels;
        List<PodSourceSpec> withController;
        if (c.Workload is { } key)
        {
            // The manifests' controller: its pods, placement and startup, the controller's capacity.
            var own = sources.First(s => s.Key == key);
            labels = own.PodLabels;
            withController = sources.Select(s => s != own ? s : s with
            {
                Capacity = capacity,
                StartupTime = double.IsNaN(c.StartupS) ? s.StartupTime : Distribution.Constant(c.StartupS),
            }).ToList();
        }
        else
        {
            labels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["app.kubernetes.io/name"] = "ingress-nginx", ["app.kubernetes.io/component"] = "controller",
            };
            // The built-in controller replaces a workload of the same name in the manifests.
            withController = [.. sources.Where(s => s.Key != c.SourceKey), new PodSourceSpec(ControllerName, labels, c.Replicas, [80], capacity, [], Distribution.Constant(c.StartupS))
            {
                Namespace = ControllerNamespace,
            }];
        }
        bool nodePort = c.Exposure.Kind is NodePortKind;
        var service = new ServiceSpec(ControllerName, nodePort ? ServiceType.NodePort : ServiceType.LoadBalancer, labels,
            [new ServicePortSpec("http", 80, c.TargetPort, 32080)], c.Policy, HealthCheckNodePort: c.Policy == TrafficPolicy.Local ? 32081 : 0,
            LoadBalancerIp: nodePort ? "" : ControllerAddress, Namespace: c.Namespace);
        // The variant's exposure decides the controller's Service: it replaces one of the same name in the manifests.
        return (withController, [.. services.Where(s => s.Key != c.ServiceKey), service]);
    }

    /// <inheritdoc />
    public override FrontDoor Create(AccessSpec spec, FrontDoorContext context) => new IngressNginxFrontDoor((IngressNginxAccess)spec, context);

    /// <summary>The exposure's settings when <c>controller</c> is not given: none of its keys, errors at the variant.</summary>
    private sealed class NoSettings(IKindSettings outer) : IKindSettings
    {
        public IReadOnlyList<NodeFact> ClusterNodes => outer.ClusterNodes;

        public bool Has(string key) => false;

        public string String(string key, string fallback) => fallback;

        public string? RequiredString(string key, string expected) => outer.RequiredString("controller", $"controller.{key}: {expected}");

        public double Duration(string key, double fallback, bool positive = false, bool allowNever = false) => fallback;

        public double RequiredDuration(string key, string expected, bool positive = true, bool allowNever = false) =>
            outer.RequiredString("controller", $"controller.{key}: {expected}") is null ? 0 : 0;

        public double TimeInRun(string key) => 0;

        public bool Bool(string key, bool fallback) => fallback;

        public int Int(string key, int fallback, int min, int max = int.MaxValue) => fallback;

        public double Fraction(string key, double fallback, bool oneAllowed = false) => fallback;

        public T Choice<T>(string key, T fallback, IReadOnlyDictionary<string, T> words) => fallback;

        public Distribution? RequiredDurations(string key, string expected) => null;

        public string? Node(string key) => null;

        public IReadOnlyList<string>? Nodes(string key, bool required) => required ? null : [];

        public IReadOnlyList<string> NodeAddresses(string key) => [];

        public string NewIp(string key, string? node, bool required) => "";

        public (string Key, int Pods)? Workload(string key) => null;

        public (string Key, string Kind)? WorkloadKind(string key) => null;

        public (PodSourceSpec Source, int Pods)? PodSource(string key) => null;

        public IKindSettings? Section(string key, IReadOnlyList<string> keys, string expected) => null;

        public IReadOnlyList<string> Words(string key, string expected) => [];

        public void Error(string? key, string message) => outer.Error("controller", message);

        public void Warn(string? key, string message) => outer.Warn("controller", message);

        public string Hint(string text, IEnumerable<string> candidates) => outer.Hint(text, candidates);
    }
}
