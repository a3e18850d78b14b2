using Svcsim.Engine;
using Svcsim.Kinds;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access;

/// <summary>
/// An external load balancer in front of the nodes' node ports: it sends each new connection to a node it
/// believes healthy and keeps the connection there (its flow table), and believes what its periodic health
/// checks told it. A check is a connection of its own from the LB to the node, through the same hops as
/// client traffic: to kube-proxy's health port (Cluster policy: 200 while kube-proxy runs), to the
/// healthCheckNodePort (Local policy: 200 only with a local ready endpoint), or with
/// <see cref="CloudLbAccess.ProbeThroughPods"/> an HTTP request on the traffic port that waits in the pods'
/// queues like any request, so an overloaded node fails its checks and is ejected.
/// </summary>
public sealed class CloudLbFrontDoor : FrontDoor, IRequestOwner, IEventTarget
{
    private const int CheckEvent = 0;
    private const int ResultEvent = 1;

    private readonly CloudLbAccess _spec;
    private readonly Node[] _eligible;
    private readonly bool[] _healthy;
    private readonly int[] _failures;
    private readonly int[] _successes;
    private readonly int[] _connections;
    // Kept as targets change, so that a connection's choice never scans the targets: the healthy targets'
    // positions in _eligible in order (random, round robin), and least-connections trees over the positions
    // (healthy ones only, and all for fail-open). Each gives what the scan in _eligible order would.
    private readonly List<int> _healthyPositions = [];
    private readonly int[] _position; // node index -> position in _eligible, -1 when not a target
    private readonly MinPositionTree? _leastHealthy;
    private readonly MinPositionTree? _leastAll;
    private readonly FlowTable<Target> _targets = new();
    private readonly Check[] _checks;
    private readonly Random _random;
    private readonly long _interval;
    private readonly long _timeout;
    private readonly Port _checkPort;
    private readonly int _checkService;
    private int _roundRobin;

    /// <summary>Builds the load balancer and starts its health checks.</summary>
    public CloudLbFrontDoor(CloudLbAccess spec, FrontDoorContext context)
        : base(context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        // Cloud controllers register every node not labelled exclude-from-external-load-balancers, up to the
        // LB's target limits: the first nodes in node order, per zone and in all.
        var candidates = Cluster.Nodes.Where(n => !n.Spec.ExcludeFromExternalLoadBalancers).ToList();
        _eligible = Registered(candidates, spec.MaxTargetsPerZone, spec.MaxTargets);
        if (_eligible.Length < candidates.Count)
        {
            Trace.Add(Sim.Now, "cloud-lb", EventKinds.LbTargetLimit,
                $"cloud LB registered {_eligible.Length} of {candidates.Count} nodes (limits: {Limit(spec.MaxTargetsPerZone)} per zone, {Limit(spec.MaxTargets)} in all)");
        }
        int count = Cluster.Nodes.Count;
        _healthy = new bool[count];
        _failures = new int[count];
        _successes = new int[count];
        _connections = new int[count];
        _checks = new Check[count];
        _position = new int[count];
        Array.Fill(_position, -1);
        if (spec.Algorithm == LbAlgorithm.LeastConnections)
        {
            _leastHealthy = new MinPositionTree(_eligible.Length);
            _leastAll = new MinPositionTree(_eligible.Length);
        }
        _random = Sim.Streams.Get("cloud-lb");
        _interval = Time.FromSeconds(spec.HealthCheck.IntervalS);
        _timeout = Time.FromSeconds(spec.HealthCheck.TimeoutS);
        // One check per node for the LB, on the port its Services' policy asks for.
        var local = GroupServices.FirstOrDefault(s => s.Spec.ExternalTrafficPolicy == TrafficPolicy.Local);
        _checkService = (local ?? GroupServices[0]).Index;
        _checkPort = spec.ProbeThroughPods ? Port.Service : local is not null ? Port.HealthCheckNodePort : Port.ProxyHealthz;
        for (int k = 0; k < _eligible.Length; k++)
        {
            var n = _eligible[k];
            _healthy[n.Index] = true;
            _position[n.Index] = k;
            _healthyPositions.Add(k);
            _leastHealthy?.Set(k, 0);
            _leastAll?.Set(k, 0);
            _checks[n.Index] = new Check(this, n, new Connection(Cluster.NewConnectionId()) { Group = -1, Client = n.Index, Service = _checkService, Port = _checkPort });
            // Each node's checker starts at a phase of its own, drawn afresh in every replication.
            Sim.Schedule(Sim.Streams.Phase($"cloud-lb-check:{n.Name}", _interval), this, CheckEvent, n);
        }
    }

