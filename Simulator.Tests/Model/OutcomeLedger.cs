using Svcsim.Experiments;
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
/// answered. <see cref="Run"/> runs a <c>VariantRunner</c> world with the ledger beside the collector.
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
        var runner = new VariantRunner(spec, variant, replication, ledger);
        foreach (var g in runner.Groups)
        {
            g.Start();
        }
        runner.Simulation.Run(Time.FromSeconds(spec.DurationS + drainS));
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
