using System.Globalization;
using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Faults;
using Svcsim.Scenarios;

namespace Svcsim.Experiments;

/// <summary>
/// What running a scenario will cost, estimated from the scenario alone before any world is built: engine
/// events (requests x events per request, plus periodic timers and window sampling, over the duration, for
/// every way of access and replication), the events pending at once, and the memory the results and one
/// world take. <see cref="Problems"/> are settings the engine cannot represent (always refused);
/// <see cref="OverBudget"/> is a cost above <see cref="Budget"/> that runs only with <c>--force</c>.
/// The figures are deliberately rough (within a few times of the truth): they exist to stop a mistyped unit
/// (a 1 ns window, <c>rate: 1e12/s</c>) from running into memory or for days, not to predict run times.
/// </summary>
public sealed record CostEstimate
{
    /// <summary>Engine events one request costs on average (arrival, hops, service, reply; measured about 4 on the seed scenario).</summary>
    public const double EventsPerRequest = 6;

    /// <summary>Shortest period of any repeating timer, window or outage resolution, in seconds.</summary>
    public const double MinPeriodS = 1e-3;

    /// <summary>
    /// Longest a run may last, its drain included (every request sent gets its outcome), in seconds: 100 years
    /// of nanoseconds stay far inside a 64-bit clock, so sums of timings cannot overflow.
    /// </summary>
    public const double MaxSimulatedS = 100 * 365.25 * 86400;

    /// <summary>Most windows (or outage-resolution buckets) of one run: their counters are arrays.</summary>
    public const long MaxBucketsPerRun = 50_000_000;

    /// <summary>Bytes one window row kept in memory until written takes (a node or pod in one window).</summary>
    private const double BytesPerRow = 160;

    /// <summary>The stated bounds a run may exceed only with <c>--force</c>.</summary>
    public static class Budget
    {
        /// <summary>Engine events of a whole run or sweep: about an hour or two on two cores.</summary>
        public const double MaxEvents = 1e10;

        /// <summary>Memory for the results and one world, in bytes (8 GiB).</summary>
        public const double MaxBytes = 8.0 * 1024 * 1024 * 1024;

        /// <summary>Kubernetes' supported cluster size (kubernetes.io "Considerations for large clusters").</summary>
        public const int MaxNodes = 5_000;

        /// <summary>Kubernetes' supported number of pods in one cluster.</summary>
        public const int MaxPods = 150_000;
    }

    /// <summary>Worlds to run: ways of access times replications.</summary>
    public long Runs { get; init; }

    /// <summary>Requests offered per simulated second (closed-loop users at their think time).</summary>
    public double RequestsPerS { get; init; }

    /// <summary>Engine events of every run together.</summary>
    public double Events { get; init; }

    /// <summary>Most events pending at once in one world (users, requests in flight up to their timeout, timers).</summary>
    public double PeakPending { get; init; }

    /// <summary>Windows of one run.</summary>
    public double WindowsPerRun { get; init; }

    /// <summary>Bytes of memory: every run's window rows, plus one world.</summary>
    public double Bytes { get; init; }

    /// <summary>Nodes of the cluster.</summary>
    public int Nodes { get; init; }

    /// <summary>Pods of every Deployment.</summary>
    public long Pods { get; init; }

