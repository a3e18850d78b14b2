using System.Globalization;
using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

/// <summary>
/// Realistic made-up results: three ways of access (NodePort, MetalLB-L2, Cloud-LB), two replications, 60 windows
/// of 10 s, three nodes of which node-2 crashes at 120 s and comes back at 300 s. Every number is a fixed function
/// of its indices, so two calls give equal results.
/// </summary>
internal sealed class FakeResults
{
    public const string Scenario = "node-crash";
    public const double WindowS = 10;
    public const double CrashS = 120;
    public const double BackS = 300;

    public static readonly string[] Variants = ["NodePort", "MetalLB-L2", "Cloud-LB"];
    public static readonly string[] NodeNames = ["node-1", "node-2", "node-3"];

    private string _scenario = Scenario;
    private List<FaultMarker> _markers = [new(CrashS, "node-2 crashed"), new(BackS, "node-2 back")];
    private int _replications = 2;
    private int _windows = 60;
    private string _yaml = """
        name: node-crash
        duration_s: 600
        nodes: [node-1, node-2, node-3]
        deployment: { name: web, replicas: 3 }
        variants: [NodePort, MetalLB-L2, Cloud-LB]
        faults:
          - { at_s: 120, node: node-2, action: crash }
          - { at_s: 300, node: node-2, action: recover }
        """;

    public FakeResults WithScenarioName(string name)
    {
        _scenario = name;
        return this;
    }

    public FakeResults WithReplications(int replications)
    {
        _replications = replications;
        return this;
    }

    public FakeResults WithWindows(int windows)
    {
        _windows = windows;
        return this;
    }

    /// <summary>Fault markers instead of the crash and the return.</summary>
    public FakeResults WithMarkers(IEnumerable<FaultMarker> markers)
    {
        _markers = [.. markers];
        return this;
    }

    public FakeResults WithYaml(string yaml)
    {
        _yaml = yaml;
        return this;
    }

    public RunResults Build()
    {
        var summary = new List<SummaryRow>();
        var timeseries = new List<TimeseriesRow>();
        var nodes = new List<NodeRow>();
        var pods = new List<PodRow>();
        var outages = new List<OutageRow>();
        var events = new List<EventRow>();
        for (int v = 0; v < Variants.Length; v++)
        {
            for (int rep = 1; rep <= _replications; rep++)
            {
                AddReplication(v, rep, summary, timeseries, nodes, pods, outages, events);
            }
        }

        return new RunResults(
            _scenario,
            _yaml,
            [new("seed", "1000"), new("replications", _replications.ToString(CultureInfo.InvariantCulture)), new("duration_s", "600"), new("window_s", "10")],
            summary,
            ConfidenceIntervals.ForSummary(summary),
            timeseries,
            nodes,
            pods,
            outages,
            events,
            _markers)
        {
            Info = new ScenarioInfo("node-2 crashes at 120 s and comes back at 300 s", 0.99,
            [
                new("NodePort", "nodeport", "NodePort, all clients on node-2's IP 192.0.2.2:30000", ["node-2"]),
                new("MetalLB-L2", "metallb-l2", "MetalLB L2, one leader node answers ARP for 192.0.2.10", []),
                new("Cloud-LB", "cloud-lb", "cloud load balancer, health checks every 8 s", []),
            ],
            [new("nodeCrash", ["node-2"], "node-2 crashes at 120 s for 180 s")]),
        };
    }

    // How long each way of access loses requests after the crash, and which share of them.
    private static (double Seconds, double Share, int Cause) Loss(int variant, int replication) => variant switch
    {
        0 => (BackS - CrashS, 1.0 / 3, 1),          // NodePort: clients pinned to node-2's IP fail until it returns (stale_ip)
        1 => (8 + 3 * replication, 1.0, 2),          // MetalLB-L2: everything fails until the leader moves (no_route)
        _ => (12 + 2 * replication, 1.0 / 3, 0),     // Cloud-LB: a third fails until health checks drop node-2 (node_down)
    };

