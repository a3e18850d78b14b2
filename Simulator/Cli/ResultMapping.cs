using System.Globalization;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Measurement;
using Svcsim.Reports;
using Svcsim.Network;

namespace Svcsim.Cli;

/// <summary>Turns the simulator's results into the plain rows the Reports library writes.</summary>
internal static class ResultMapping
{
    // Steps worth a vertical line on the time plots: faults and the reactions that end outages.
    private static readonly HashSet<string> MarkedKinds = new(StringComparer.Ordinal)
    {
        "node-crash", "node-start", "ip-change", "reboot", "partition", "partition-healed", "link-degraded", "pod-crash",
        "node-not-ready", "metallb-l2-leader", "bgp-rehash", "lb-unhealthy", "lb-healthy", "pod-evicted", "nodeport-reconfigured", "node-drain",
    };

    /// <summary>The rows of one scenario's run.</summary>
    public static RunResults ToRunResults(ScenarioResults results, string scenarioText, IReadOnlyList<RunParameter> parameters)
    {
        string name = results.Scenario.Name;
        var summary = results.Runs.Select(r => Summary(name, r)).ToList();
        var markers = results.Runs
            .Where(r => r.Replication == 0)
            .SelectMany(r => r.Events)
            .Where(e => MarkedKinds.Contains(e.Kind))
            .Select(e => new FaultMarker(e.TimeS, $"{e.Node} {e.Kind}"))
            .Distinct()
            .OrderBy(m => m.TimeS)
            .ThenBy(m => m.Label, StringComparer.Ordinal)
            .ToList();
        return new RunResults(
            name,
            scenarioText,
            parameters,
            summary,
            ConfidenceIntervals.ForSummary(summary, PooledLatency(results.Runs)),
            results.Runs.SelectMany(r => r.Windows.Select(w => new TimeseriesRow(name, r.Variant, r.Replication, w.StartS, w.EndS,
                w.Requests, w.Succeeded, w.Requests - w.Succeeded, w.Requests == 0 ? double.NaN : (double)w.Succeeded / w.Requests,
                FailureCounts.FromArray(w.FailedByCause), w.LatencyP50Ms, w.LatencyP99Ms))).ToList(),
            results.Runs.SelectMany(r => r.Nodes.Select(n => new NodeRow(name, r.Variant, r.Replication, n.StartS, n.Node, n.Role,
                n.Requests, n.Utilization, n.QueueLength, n.Rejected, n.Overloaded, n.IsEntry, n.BytesIn, n.BytesOut, n.LinkUtilization))).ToList(),
            results.Runs.SelectMany(r => r.Pods.Select(p => new PodRow(name, r.Variant, r.Replication, p.StartS, p.Pod, p.Node,
                p.Requests, p.Utilization, p.QueueLength, p.Rejected, p.Overloaded, p.Connections, p.ConnectionsReset, p.ConnectionsHung))).ToList(),
            results.Runs.SelectMany(r => r.Outages.Select(o => new OutageRow(name, r.Variant, r.Replication, o.StartS, o.EndS,
                o.DurationS, FailureCauses.SnakeName(o.Cause)))).ToList(),
            results.Runs.SelectMany(r => r.Events.Select(e => new EventRow(name, r.Variant, r.Replication, e.TimeS, e.Node, e.Kind, e.Detail))).ToList(),
            markers)
        {
            Info = Info(results.Scenario),
        };
    }

    /// <summary>The scenario's ways of access, faults and SLO in words, for the report's decision box.</summary>
    public static ScenarioInfo Info(Scenarios.ScenarioSpec spec) => new(
        spec.Description,
        spec.Measurement.Slo,
        spec.Variants.Select(v => Describe(spec, v)).ToList(),
        spec.Faults.Select(f => Describe(spec, f)).ToList());

    /// <summary>A duration for a sentence: 900 ms, 4 s, 1.1 s, 2 min, 90 s.</summary>
    internal static string S(double seconds)
    {
        if (seconds < 1)
        {
            return (seconds * 1000).ToString("0.#", CultureInfo.InvariantCulture) + " ms";
        }

        if (seconds >= 120 && seconds % 60 == 0)
        {
            return (seconds / 60).ToString("0", CultureInfo.InvariantCulture) + " min";
        }

        return seconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
    }