    private static string Limit(int limit) => limit > 0 ? limit.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";

    private static Node[] Registered(List<Node> candidates, int perZone, int total)
    {
        var perZoneCount = new Dictionary<string, int>(StringComparer.Ordinal);
        var registered = new List<Node>(candidates.Count);
        foreach (var n in candidates)
        {
            if (total > 0 && registered.Count >= total)
            {
                break;
            }
            int inZone = perZoneCount.GetValueOrDefault(n.Spec.Zone);
            if (perZone > 0 && inZone >= perZone)
            {
                continue;
            }
            perZoneCount[n.Spec.Zone] = inZone + 1;
            registered.Add(n);
        }
        return [.. registered];
    }

    /// <summary>Nodes registered as the LB's targets, in node order.</summary>
    public IReadOnlyList<Node> Targets => _eligible;

    /// <summary>Whether the LB currently believes <paramref name="node"/> healthy.</summary>
    public bool IsHealthy(Node node) => _healthy[node.Index];

    // ---- client traffic ----

    /// <inheritdoc />
    public override Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Record(depth, this);
        ref var target = ref _targets[connection.Id];
        if (request is null && target.Node is null)
        {
            Node? chosen = Choose(healthyOnly: true);
            if (chosen is null && _spec.FailOpen)
            {
                chosen = Choose(healthyOnly: false); // every target unhealthy: send to all of them
            }
            if (chosen is null)
            {
                return Delivery.Lose(FailureCause.NoRoute);
            }
            Count(chosen, +1);
            target = new Target(chosen);
        }
        // The LB's flow table keeps a connection (and its SYN retransmissions) on the target it chose.
        var node = target.Node!;
        if (!node.Up)
        {
            return Delivery.Lose(FailureCause.NodeDown);
        }
        long bytes = Bytes(request);
        return Enter(connection, request, depth, node.FromFrontDoor.Send(Cluster.ClientToFrontDoor.Send(at, bytes), bytes), node);
    }

    /// <inheritdoc />
    protected override long ToClient(Node entry, long at, long bytes) => Cluster.FrontDoorToClient.Send(entry.ToFrontDoor.Send(at, bytes), bytes);

    /// <inheritdoc />
    public override void Closed(Connection connection)
    {
        base.Closed(connection);
        ref var target = ref _targets[connection.Id];
        if (target.Node is { } node)
        {
            Count(node, -1);
            target = default;
        }
    }

    /// <inheritdoc />
    public override bool IsAnnouncedEntry(Node node) => _healthy[node.Index];

    private void Count(Node node, int change)
    {
        int i = node.Index;
        _connections[i] += change;
        if (_leastAll is not null && _position[i] >= 0)
        {
            _leastAll.Set(_position[i], _connections[i]);
            if (_healthy[i])
            {
                _leastHealthy!.Set(_position[i], _connections[i]);
            }
        }
    }

    private void SetHealthy(Node node, bool healthy)
    {
        int i = node.Index;
        _healthy[i] = healthy;
        int k = _position[i];
        if (k < 0)
        {
            return;
        }
        int at = _healthyPositions.BinarySearch(k);
        if (healthy && at < 0)
        {
            _healthyPositions.Insert(~at, k);
            _leastHealthy?.Set(k, _connections[i]);
        }
        else if (!healthy && at >= 0)
        {
            _healthyPositions.RemoveAt(at);
            _leastHealthy?.Remove(k);
        }
    }

    private Node? Choose(bool healthyOnly)
    {
        // O(log n) at most per new connection, whatever the number of targets.
        int n = _eligible.Length;
        if (n == 0)
        {
            return null;
        }
        switch (_spec.Algorithm)
        {
            case LbAlgorithm.RoundRobin:
            {
                // The first target at or after the cursor (in _eligible order, wrapping) that qualifies.
                int k;
                if (!healthyOnly)
                {
                    k = _roundRobin;
                }
                else if (_healthyPositions.Count == 0)
                {
                    return null;
                }
                else if (_healthy[_eligible[_roundRobin].Index])
                {
                    k = _roundRobin; // the cursor's own target qualifies (the usual case): no search
                }
                else
                {
                    int at = _healthyPositions.BinarySearch(_roundRobin);
                    if (at < 0)
                    {
                        at = ~at;
                    }
                    k = _healthyPositions[at < _healthyPositions.Count ? at : 0];
                }
                _roundRobin = (k + 1) % n;
                return _eligible[k];
            }
            case LbAlgorithm.LeastConnections:
            {
                int best = (healthyOnly ? _leastHealthy! : _leastAll!).Best;
                return best < 0 ? null : _eligible[best];
            }
            default:
            {
                int healthy = healthyOnly ? _healthyPositions.Count : n;
                if (healthy == 0)
                {
                    return null;
                }
                int pick = _random.Next(healthy);
                return _eligible[healthyOnly ? _healthyPositions[pick] : pick];
            }
        }
    }

    // ---- health checks ----

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        if (kind == ResultEvent)
        {
            var result = (Check)payload!;
            if ((data >> 1) == result.Generation && result.Running)
            {
                Finish(result, ok: (data & 1) == 1);
            }
            return;
        }
        var node = (Node)payload!;
        Sim.Schedule(_interval, this, CheckEvent, node);
        var check = _checks[node.Index];
        if (check.Running)
        {
            return; // the previous check is still running: its timeout decides it
        }
        check.Start(Sim.Now, _timeout);
    }

    private void Finish(Check check, bool ok)
    {
        check.End();
        int i = check.Node.Index;
        var node = check.Node;
        if (ok)
        {
            _failures[i] = 0;
            if (!_healthy[i] && ++_successes[i] >= _spec.HealthCheck.HealthyThreshold)
            {
                SetHealthy(node, true);
                Trace.Add(Sim.Now, node.Name, EventKinds.LbHealthy, $"cloud LB marked {node.Name} healthy");
            }
        }
        else
        {
            _successes[i] = 0;
            if (_healthy[i] && ++_failures[i] >= _spec.HealthCheck.UnhealthyThreshold)
            {
                SetHealthy(node, false);
                Trace.Add(Sim.Now, node.Name, EventKinds.LbUnhealthy, $"cloud LB marked {node.Name} unhealthy after {_failures[i]} failed checks");
            }
        }
    }

    private void Report(Check check, long at, bool ok) =>
        Sim.ScheduleAt(Math.Max(at, Sim.Now), this, ResultEvent, check, (check.Generation << 1) | (ok ? 1L : 0L));

    // ---- a check's HTTP request served by a pod (ProbeThroughPods) ----

    void IRequestOwner.OnServiceStarted(Request request, long end)
    {
    }

    void IRequestOwner.OnQueued(Request request)
    {
    }

    void IRequestOwner.OnServed(Request request, bool rejected)
    {
        var probe = (CheckRequest)request;
        var check = probe.Check;
        if (probe.Generation != check.Generation || !check.Running)
        {
            return;
        }
        long back = check.Connection.Return(Sim.Now, 200);
        if (back >= 0)
        {
            Report(check, check.Node.ToFrontDoor.Send(back, 200), ok: !rejected);
        }
    }

    void IRequestOwner.OnLost(Request request, bool reset)
    {
    }

    /// <summary>One node's health check: a connection from the LB to the node, opened afresh for every check.</summary>
    private sealed class Check(CloudLbFrontDoor lb, Node node, Connection connection)
    {
        public Node Node { get; } = node;

        public Connection Connection { get; } = connection;

        public long Generation { get; private set; }

        public bool Running { get; private set; }

        private CheckRequest? _request;

        public void Start(long now, long timeout)
        {
            Running = true;
            Generation++;
            // A fresh request per check (rare, so the allocation does not matter): an abandoned check may
            // still sit in a pod's backlog and must not be confused with this one.
            _request = new CheckRequest(this) { Owner = lb, Connection = Connection, Generation = Generation, RequestBytes = 100, ResponseBytes = 200 };
            lb.Report(this, now + timeout, ok: false); // no answer by the timeout: failed
            if (!Node.Up)
            {
                return;
            }
            var proxy = lb.Proxies.On(Node);
            var syn = proxy.Receive(Connection, null, 0, Node.FromFrontDoor.Send(now, Segments.Control));
            if (syn.Fate == Fate.Refused)
            {
                lb.Report(this, Node.ToFrontDoor.Send(syn.At, Segments.Control), ok: false); // connection refused
                return;
            }
            if (syn.Fate != Fate.Answered)
            {
                return; // nothing answers: the timeout decides
            }
            long synAck = Node.ToFrontDoor.Send(syn.At, Segments.Control);
            _request.SentAt = synAck;
            var get = proxy.Receive(Connection, _request, 0, Node.FromFrontDoor.Send(synAck, _request.RequestBytes));
            if (get.Travels)
            {
                // kube-proxy's health server answers at once: 200, or 503 / an RST.
                lb.Report(this, Node.ToFrontDoor.Send(get.At, 200), ok: get.Fate == Fate.Answered);
            }
        }

        public void End()
        {
            Running = false;
            Connection.Close();
        }
    }

    private sealed class CheckRequest(Check check) : Request
    {
        public Check Check { get; } = check;
    }

    private record struct Target(Node? Node);
}

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
/// <param name="MaxTargets">At most this many nodes are registered as targets (the first in node order); 0: no limit.</param>
/// <param name="MaxTargetsPerZone">At most this many nodes of each zone are registered; 0: no limit.</param>
public sealed record CloudLbAccess(
    string Name,
    HealthCheckSpec HealthCheck,
    LbAlgorithm Algorithm = LbAlgorithm.RoundRobin,
    bool FailOpen = true,
    bool ProbeThroughPods = false,
    int MaxTargets = 0,
    int MaxTargetsPerZone = 0) : AccessSpec(Name)
{
    /// <inheritdoc />
    public override FrontDoorKind Kind => CloudLbKind.Instance;
}

