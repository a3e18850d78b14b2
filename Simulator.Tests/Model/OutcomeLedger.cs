using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;
using Svcsim.Scenarios;
using Svcsim.Workload;

namespace Svcsim.Tests.Model;

/// <summary>
/// An outcome sink that keeps, for every logical request, how many outcomes it was given (keyed by its start
/// time, which is unique in nanoseconds), so a test can tell a request answered twice from one never
/// answered. <see cref="Run"/> builds the same world as <c>VariantRunner</c>, with the ledger in place of
/// the collector.
/// </summary>
internal sealed class OutcomeLedger : IOutcomeSink
{
    public Dictionary<long, int> OutcomesByStart { get; } = [];

    /// <summary>Outcomes of requests started in [from, to): successes and failures by cause.</summary>
    public List<(long Start, long End, bool Success, FailureCause Cause)> Outcomes { get; } = [];

    public void Record(int group, long start, long end, bool success, FailureCause cause)
    {
        Assert.True(end >= start, "an outcome before its request started");
        OutcomesByStart[start] = OutcomesByStart.GetValueOrDefault(start) + 1;
        Outcomes.Add((start, end, success, cause));
    }

    /// <summary>
    /// Runs <paramref name="variant"/> of <paramref name="spec"/> (one client group) to its duration and
    /// then <paramref name="drainS"/> seconds more, recording outcomes in a new ledger.
    /// </summary>
    public static OutcomeLedger Run(ScenarioSpec spec, AccessSpec variant, int replication, double drainS)
    {
        var ledger = new OutcomeLedger();
        var sim = new Simulation(new RandomStreams(spec.Seed, replication));
        var trace = new Trace();
        var cluster = new Cluster(spec.Nodes, spec.Network, sim.Streams);
        var model = new KubernetesModel(sim, cluster, spec.PodSources, spec.Services, spec.KubeProxy, spec.ControlPlane, trace);
        var client = spec.Clients.Single();
        var service = model.Service(variant is NodePortAccess ? client.NodePortService : client.Service);
        FrontDoor door = variant switch
        {
            NodePortAccess np => new NodePortFrontDoor(sim, np, model, [client.Clients], trace),
            MetalLbL2Access l2 => new MetalLbL2FrontDoor(sim, l2, model, [service], trace),
            MetalLbBgpAccess bgp => new MetalLbBgpFrontDoor(sim, bgp, model, [service], trace),
            CloudLbAccess lb => new CloudLbFrontDoor(sim, lb, model, [service], trace),
            _ => throw new ArgumentException(variant.GetType().Name, nameof(variant)),
        };
        long stopAt = Time.FromSeconds(spec.DurationS);
        var group = new ClientGroup(sim, client, 0, service, door, model, ledger, stopAt);
        _ = new FaultInjector(sim, model, spec.Faults, trace);
        group.Start();
        sim.Run(stopAt + Time.FromSeconds(drainS));
        return ledger;
    }

    /// <summary>
    /// The start times of every logical request an open-loop group of <paramref name="spec"/> sends: its
    /// Poisson arrivals before the end of the run, redrawn from the group's own arrival stream (named
    /// <c>arrivals:&lt;group&gt;</c>, which gives every way of access the same arrivals).
    /// </summary>
    public static List<long> ExpectedStarts(ScenarioSpec spec, int replication)
    {
        var client = spec.Clients.Single();
        var sampler = Distribution.Exponential(1 / client.Rate).CreateSampler(new RandomStreams(spec.Seed, replication).Get($"arrivals:{client.Name}"));
        long stopAt = Time.FromSeconds(spec.DurationS);
        var starts = new List<long>();
        for (long t = sampler.NextNanoseconds(); t < stopAt; t += sampler.NextNanoseconds())
        {
            starts.Add(t);
        }
        return starts;
    }
}