    private static VariantInfo Describe(Scenarios.ScenarioSpec spec, Access.AccessSpec variant)
    {
        string lbIp = spec.Clients.Select(c => spec.Services.FirstOrDefault(s => s.Name == c.Service)?.LoadBalancerIp ?? "")
            .FirstOrDefault(ip => ip.Length > 0) ?? "";
        string vip = lbIp.Length > 0 ? lbIp : "the service IP";
        switch (variant)
        {
            case Access.NodePortAccess np:
            {
                int port = spec.Clients.Select(c => spec.Services.FirstOrDefault(s => s.Name == (c.NodePortService.Length > 0 ? c.NodePortService : c.Service)))
                    .Where(s => s is not null).Select(s => s!.Ports.Count > 0 ? s.Ports[0].NodePort : 0).FirstOrDefault();
                var nodes = np.Addresses.Count > 0
                    ? np.Addresses.Select(ip => spec.Nodes.FirstOrDefault(n => n.Ip == ip || n.Name == ip)).Where(n => n is not null).Select(n => n!).ToList()
                    : spec.Nodes.ToList();
                string Address(Network.NodeSpec n) => $"{n.Name}'s IP {n.Ip}{(port > 0 ? ":" + port.ToString(CultureInfo.InvariantCulture) : "")}";
                string text = nodes.Count == 1 || np.Assignment == Access.NodePortAssignment.First
                    ? $"all clients on {Address(nodes[0])}"
                    : $"clients spread over {string.Join(", ", nodes.Select(n => n.Name))} ({string.Join(", ", nodes.Select(n => n.Ip))}{(port > 0 ? ", port " + port.ToString(CultureInfo.InvariantCulture) : "")})";
                if (np.Assignment == Access.NodePortAssignment.First && nodes.Count > 1 && np.Failover == Access.NodePortFailover.NextAddress)
                {
                    text += $", moving on to {string.Join(", ", nodes.Skip(1).Select(n => n.Name))} after a failed request";
                }
                else if (np.Failover == Access.NodePortFailover.NextAddress)
                {
                    text += ", each moving to the next address after a failed request";
                }

                if (double.IsFinite(np.ReconfigureAfterS))
                {
                    text += $"; an operator hands them a working address {S(np.ReconfigureAfterS)} after their node fails";
                }

                var told = np.Assignment == Access.NodePortAssignment.First && np.Failover == Access.NodePortFailover.None && !double.IsFinite(np.ReconfigureAfterS)
                    ? [nodes[0].Name]
                    : nodes.Select(n => n.Name).ToList();
                return new VariantInfo(np.Name, "nodeport", "NodePort, " + text, told,
                    np.Failover != Access.NodePortFailover.None || double.IsFinite(np.ReconfigureAfterS));
            }

            case Access.MetalLbL2Access l2:
                return new VariantInfo(l2.Name, "metallb-l2",
                    $"MetalLB L2, one leader node answers ARP for {vip}; a dead leader is replaced after at least {S(Access.MemberlistDetection.MinSuspicionS(spec.Nodes.Count, l2.SuspicionMult, l2.ProbeIntervalS))} of memberlist suspicion"
                    + (l2.ArpCacheS > 0 ? $", and clients keep the stale ARP entry {S(l2.ArpCacheS)} longer" : ""), []);
            case Access.MetalLbBgpAccess bgp:
                return new VariantInfo(bgp.Name, "metallb-bgp",
                    $"MetalLB BGP, every node announces {vip} and the router spreads flows by ECMP; a dead node is withdrawn after "
                    + (bgp.Bfd ? $"BFD detection ({S(bgp.BfdDetectS)})" : $"the {S(bgp.HoldTimeS)} hold timer"), []);
            case Access.CloudLbAccess lb:
                var hc = lb.HealthCheck;
                return new VariantInfo(lb.Name, "cloud-lb",
                    $"cloud load balancer, health checks every {S(hc.IntervalS)} ({hc.UnhealthyThreshold} failures, about {S(hc.IntervalS * hc.UnhealthyThreshold)} to drop a dead node)"
                    + (lb.ProbeThroughPods ? " through the pods" : ""), []);
            case Access.ClusterIpAccess cip:
                return new VariantInfo(cip.Name, "clusterip", "in-cluster clients call the ClusterIP through their own node's service proxy", []);
            default:
                return new VariantInfo(variant.Name, variant.GetType().Name, "", []);
        }
    }