/// <summary><c>kind: cloud-lb</c>.</summary>
public sealed class CloudLbKind : FrontDoorKind
{
    /// <summary>The keys of <c>healthCheck</c>.</summary>
    public static readonly string[] HealthCheckKeys = ["interval", "timeout", "unhealthyThreshold", "healthyThreshold"];

    private static readonly Dictionary<string, LbAlgorithm> Algorithms = new(StringComparer.Ordinal)
    {
        ["roundRobin"] = LbAlgorithm.RoundRobin, ["leastConnections"] = LbAlgorithm.LeastConnections, ["random"] = LbAlgorithm.Random,
    };

    /// <summary>
    /// What each cloud does when every backend fails its health check. AWS NLB fails open
    /// (kubernetes-behaviour.md, "Cloud load balancers"); GCE passthrough load balancers spread over all
    /// backends unless dropTrafficIfUnhealthy is set; Azure's default probe behaviour (AllProbedDown)
    /// sends no new flows; a Classic ELB with no healthy instance answers nothing (svcsim's reading).
    /// </summary>
    private static readonly Dictionary<string, bool> PresetFailOpen = new(StringComparer.Ordinal)
    {
        ["azure"] = false, ["gce"] = true, ["aws-clb"] = false, ["aws-nlb"] = true,
    };

