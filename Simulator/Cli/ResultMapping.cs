using System.Globalization;
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
            ConfidenceIntervals.ForSummary(summary),
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
            markers);
    }

    /// <summary>One summary row.</summary>
    public static SummaryRow Summary(string scenario, VariantRunResult r)
    {
        var s = r.Summary;
        return new SummaryRow(scenario, r.Variant, r.Replication, r.Seed, s.Requests, s.Succeeded, s.Failed, s.Availability,
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
