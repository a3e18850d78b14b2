using Svcsim.Access;
using Svcsim.Dataplane;
using Svcsim.Engine;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Measurement;
using Svcsim.Network;
using Svcsim.Scenarios;
using Svcsim.Workload;

namespace Svcsim.Experiments;

/// <summary>
/// Builds one independent world (cluster, Kubernetes, a way of access, clients, faults, measurement)
/// for one variant and one replication of a scenario, and runs it.
/// </summary>
public sealed class VariantRunner
{
    private readonly ScenarioSpec _spec;
    private readonly AccessSpec _variant;
    private readonly int _replication;
    private bool _started;

    /// <summary>Builds the world; <paramref name="outcomes"/>, when given, is told every outcome too (as the collector is).</summary>
    public VariantRunner(ScenarioSpec spec, AccessSpec variant, int replication, IOutcomeSink? outcomes = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(variant);
        _spec = spec;
        _variant = variant;
        _replication = replication;
        Trace = new Trace { EachMember = spec.Measurement.EachNodeInEvents(spec.Nodes.Count) };
        // Timers a second or more ahead (leases, health checks, probes, windows: one per node or target at
        // scale) wait apart from the packets and service times, microseconds to milliseconds ahead.
        Simulation = new Simulation(new RandomStreams(spec.Seed, replication), farAfter: Time.Second);
        var cluster = new Cluster(spec.Nodes, spec.Network, Simulation.Streams);
        var (sources, services) = variant.Kind.World(variant, spec.PodSources, spec.Services);
        Model = new KubernetesModel(Simulation, cluster, sources, services, spec.ControlPlane, Trace, spec.DisruptionBudgets);
        Proxies = new ServiceProxies(Simulation, Model, variant.KubeProxy ?? spec.KubeProxy, Trace);
        Collector = new Collector(Simulation, spec.Measurement, Model, spec.DurationS, MaxRequestS(spec));
        Model.PodProbe = Collector;
        var groupServices = spec.Clients
            .Select(c => Model.Service(variant.Kind.UsesNodePortService && c.NodePortService.Length > 0 ? c.NodePortService : c.Service))
            .ToList();
        var context = new FrontDoorContext(Simulation, Model, Proxies, groupServices, spec.Clients.Select(c => c.Clients).ToList(), Trace, Collector,
            spec.Clients.Any(c => c.IngressService is not null) ? spec.Clients.Select(c => c.IngressService).ToList() : null,
            spec.Clients.Any(c => c.Tls) ? spec.Clients.Select(c => c.Tls).ToList() : null)
        {
            GroupNodes = spec.Clients.Select(c => c.Nodes).ToList(),
        };
        FrontDoor = variant.Kind.Create(variant, context);
        long stopAt = Time.FromSeconds(spec.DurationS);
        IOutcomeSink sink = outcomes is null ? Collector : new BothSinks(Collector, outcomes);
        Groups = spec.Clients.Select((c, i) => new ClientGroup(Simulation, c, i, groupServices[i], FrontDoor, cluster, sink, Collector, stopAt)).ToList();
        _ = new FaultInjector(Simulation, Model, spec.Faults, Trace);
    }

    /// <summary>
    /// The longest a logical request can take: every attempt's timeout plus generous back-offs. After the
    /// end of the run, the world runs this much longer so every request sent has its outcome.
    /// </summary>
    public static double MaxRequestS(ScenarioSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Clients.Count == 0 ? 0 : spec.Clients.Max(c => (c.Retries + 1) * (c.TimeoutS + 4 * c.RetryBackoff.Mean));
    }

    /// <summary>The event loop of this world.</summary>
    public Simulation Simulation { get; }

    /// <summary>The timeline.</summary>
    public Trace Trace { get; }

    /// <summary>The Kubernetes model.</summary>
    public KubernetesModel Model { get; }

    /// <summary>Each node's service proxy.</summary>
    public ServiceProxies Proxies { get; }

    /// <summary>The way of access.</summary>
    public FrontDoor FrontDoor { get; }

    /// <summary>The measurements.</summary>
    public Collector Collector { get; }

    /// <summary>The client groups.</summary>
    public IReadOnlyList<ClientGroup> Groups { get; }

    /// <summary>
    /// Runs to the scenario's duration, then lets requests already sent finish (no new ones start), so
    /// every request started before the end has its outcome.
    /// </summary>
    public VariantRunResult Run()
    {
        foreach (var g in Groups)
        {
            g.Start();
        }
        long end = Time.FromSeconds(_spec.DurationS);
        Simulation.Run(end);
        // Periodic activity (leases, health checks) never stops, so drain in slices until every request
        // sent has its outcome; the bound only guards against a model bug.
        long limit = end + Time.FromSeconds(10 * MaxRequestS(_spec)) + Time.Second;
        while (Groups.Any(g => g.Outstanding > 0) && Simulation.Now < limit)
        {
            Simulation.Run(Simulation.Now + Time.Second);
        }
        return Collector.Finish(_variant.Name, _replication, _spec.Seed, Trace, Simulation.EventsProcessed);
    }

    /// <summary>
    /// Runs until <paramref name="requests"/> outcomes have been counted (for speed measurements: the
    /// scenario's duration should be long enough that arrivals do not stop first). Can be called again
    /// with a larger count to go on. Returns the count.
    /// </summary>
    public long RunUntilRequests(long requests)
    {
        if (!_started)
        {
            _started = true;
            foreach (var g in Groups)
            {
                g.Start();
            }
        }
        long end = Time.FromSeconds(_spec.DurationS);
        while (Collector.Requests < requests && Simulation.Now < end)
        {
            Simulation.Run(Simulation.Now + Time.Second);
        }
        return Collector.Requests;
    }

    private sealed class BothSinks(IOutcomeSink first, IOutcomeSink second) : IOutcomeSink
    {
        public void Record(int group, long start, long end, bool success, FailureCause cause)
        {
            first.Record(group, start, end, success, cause);
            second.Record(group, start, end, success, cause);
        }
    }
}