    /// <summary>
    /// Each cloud's documented limit on the targets of one load balancer, (in all, per zone); 0: none
    /// published. AWS NLB: 500 targets per Availability Zone and 3,000 per load balancer (Elastic Load
    /// Balancing quotas, "Quotas for your Network Load Balancers"); Classic ELB: 1,000 registered instances
    /// ("Quotas for your Classic Load Balancer"); Azure Standard Load Balancer: a backend pool of up to
    /// 1,000 instances (Azure Load Balancer SKU comparison; Basic: 300). GCE's external passthrough
    /// load balancer publishes none (an internal one without GKE subsetting takes at most 250 nodes: set
    /// maxTargets: 250).
    /// </summary>
    private static readonly Dictionary<string, (int Total, int PerZone)> PresetTargets = new(StringComparer.Ordinal)
    {
        ["azure"] = (1000, 0), ["gce"] = (0, 0), ["aws-clb"] = (1000, 0), ["aws-nlb"] = (3000, 500),
    };

    private CloudLbKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static CloudLbKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "cloud-lb";

    /// <inheritdoc />
    public override string Summary => "a cloud load balancer in front of the nodes' node ports, with active health checks. Needs a LoadBalancer Service. Give a `preset`, a full `healthCheck`, or a preset and the fields of `healthCheck` that differ from it.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("preset", "`azure`, `gce`, `aws-clb`, `aws-nlb`", "—", "The health checks of kubernetes-behaviour.md, \"Cloud load balancers\"."),
        new("healthCheck", "`interval`, `timeout` (durations > 0, timeout ≤ interval), `unhealthyThreshold`, `healthyThreshold` (whole numbers ≥ 1)", "the preset's", "azure 5 s/5 s/2/1; gce 8 s/1 s/3/1; aws-clb 10 s/5 s/6/2; aws-nlb 30 s/10 s/3/3 (cloud-provider-aws `aws_loadbalancer.go`, GCE provider constants, cloud-provider-azure consts)."),
        new("algorithm", "`roundRobin`, `leastConnections`, `random`", "`roundRobin`", ""),
        new("failOpen", "true/false", "azure `false`, gce `true`, aws-clb `false`, aws-nlb `true`; `true` without a preset", "When every node fails its check: an NLB sends to all (kubernetes#73362); GCE passthrough LBs spread over all unless `dropTrafficIfUnhealthy`; Azure's default `noHealthyBackendsBehavior` is AllProbedDown (no new flows); a Classic ELB with no healthy instance is taken to refuse."),
        new("maxTargets", "integer >= 0", "azure `1000`, aws-clb `1000`, aws-nlb `3000`, gce and no preset `0` (no limit)", "Nodes registered as targets at most, the first in node order; the rest never get traffic. AWS quotas for Network (3,000 per NLB) and Classic (1,000 registered instances) Load Balancers; Azure Standard SKU backend pool 1,000 instances. GCE publishes none for external passthrough LBs; an internal one without GKE subsetting takes at most 250 nodes."),
        new("maxTargetsPerZone", "integer >= 0", "aws-nlb `500`, others `0` (no limit)", "Registered targets per zone at most (AWS NLB: 500 per Availability Zone)."),
        new("probeThroughPods", "true/false", "`false`", "The check is an HTTP request on the service's traffic port, answered by a pod behind kube-proxy, so it waits behind queued work and times out under load (how overload cascades through health checks). `false`: kube-proxy's health port (10256) with Cluster policy, the healthCheckNodePort with Local policy, answered without pod work."),
    ];

    /// <inheritdoc />
    public override AccessSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        HealthCheckSpec? preset = null;
        string? presetName = null;
        if (settings.Has("preset") && settings.String("preset", "") is { Length: > 0 } pn)
        {
            presetName = pn;
            if (!HealthCheckSpec.Presets.TryGetValue(presetName, out preset))
            {
                settings.Error("preset", $"unknown cloud-lb preset '{presetName}'{settings.Hint(presetName, HealthCheckSpec.Presets.Keys)}; expected one of: {string.Join(", ", HealthCheckSpec.Presets.Keys)}");
                return null;
            }
        }
        var hc = settings.Section("healthCheck", HealthCheckKeys, "a health check (interval, timeout, unhealthyThreshold, healthyThreshold)");
        if (preset is null && hc is null)
        {
            settings.Error(null, $"needs a preset ({string.Join(", ", HealthCheckSpec.Presets.Keys)}) or a healthCheck with interval, timeout, unhealthyThreshold and healthyThreshold");
            return null;
        }
        var check = preset ?? new HealthCheckSpec(0, 0, 0, 0);
        if (hc is not null)
        {
            if (preset is null)
            {
                foreach (string key in HealthCheckKeys)
                {
                    if (!hc.Has(key))
                    {
                        hc.RequiredString(key, "every health-check setting when there is no preset");
                    }
                }
            }
            check = new HealthCheckSpec(
                hc.Duration("interval", check.IntervalS, positive: true),
                hc.Duration("timeout", check.TimeoutS, positive: true),
                hc.Int("unhealthyThreshold", check.UnhealthyThreshold, min: 1),
                hc.Int("healthyThreshold", check.HealthyThreshold, min: 1));
            if (check.TimeoutS > check.IntervalS && check.IntervalS > 0)
            {
                hc.Error(hc.Has("timeout") ? "timeout" : null, $"timeout {MetalLbL2Kind.Seconds(check.TimeoutS)} is longer than interval {MetalLbL2Kind.Seconds(check.IntervalS)}");
            }
        }
        bool failOpen = settings.Bool("failOpen", presetName is null || PresetFailOpen[presetName]);
        string name = settings.String("name", presetName is null ? Name : $"{Name}-{presetName}");
        bool throughPods = settings.Bool("probeThroughPods", false);
        var limits = presetName is null ? (Total: 0, PerZone: 0) : PresetTargets[presetName];
        return new CloudLbAccess(name, check, settings.Choice("algorithm", LbAlgorithm.RoundRobin, Algorithms), failOpen, throughPods,
            settings.Int("maxTargets", limits.Total, 0), settings.Int("maxTargetsPerZone", limits.PerZone, 0));
    }

    /// <inheritdoc />
    public override void Check(AccessSpec spec, VariantCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        foreach (var (_, s) in check.LoadBalancerServices())
        {
            if (s.NodePort == 0)
            {
                check.Error($"{Name} sends to the nodes' node ports, but Service {s.Name} has none (allocateLoadBalancerNodePorts: false)");
            }
        }
    }

    /// <inheritdoc />
    public override FrontDoor Create(AccessSpec spec, FrontDoorContext context) => new CloudLbFrontDoor((CloudLbAccess)spec, context);
}