    private void AddReplication(int v, int rep, List<SummaryRow> summary, List<TimeseriesRow> timeseries, List<NodeRow> nodes,
        List<PodRow> pods, List<OutageRow> outages, List<EventRow> events)
    {
        string variant = Variants[v];
        var (lossS, share, cause) = Loss(v, rep);
        double lossEnd = CrashS + lossS;
        long requests = 0, succeeded = 0;
        var failedBy = new long[FailureCounts.Causes.Count];
        double maxUtil = 0, overloadS = 0;
        long rejected = 0;
        var perNode = new long[NodeNames.Length];
        for (int w = 0; w < _windows; w++)
        {
            double start = w * WindowS, end = start + WindowS;
            long sent = 950 + (w * 37 + v * 11 + rep * 5) % 100;
            double lostFraction = Overlap(start, end, CrashS, lossEnd) / WindowS * share;
            long lost = (long)Math.Round(sent * lostFraction);
            var causes = new long[FailureCounts.Causes.Count];
            causes[cause] = lost * 9 / 10;
            causes[7] = lost - causes[cause]; // the rest timed out
            long timeouts = (w + rep) % 7 == 0 && lost < sent ? 1 : 0; // a rare timeout now and then, of a request that was not lost already
            causes[7] += timeouts;
            lost += timeouts;
            timeseries.Add(new(_scenario, variant, rep, start, end, sent, sent - lost, lost, (double)(sent - lost) / sent,
                FailureCounts.FromArray(causes), 4.0 + v + 0.01 * w, 20.0 + 3 * v + lostFraction * 50));
            requests += sent;
            succeeded += sent - lost;
            for (int c = 0; c < causes.Length; c++)
            {
                failedBy[c] += causes[c];
            }

            bool node2Down = start >= CrashS && start < BackS;
            string leader = v == 1 && start >= CrashS + lossS - WindowS ? "node-1" : "node-2";
            for (int n = 0; n < NodeNames.Length; n++)
            {
                bool down = n == 1 && node2Down;
                bool entry = !down && (v != 1 || NodeNames[n] == leader);
                double util = down ? 0 : Math.Min(1.0, (node2Down ? 0.55 : 0.38) + 0.02 * ((w + n * 3 + rep) % 5) + (v == 1 && entry ? 0.08 : 0));
                bool overloaded = util > 0.62 && v == 0 && n == 2 && node2Down && w % 6 == 0;
                long served = down ? 0 : (long)(sent / (node2Down ? 2.0 : 3.0));
                long rej = overloaded ? 3 : 0;
                nodes.Add(new(_scenario, variant, rep, start, NodeNames[n], n == 0 ? "control-plane" : "worker", served, util, util * util / (1 - Math.Min(util, 0.95)), rej, overloaded, entry,
                    served * 500, served * 2000, util / 10));
                pods.Add(new(_scenario, variant, rep, start, $"web-{n}", NodeNames[n], served, util * 0.95, util * 1.5, rej, overloaded, served, 0, down ? 1 : 0));
                maxUtil = Math.Max(maxUtil, util);
                overloadS += overloaded ? WindowS : 0;
                rejected += rej;
                perNode[n] += served;
            }
        }

        double outageLength = v == 0 ? lossS : lossS;
        string causeName = FailureCounts.Causes[cause];
        outages.Add(new(_scenario, variant, rep, CrashS, CrashS + outageLength, outageLength, causeName));
        if (v == 0)
        {
            outages.Add(new(_scenario, variant, rep, 410 + rep, 411.5 + rep, 1.5, "timeout"));
        }

        double sum = perNode.Sum(x => (double)x), squares = perNode.Sum(x => (double)x * x), mean = sum / perNode.Length;
        long total = failedBy.Sum();
        double totalOutage = outages.Where(o => o.Variant == variant && o.Replication == rep).Sum(o => o.DurationS);
        double duration = _windows * WindowS;
        summary.Add(new(_scenario, variant, rep, 1000 + rep, 1_000_000 + rep, requests, succeeded, total, (double)succeeded / requests,
            1 - totalOutage / duration, v == 0 ? 2 : 1, outages.Where(o => o.Variant == variant && o.Replication == rep).Max(o => o.DurationS), totalOutage,
            4.2 + v, 9.5 + 2 * v + 0.1 * rep, 21.0 + 4 * v + rep, 180.0 + 40 * v + 7 * rep, 950.0 + 100 * v + 13 * rep,
            maxUtil, overloadS, rejected, sum * sum / (perNode.Length * squares), perNode.Max() / mean,
            requests, failedBy[0], v == 2 ? 3 : 0, v == 0 ? 5 : 0, perNode.Max() / mean, FailureCounts.FromArray(failedBy)));

        events.Add(new(_scenario, variant, rep, CrashS, "node-2", "node_crashed", "node-2 crashed (power loss)"));
        events.Add(new(_scenario, variant, rep, CrashS + 40, "node-2", "node_not_ready", "node controller marked node-2 NotReady"));
        events.Add(new(_scenario, variant, rep, CrashS + 40.5, "", "endpoints_updated", "EndpointSlice web: web-1 removed"));
        for (int n = 0; n < NodeNames.Length; n++)
        {
            if (n != 1)
            {
                events.Add(new(_scenario, variant, rep, CrashS + 41 + n * 0.25, NodeNames[n], "kube_proxy_synced", $"kube-proxy on {NodeNames[n]} synced: 2 endpoints"));
            }
        }

        if (v == 1)
        {
            events.Add(new(_scenario, variant, rep, CrashS + lossS, "node-1", "metallb_leader_moved", "MetalLB L2 leader for 192.0.2.10 moved node-2 -> node-1 (gratuitous ARP)"));
        }
        else if (v == 2)
        {
            events.Add(new(_scenario, variant, rep, CrashS + lossS, "node-2", "lb_target_unhealthy", "cloud LB marked node-2 unhealthy after 3 failed checks"));
        }

        events.Add(new(_scenario, variant, rep, BackS, "node-2", "node_ready", "node-2 Ready again"));
        events.Sort((a, b) => a.TimeS.CompareTo(b.TimeS));
    }