    private static FaultInfo Describe(Scenarios.ScenarioSpec spec, Faults.FaultSpec fault) => fault switch
    {
        Faults.NodeCrash c => new("nodeCrash", [c.Node], $"{c.Node} crashes at {S(c.AtS)}" + (double.IsFinite(c.DurationS) ? $" for {S(c.DurationS)}" : " and stays down")),
        Faults.NodeReboot r => new("reboot", [r.Node], $"{r.Node} reboots at {S(r.AtS)} for {S(r.DowntimeS)}" + (r.NewIp.Length > 0 ? $" and comes back as {r.NewIp}" : "")),
        Faults.NodeIpChange i => new("ipChange", [i.Node], $"{i.Node} changes its IP to {i.NewIp} at {S(i.AtS)}"),
        Faults.LinkDegradation l => new("linkDegradation", [l.Node], $"{l.Node}'s link degrades at {S(l.AtS)} for {S(l.DurationS)}"),
        Faults.NetworkPartition p => new("partition", [.. p.GroupA, .. p.GroupB], $"{string.Join(", ", p.GroupA)} cut off from {string.Join(", ", p.GroupB)} at {S(p.AtS)} for {S(p.DurationS)}"),
        Faults.PodCrash p => new("podCrash", [], $"pod {p.Replica} of {p.Deployment} crashes at {S(p.AtS)}"),
        Faults.RandomNodeFailures r => new("randomNodeFailures", r.Nodes.Count > 0 ? r.Nodes : spec.Nodes.Select(n => n.Name).ToList(),
            $"{(r.Nodes.Count > 0 ? string.Join(", ", r.Nodes) : "every node")} fail{(r.Nodes.Count == 1 ? "s" : "")} and {(r.Nodes.Count == 1 ? "is" : "are")} repaired at random"),
        _ => new(fault.GetType().Name, [], fault.GetType().Name),
    };

    /// <summary>
    /// The latency percentiles of each way of access over the successful requests of all its replications together
    /// (the replications' histograms added), for summary_ci.csv's pooled column: a mean of per-replication p99s can
    /// be a latency no request saw, when some replications are slow and others fast.
    /// </summary>
    internal static Func<string, string, string, double> PooledLatency(IReadOnlyList<VariantRunResult> runs)
    {
        var pooled = new Dictionary<string, LatencyHistogram>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            if (run.Latency is null)
            {
                continue;
            }

            if (!pooled.TryGetValue(run.Variant, out var histogram))
            {
                pooled[run.Variant] = histogram = new LatencyHistogram(3);
            }

            histogram.Add(run.Latency);
        }

        return (_, variant, metric) =>
        {
            if (!pooled.TryGetValue(variant, out var histogram))
            {
                return double.NaN;
            }

            double percentile = SummaryCiRow.PooledLatencies.First(l => l.Metric == metric).Percentile;
            return percentile >= 100 ? histogram.MaxMs : histogram.PercentileMs(percentile);
        };
    }

    /// <summary>One summary row.</summary>
    public static SummaryRow Summary(string scenario, VariantRunResult r)
    {
        var s = r.Summary;
        return new SummaryRow(scenario, r.Variant, r.Replication, r.Seed, RandomStreams.ReplicationSeed(r.Seed, r.Replication), s.Requests, s.Succeeded, s.Failed, s.Availability,
            s.TimeAvailability, s.Outages, s.LongestOutageS, s.TotalOutageS, s.LatencyP50Ms, s.LatencyP90Ms, s.LatencyP99Ms,
            s.LatencyP999Ms, s.LatencyMaxMs, s.MaxNodeUtilization, s.OverloadS, s.Rejected, s.JainFairness, s.ImbalanceMaxOverMean,
            s.Connections, s.ConnectFailures, s.ConnectionsReset, s.ConnectionsHung, s.PodImbalanceMaxOverMean,
            FailureCounts.FromArray(s.FailedByCause));
    }

    /// <summary>The parameters that reproduce a run.</summary>
    public static IReadOnlyList<RunParameter> Parameters(Scenarios.ScenarioFile file, IReadOnlyList<string> overrides)
    {
        var spec = file.Spec;
        var list = new List<RunParameter>
        {
            new("scenario_file", file.SourcePath),
            new("scenario_sha256", file.Hash),
            new("seed", spec.Seed.ToString(CultureInfo.InvariantCulture)),
            new("replications", spec.Replications.ToString(CultureInfo.InvariantCulture)),
            new("duration_s", spec.DurationS.ToString("R", CultureInfo.InvariantCulture)),
            new("warmup_s", spec.Measurement.WarmupS.ToString("R", CultureInfo.InvariantCulture)),
            new("window_s", spec.Measurement.WindowS.ToString("R", CultureInfo.InvariantCulture)),
            new("slo", spec.Measurement.Slo.ToString("R", CultureInfo.InvariantCulture)),
            new("variants", string.Join(", ", spec.Variants.Select(v => v.Name))),
            new("svcsim_version", SvcsimCommand.Version),
        };
        list.AddRange(overrides.Select((o, i) => new RunParameter($"set_{i + 1}", o)));
        return list;
    }
}