    /// <summary>Settings the engine cannot represent: input errors whatever the budget.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Estimates <paramref name="spec"/>.</summary>
    public static CostEstimate Of(ScenarioSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<string>();
        var m = spec.Measurement;
        var cp = spec.ControlPlane;
        int nodes = spec.Nodes.Count;
        // A DaemonSet runs at most one pod per node.
        long PodsOf(Svcsim.Kubernetes.PodSourceSpec d) => d.Kind == Svcsim.Kubernetes.PodSourceKind.DaemonSet ? nodes : d.Replicas;
        long pods = spec.PodSources.Sum(PodsOf);
        long runs = (long)spec.Replications * spec.Variants.Count;

        void Period(string field, double seconds)
        {
            if (seconds < MinPeriodS)
            {
                problems.Add($"{field} is {Seconds(seconds)}: below {Seconds(MinPeriodS)}, the shortest period svcsim simulates");
            }
        }
        Period("measurement.window", m.WindowS);
        Period("measurement.outageResolution", m.OutageResolutionS);
        Period("controlPlane.leaseRenew", cp.LeaseRenewS);
        Period("controlPlane.nodeMonitorPeriod", cp.NodeMonitorPeriodS);
        for (int i = 0; i < spec.Variants.Count; i++)
        {
            if (spec.Variants[i] is CloudLbAccess lb)
            {
                Period($"variants[{i}] ({lb.Name}) healthCheck.interval", lb.HealthCheck.IntervalS);
            }
            else if (spec.Variants[i] is MetalLbL2Access l2)
            {
                Period($"variants[{i}] ({l2.Name}) probeInterval", l2.ProbeIntervalS);
            }
        }
        var random = spec.Faults.OfType<RandomNodeFailures>().ToList();
        foreach (var f in random)
        {
            if (f.TimeToFailure.Mean < MinPeriodS || f.TimeToRepair.Mean < MinPeriodS)
            {
                problems.Add($"random node failures with a mean time to failure of {Seconds(f.TimeToFailure.Mean)} and to repair of {Seconds(f.TimeToRepair.Mean)}: below {Seconds(MinPeriodS)}, the shortest period svcsim simulates");
            }
        }
        double drain = VariantRunner.MaxRequestS(spec);
        double simulated = spec.DurationS + 10 * drain + 1;
        if (!(simulated <= MaxSimulatedS))
        {
            problems.Add($"a run of {Seconds(spec.DurationS)} whose requests may take {Seconds(drain)} each (all attempts, timeouts and back-offs) runs past {Seconds(MaxSimulatedS)}, the longest svcsim simulates");
        }
        double measured = Math.Max(spec.DurationS - m.WarmupS, 0);
        double windows = Math.Ceiling(measured / Math.Max(m.WindowS, 1e-300));
        double buckets = Math.Ceiling(measured / Math.Max(m.OutageResolutionS, 1e-300));
        if (windows > MaxBucketsPerRun || buckets > MaxBucketsPerRun)
        {
            problems.Add($"{Count(Math.Max(windows, buckets))} windows or outage-resolution steps per run (duration {Seconds(spec.DurationS)}, window {Seconds(m.WindowS)}, outageResolution {Seconds(m.OutageResolutionS)}): more than {Count(MaxBucketsPerRun)}");
        }

        double rate = spec.Clients.Sum(c => c.Rate > 0 ? c.Rate : c.Users / Math.Max(c.ThinkTime.Mean + 1e-3, 1e-3));
        double users = spec.Clients.Sum(c => (double)c.Users);
        double inFlight = spec.Clients.Sum(c => (c.Rate > 0 ? c.Rate : 0) * Math.Max(c.TimeoutS, 0));
        double timersPerS = nodes / Math.Max(cp.LeaseRenewS, 1e-300) + 1 / Math.Max(cp.NodeMonitorPeriodS, 1e-300)
            + (1 + nodes + pods) / Math.Max(m.WindowS, 1e-300)
            + random.Sum(f => (f.Nodes.Count == 0 ? nodes : f.Nodes.Count) * 2 / Math.Max(f.TimeToFailure.Mean + f.TimeToRepair.Mean, 1e-300));
        double events = 0;
        foreach (var v in spec.Variants)
        {
            double own = v is CloudLbAccess lb ? 2.0 * nodes / Math.Max(lb.HealthCheck.IntervalS, 1e-300) : 0;
            events += (rate * EventsPerRequest + timersPerS + own) * (spec.DurationS + drain) + spec.Faults.Count * (nodes + 10.0);
        }
        events *= spec.Replications;
        double pending = users + inFlight + 4.0 * nodes + 2.0 * pods
            + spec.Variants.OfType<CloudLbAccess>().Select(_ => 2.0 * nodes).DefaultIfEmpty(0).Max();
        if (pending > EventQueue.MaxPending)
        {
            problems.Add($"about {Count(pending)} events would be pending at once ({Count(users)} users, {Count(inFlight)} requests in flight up to their timeout, timers of {nodes} nodes and {pods} pods): more than the {Count(EventQueue.MaxPending)} the engine holds");
        }
        long workers = spec.PodSources.Sum(d => PodsOf(d) * d.Capacity.Workers);
        double clients = spec.Clients.Sum(c => (double)c.Clients);
        double world = nodes * 8192.0 + pods * 1024.0 + workers * 16.0 + users * 256 + clients * 64 + pending * 48 + (windows + buckets) * 128;
        double rows = runs * windows * (1.0 + nodes + pods);
        return new CostEstimate
        {
            Runs = runs,
            RequestsPerS = rate,
            Events = events,
            PeakPending = pending,
            WindowsPerRun = windows,
            Bytes = rows * BytesPerRow + world,
            Nodes = nodes,
            Pods = pods,
            Problems = problems,
        };
    }