    private static double Overlap(double a0, double a1, double b0, double b1) => Math.Max(0, Math.Min(a1, b1) - Math.Max(a0, b0));

    /// <summary>A sweep over replicas (2, 3, 4) and client timeout (1 s, 2 s) with the same three ways of access.</summary>
    public static SweepResults Sweep()
    {
        var rows = new List<SweepRow>();
        int point = 0;
        foreach (int replicas in new[] { 2, 3, 4 })
        {
            foreach (int timeout in new[] { 1, 2 })
            {
                string parameters = SweepParameters.Format([new("replicas", replicas.ToString(CultureInfo.InvariantCulture)), new("client_timeout_s", timeout.ToString(CultureInfo.InvariantCulture))]);
                for (int v = 0; v < Variants.Length; v++)
                {
                    for (int rep = 1; rep <= 3; rep++)
                    {
                        double loss = (v == 0 ? 0.03 : v == 1 ? 0.01 : 0.006) / replicas * (timeout == 1 ? 1.2 : 1.0) * (1 + 0.1 * rep);
                        var values = new Dictionary<string, double>
                        {
                            ["availability"] = 1 - loss, ["time_availability"] = 1 - loss * 1.3, ["longest_outage_s"] = 10.0 + 30 * loss * 100 / (v + 1),
                            ["latency_p99_ms"] = 20 + 5 * v + 2 * timeout, ["max_node_utilization"] = 0.9 / replicas + 0.05 * v, ["failed"] = (long)(loss * 60000),
                            ["requests"] = 60000, ["connections_reset"] = v == 2 ? 3 * rep : 0, ["latency_p999_ms"] = double.NaN,
                        };
                        rows.Add(new(point, parameters, Variants[v], rep, 2000 + rep, [.. SweepRow.Metrics.Select(m => values.GetValueOrDefault(m.Name))]));
                    }
                }

                point++;
            }
        }

        return new SweepResults("node-crash sweep", "name: node-crash\nsweep:\n  replicas: [2, 3, 4]\n  client_timeout_s: [1, 2]\n",
            [new("seed", "2000"), new("replications", "3")], rows, ConfidenceIntervals.ForSweep(rows));
    }
}