    /// <summary>The estimate of several scenarios run one after another (a sweep's points, a glob of files).</summary>
    public static CostEstimate Sum(IEnumerable<CostEstimate> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var all = parts.ToList();
        return new CostEstimate
        {
            Runs = all.Sum(p => p.Runs),
            RequestsPerS = all.Count == 0 ? 0 : all.Max(p => p.RequestsPerS),
            Events = all.Sum(p => p.Events),
            PeakPending = all.Count == 0 ? 0 : all.Max(p => p.PeakPending),
            WindowsPerRun = all.Count == 0 ? 0 : all.Max(p => p.WindowsPerRun),
            // Each scenario's results are written and dropped before the next one runs.
            Bytes = all.Count == 0 ? 0 : all.Max(p => p.Bytes),
            Nodes = all.Count == 0 ? 0 : all.Max(p => p.Nodes),
            Pods = all.Count == 0 ? 0 : all.Max(p => p.Pods),
            Problems = all.SelectMany(p => p.Problems).Distinct().ToList(),
        };
    }

    /// <summary>Why the cost is above <see cref="Budget"/> (so it needs <c>--force</c>); null when within.</summary>
    public string? OverBudget()
    {
        var over = new List<string>();
        if (!(Events <= Budget.MaxEvents))
        {
            over.Add($"about {Count(Events)} engine events (limit {Count(Budget.MaxEvents)}; {Count(RequestsPerS)} requests/s over {Runs} runs)");
        }
        if (!(Bytes <= Budget.MaxBytes))
        {
            over.Add($"about {Bytes / (1024.0 * 1024 * 1024):0.#} GiB of memory (limit {Budget.MaxBytes / (1024.0 * 1024 * 1024):0} GiB; {Count(WindowsPerRun)} windows per run, {Nodes} nodes, {Pods} pods)");
        }
        if (Nodes > Budget.MaxNodes)
        {
            over.Add($"{Nodes} nodes (Kubernetes supports {Budget.MaxNodes})");
        }
        if (Pods > Budget.MaxPods)
        {
            over.Add($"{Pods} pods (Kubernetes supports {Budget.MaxPods})");
        }
        return over.Count == 0 ? null : string.Join("; ", over);
    }

    /// <summary>One line for <c>svcsim validate</c>: events, memory.</summary>
    public string Describe() =>
        $"about {Count(Events)} events, {Bytes / (1024.0 * 1024):0} MiB";

    private static string Seconds(double s) => s switch
    {
        double.PositiveInfinity => "never",
        >= 1 or 0 => s.ToString("0.###", CultureInfo.InvariantCulture) + "s",
        >= 1e-3 => (s * 1e3).ToString("0.###", CultureInfo.InvariantCulture) + "ms",
        >= 1e-6 => (s * 1e6).ToString("0.###", CultureInfo.InvariantCulture) + "us",
        _ => (s * 1e9).ToString("0.###", CultureInfo.InvariantCulture) + "ns",
    };

    /// <summary>A count in a few significant figures: 950, 1.2k, 3.4M, 5.6G, 7.8e+12.</summary>
    private static string Count(double n) => n switch
    {
        double.PositiveInfinity or double.NaN => "infinitely many",
        < 1e4 => n.ToString("0", CultureInfo.InvariantCulture),
        < 1e6 => (n / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        < 1e9 => (n / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        < 1e12 => (n / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "G",
        _ => n.ToString("0.#e+0", CultureInfo.InvariantCulture),
    };
}
