using System.Text;

namespace Svcsim.Reports;

/// <summary>One column of an output file: its header name and its meaning, with its unit.</summary>
/// <param name="Name">The header name.</param>
/// <param name="Meaning">What the column holds and in which unit.</param>
public sealed record ColumnDoc(string Name, string Meaning);

/// <summary>One file that the report writers write.</summary>
/// <param name="FileName">The file name, relative to the output directory (a pattern for plots).</param>
/// <param name="Description">What the file holds: one row per what, for CSV files.</param>
/// <param name="Columns">The columns in header order; empty for files that are not CSV.</param>
public sealed record FileDoc(string FileName, string Description, IReadOnlyList<ColumnDoc> Columns);

/// <summary>
/// The meaning and unit of every column of every file the report writers write: the source of
/// <c>docs/outputs.md</c> (<see cref="RenderMarkdown"/>). A test checks that each CSV file's header has exactly
/// these columns, in this order.
/// </summary>
public static class Columns
{
    private static readonly ColumnDoc Scenario = new("scenario", "Scenario name, as in the scenario file.");
    private static readonly ColumnDoc Variant = new("variant",
        "Way of access, as the scenario names it (for example NodePort, MetalLB-L2, MetalLB-BGP, Cloud-LB).");
    private static readonly ColumnDoc Replication = new("replication",
        "Replication number. Rows of different ways of access with the same number ran with the same seed (common random numbers) and are compared in pairs.");
    private static readonly ColumnDoc Seed = new("seed", "The master seed of the run (the scenario's seed, or --seed), the same on every row; with the scenario file and the replication number it reproduces the replication.");
    private static readonly ColumnDoc WindowStart = new("window_start_s", "Start of the time window, in simulated seconds since the start of the run (s).");

    // The meaning of each failure cause, in column order: the same words as the simulator's descriptors
    // (Svcsim.Network.FailureCauses), which a test keeps equal.
    private static readonly string[] CauseMeanings =
    [
        "the client's node was down (crashed or rebooting): no answer",
        "the client used an address that no longer belongs to a live node",
        "no route to the address (withdrawn BGP route, no node answering ARP, no healthy LB target)",
        "the connection was refused (no endpoint: kube-proxy REJECT; or the pod's container was not running)",
        "dropped on the entry node (externalTrafficPolicy: Local with no local endpoint)",
        "the service proxy sent the connection to an endpoint whose pod or node is gone",
        "rejected by a full pod queue (HTTP 503)",
        "the client gave up waiting (client timeout)",
        "lost in flight when a node or pod failed while serving it",
        "the connection was reset (a packet reached a node or pod with no state for it: ECMP rehash, L2 leader move, crashed container)",
        "the entry node's conntrack table was full and dropped the new connection",
    ];

    /// <summary>What each failure cause means, in the order of <see cref="FailureCounts.Causes"/>.</summary>
    public static IReadOnlyList<string> FailureCauseMeanings => CauseMeanings;

    private static IEnumerable<ColumnDoc> FailureColumns(string scope)
    {
        for (int i = 0; i < FailureCounts.Causes.Count; i++)
        {
            yield return new(FailureCounts.ColumnPrefix + FailureCounts.Causes[i], $"Failed requests {scope} because {CauseMeanings[i]} (count).");
        }
    }

    private static ColumnDoc[] CiColumns(string rowsAre) =>
    [
        new("metric", "Name of the summarised column of " + rowsAre + "."),
        new("replications", "Number of replications with a finite value of the metric (for a paired difference: the number of pairs)."),
        new("mean", "Mean of the metric over the replications, in the metric's unit."),
        new("ci_low", "Lower bound of the 95 % Student-t confidence interval of the mean (NaN with fewer than two replications)."),
        new("ci_high", "Upper bound of the 95 % Student-t confidence interval of the mean (NaN with fewer than two replications)."),
    ];

    // The metric columns of summary.csv, which sweep.csv repeats for each sweep point.
    private static readonly ColumnDoc[] SummaryMetricColumns =
    [
            new("requests", "Logical requests the clients started between the end of warm-up and the end of the run, retries counted once (count); every one has an outcome."),
            new("succeeded", "Requests answered successfully (count)."),
            new("failed", "Requests that failed, whatever the cause (count); the failed_* columns split it."),
            new("availability", "Request availability: succeeded / requests (fraction 0..1; NaN without requests)."),
            new("time_availability", "Time availability: the share of time-series windows whose success ratio met the SLO (windows without requests count as met; 0..1)."),
            new("outages", "Number of outages: maximal runs of outage-resolution intervals (1 s by default) whose success ratio was below the SLO (count)."),
            new("longest_outage_s", "Duration of the longest outage (s; 0 without outages)."),
            new("total_outage_s", "Summed duration of all outages (s)."),
            new("latency_p50_ms", "Median latency of successful requests, from send to answer (ms; NaN without successes)."),
            new("latency_p90_ms", "90th percentile latency of successful requests (ms)."),
            new("latency_p99_ms", "99th percentile latency of successful requests (ms)."),
            new("latency_p999_ms", "99.9th percentile latency of successful requests (ms)."),
            new("latency_max_ms", "Largest latency of a successful request (ms)."),
            new("max_node_utilization", "Highest utilisation of any node in any time window (busy fraction of the node's serving capacity, 0..1)."),
            new("overload_s", "Node-seconds in overloaded windows: the sum over nodes of the windows in which the node's utilisation reached the overload threshold (s)."),
            new("rejected", "Requests rejected by full queues (count)."),
            new("jain_fairness", "Jain's fairness index of the requests served by each schedulable node's pods, (sum x)^2 / (n sum x^2): 1 is perfectly even, 1/n is all on one node."),
            new("imbalance_max_over_mean", "Requests served by the busiest node divided by the mean per node (1 is perfectly even)."),
            new("connections", "TCP connections the clients established (SYN-ACK received) between the end of warm-up and the end of the run (count); with reuse: perRequest one per request attempt."),
            new("connect_failures", "Connection attempts that gave up without being established: refused, or no SYN-ACK before the connect timeout (count)."),
            new("connections_reset", "Established connections that were reset: an RST reached the client, for example after an ECMP rehash or an L2 leader move sent the connection to a node without its conntrack entry (count)."),
            new("connections_hung", "Established connections the client gave up after a request on them got no answer: a keep-alive connection pinned by conntrack to a dead pod, or an entry node that died (count)."),
            new("pod_imbalance_max_over_mean", "Requests that reached the busiest pod divided by the mean per pod over the pods that existed during the run (1 is perfectly even): long-lived connections pile load on a few pods."),
        .. FailureColumns("over the replication"),
    ];

    /// <summary>The CSV files of a run (<see cref="RunReportWriter"/>) and of a sweep (<see cref="SweepReportWriter"/>).</summary>
    public static IReadOnlyList<FileDoc> CsvFiles { get; } =
    [
        new(OutputFiles.Summary, "One row per way of access and replication: the run's headline figures.",
        [
            Scenario, Variant, Replication, Seed,
            new("replication_seed", "The replication's own seed, derived from the master seed and the replication number: every random stream of the replication (timer phases, arrivals, faults...) is seeded from it and the stream's name. Different for each replication, the same for every way of access in one replication (common random numbers)."),
            .. SummaryMetricColumns,
        ]),
        new(OutputFiles.SummaryCi, "One row per way of access and metric of summary.csv (mean and 95 % confidence interval over replications), then one row per pair of ways of access and metric for the paired difference.",
        [
            Scenario,
            new("variant", "Way of access; for a paired difference, A in A - B."),
            new("compared_to", "Empty for a plain row; for a paired difference, the way of access B in A - B. The figures are then of A - B, replication by replication."),
            .. CiColumns("summary.csv"),
            new("pooled", "For the latency metrics (latency_p50_ms, latency_p90_ms, latency_p99_ms, latency_p999_ms, latency_max_ms) of a plain row: the same percentile over the successful requests of all replications pooled (ms), beside `mean`, the mean of the replications' own percentiles. They differ when replications differ: p99s of 30 ms and 6 s average to 3 s, a latency no request had, while the pooled p99 is the latency that 1 % of all requests exceeded. NaN for other metrics and for paired differences."),
        ]),
        new(OutputFiles.Timeseries, "One row per way of access, replication and time window: requests counted in the window in which they were sent.",
        [
            Scenario, Variant, Replication, WindowStart,
            new("window_end_s", "End of the time window (s)."),
            new("requests", "Requests sent in the window (count)."),
            new("succeeded", "Of those, answered successfully (count)."),
            new("failed", "Of those, failed (count)."),
            new("availability", "succeeded / requests in the window (fraction 0..1; NaN without requests)."),
            .. FailureColumns("in the window"),
            new("latency_p50_ms", "Median latency of the window's successful requests (ms; NaN without successes)."),
            new("latency_p99_ms", "99th percentile latency of the window's successful requests (ms; NaN without successes)."),
        ]),
        new(OutputFiles.Nodes, "One row per way of access, replication, time window and node.",
        [
            Scenario, Variant, Replication, WindowStart,
            new("node", "Node name."),
            new("role", "Node role (for example control-plane or worker)."),
            new("requests", "Requests that entered the cluster through this node in the window (count): the L2 leader takes them all, a NodePort node those of the clients pinned to it."),
            new("utilization", "Busy fraction of the node's serving capacity, averaged over the window (0..1)."),
            new("queue_length", "Requests waiting on the node's pods, time-averaged over the window (requests)."),
            new("rejected", "Requests rejected by the node's full queues in the window (count)."),
            new("overloaded", "True when the node's utilization in the window reached the overload threshold."),
            new("is_entry", "True when clients' requests entered the cluster through this node in the window (requests > 0): the MetalLB L2 leader, a node BGP routes or the cloud load balancer send to, or a node NodePort clients address."),
            new("bytes_in", "Bytes sent to the node over its links (from clients, a load balancer and other nodes, the latter received through its interface from the nodes) in the window (bytes)."),
            new("bytes_out", "Bytes the node sent over its links in the window (bytes)."),
            new("link_utilization", "Busy fraction of the node's busiest link in the window (transmission time / window, 0..1; its links to and from clients and a load balancer, and its interfaces to and from the other nodes): where the MetalLB L2 leader's links saturate."),
        ]),
        new(OutputFiles.Pods, "One row per way of access, replication, time window and pod.",
        [
            Scenario, Variant, Replication, WindowStart,
            new("pod", "Pod name."),
            new("node", "Node the pod ran on in the window."),
            new("requests", "Requests that reached the pod in the window, rejected ones included (count)."),
            new("utilization", "Busy fraction of the pod's servers, averaged over the window (0..1)."),
            new("queue_length", "Requests waiting in the pod's queue, time-averaged over the window (requests)."),
            new("rejected", "Requests the pod rejected because its queue was full, in the window (count)."),
            new("overloaded", "True when the pod's utilization in the window reached the overload threshold."),
            new("connections", "Connections the pod accepted (answered the SYN of) in the window (count): compare with requests to see connection-level imbalance."),
            new("connections_reset", "Connections to this pod that were reset in the window (count)."),
            new("connections_hung", "Connections to this pod that the clients gave up in the window after a request got no answer (count)."),
        ]),
        new(OutputFiles.Outages, "One row per outage (an interval in which the service was unavailable to clients).",
        [
            Scenario, Variant, Replication,
            new("start_s", "Start of the outage, in simulated seconds since the start of the run (s)."),
            new("end_s", "End of the outage (s)."),
            new("duration_s", "end_s - start_s (s)."),
            new("cause", "Dominant failure cause during the outage: the failed_* cause with the most failures, without the prefix (for example stale_ip)."),
        ]),
        new(OutputFiles.Events, "One row per fault or reaction on the timeline of a replication: a node crashed, kube-proxy synced, the MetalLB leader moved...",
        [
            Scenario, Variant, Replication,
            new("time_s", "When it happened, in simulated seconds since the start of the run (s)."),
            new("node", "The node it happened on; empty when it concerns no single node."),
            new("kind", "Short, stable name of the kind of event (for example node-crash, kube-proxy-sync, metallb-l2-leader); every kind is listed under Event kinds below."),
            new("detail", "What happened, in words."),
        ]),
        new(OutputFiles.Sweep, "One row per sweep point, way of access and replication: every metric of summary.csv, an empty cell where a value is undefined. After `parameters` come two columns per swept parameter, in the order swept: its value in SI units, named after the path in snake case and the unit (`clients[0].rate` = `200/s` gives `clients_0_rate_per_s` = 200; `_s` seconds, `_per_s` per second, `_bytes`, `_bps` bits per second, no suffix for plain numbers; text that is no number stays text), then the value as written (`clients_0_rate_text` = `200/s`).",
        [
            new("sweep_id", "The sweep's id: the first 16 hex digits of the SHA-256 of its identity (scenario and manifests, overrides, seed, replications, swept values, svcsim version); the sweep_id of sweep.db. Shards of one sweep share it."),
            new("point", "Index of the sweep point."),
            new("parameters", "The swept parameters' values at this point, name=value pairs joined by ';' (for example replicas=3;client_timeout_s=2)."),
            Variant, Replication, Seed,
            .. SummaryMetricColumns.Select(c => new ColumnDoc(c.Name, "As in summary.csv: " + c.Meaning)),
        ]),
        new(StudyReportWriter.StudyCsv, "Written by `svcsim study`: one row per fault and way of access, the cells of the decision matrix in index.html.",
        [
            new("fault", "The fault the row stands for, as the study file names it (for example worker crash)."),
            new("scenario", "The scenario that runs it, as in its summary.csv."),
            Variant,
            new("kind", "The kind of way of access: nodeport, metallb-l2, metallb-bgp or cloud-lb."),
            new("replications", "Replications of the way of access (count)."),
            new("availability", "Mean request availability over replications (fraction 0..1)."),
            new("availability_ci_low", "Lower bound of its 95 % Student-t confidence interval (NaN with one replication)."),
            new("availability_ci_high", "Upper bound of its 95 % confidence interval."),
            new("longest_outage_s", "Mean over replications of the longest outage (s)."),
            new("longest_outage_s_ci_low", "Lower bound of its 95 % confidence interval (s)."),
            new("longest_outage_s_ci_high", "Upper bound of its 95 % confidence interval (s)."),
            new("connections", "Mean over replications of the TCP connections the clients established, as in summary.csv (count)."),
            new("connect_failures", "Mean over replications of the connection attempts never established, as in summary.csv (count)."),
            new("connections_reset", "Mean over replications of the established connections that were reset, as in summary.csv (count)."),
            new("connections_hung", "Mean over replications of the established connections given up after a request on them got no answer, as in summary.csv (count)."),
            new("kept_slo", "True when the mean availability reached the scenario's SLO."),
            new("winner", "True for the row's winner: the most availability among those that kept the SLO (else among all); among those the paired differences cannot tell apart, the shortest longest outage."),
            new("report", "The scenario's report, relative to the study folder."),
        ]),
        new(OutputFiles.SweepCi, "One row per sweep point, way of access and metric of sweep.csv: mean and 95 % confidence interval over replications.",
        [
            new("point", "Index of the sweep point."),
            new("parameters", "The swept parameters' values at this point, as in sweep.csv."),
            Variant,
            .. CiColumns("sweep.csv"),
        ]),
    ];

    /// <summary>The files beside the CSV files, which carry no columns.</summary>
    public static IReadOnlyList<FileDoc> OtherFiles { get; } =
    [
        new(OutputFiles.RunJson, "The run's name, its parameters (seed, replications, duration...) as name/value pairs in the order given, and the fault markers drawn on the plots (time_s, label). JSON, snake_case names. With the CSV files it is all that `report.html` is rendered from.", []),
        new(OutputFiles.ScenarioYaml, "The scenario text exactly as it was run.", []),
        new(StudyReportWriter.IndexHtml, "Written by `svcsim study`: one self-contained page that leads with the decision matrix (fault by way of access: availability and longest outage with 95 % intervals, the winner per row, a recommendation and its caveats); each fault links to its scenario's report.html in the folder beside it.", []),
        new(StudyReportWriter.DecisionMarkdownFile, "Written by `svcsim study`: the decision matrix in Markdown (one column per kind of way of access), as the README shows it.", []),
        new(OutputFiles.ReportHtml, "One self-contained page. First a decision box: which way of access wins, by how much, why (the failure causes), what each way of access is, caveats (which node NodePort clients were told, ways of access that lost the SLO, wide intervals) and what the SLO and time availability mean. Then the comparison table with 95 % confidence intervals (bold only for the best value among the ways of access that kept the SLO), the paired differences folded below it, a conclusion in words, the plots (inline base64 PNG), requests per pod, outages, event timeline, and the scenario as run. Inline CSS and one small inline script that checks every plot decoded; no URL of any kind.", []),
        new("plots/*.png, plots/*.svg", "Every plot of the report, as PNG (in the page) and as SVG; a reused output folder keeps no plot of an earlier run. Runs: outages (a timeline per way of access and replication coloured by failure cause), availability (over time, one panel per way of access, axis capped at 100 %), failures_by_cause (stacked bars), summary_availability, summary_longest_outage, latency, nodes and pods (utilisation over time, one panel per way of access, axis scaled to the busiest window). Sweeps: sweep_<metric>_vs_<parameter>.", []),
        new("sweep.db", "With `svcsim sweep --store sqlite` only: a SQLite database of every run of the sweep, keyed by (sweep_id, point, variant, replication): tables summary, timeseries, outages and events with the columns of the CSV files of a run, points and parameters with the swept parameters as typed columns. Its tables are described in [cli.md](cli.md#a-results-database---store-sqlite).", []),
        new(Checksums.FileName, "Written last: the path, size in bytes, SHA-256 and (CSV files) data rows of every other file of the folder, hidden files and a sweep's `points/` aside. Its presence marks the folder finished; `svcsim report` checks every data file against it before reading any.", []),
    ];

    /// <summary>The documentation of the CSV file <paramref name="fileName"/> (for example <c>summary.csv</c>).</summary>
    public static FileDoc For(string fileName)
    {
        foreach (var file in CsvFiles)
        {
            if (file.FileName == fileName)
            {
                return file;
            }
        }

        throw new ArgumentException($"no CSV file is called '{fileName}'", nameof(fileName));
    }

    /// <summary>Renders every file and column as the Markdown of <c>docs/outputs.md</c>.</summary>
    public static string RenderMarkdown()
    {
        var md = new StringBuilder();
        md.Append("# Output files\n\n");
        md.Append("<!-- Generated from Reports/Schema/Columns.cs by the test Columns_Doc_Is_Up_To_Date; edit that file, not this one. -->\n\n");
        md.Append("`svcsim run` writes the files of a run into its output directory, `svcsim sweep` those of a sweep. ");
        md.Append("CSV files are RFC 4180 with a header, comma separated, LF line ends, UTF-8 without BOM, numbers in the invariant ");
        md.Append("culture (`.` decimal point, `NaN` for undefined values, except in sweep.csv: an empty cell), booleans `True`/`False`, one observation per row. ");
        md.Append("Units are in the column names: `_s` seconds, `_ms` milliseconds; fractions are 0..1. ");
        md.Append("Every file is written to a temporary name and renamed, so a file is either whole or absent, and `checksums.json` ");
        md.Append("comes last. `svcsim run` writes each run into a fresh hidden folder beside its own and swaps it in whole, so a run ");
        md.Append("killed while replacing an older one leaves the older one. `svcsim report DIR` first checks the data files against ");
        md.Append("`checksums.json` (exit code 2 naming a missing or changed file, or a folder without it), then renders the plots and ");
        md.Append("`report.html` again from the CSV files, `run.json` and `scenario.yaml` alone. Files that match their checksums ");
        md.Append("but not one another are refused the same way, naming the file and line: a row of another scenario than the run's, ");
        md.Append("a `run.json` missing a member, a `sweep_ci.csv` row of a point `sweep.csv` does not have (a folder edited by hand ");
        md.Append("and its checksums written again).\n\n");
        md.Append("The same results always give the same bytes in every file, whatever the current culture: CSV, JSON, HTML, PNG ");
        md.Append("and SVG (ScottPlot's process-wide SVG clip-path ids are renumbered per file). PNG bytes can change with the ");
        md.Append("SkiaSharp version or the installed fonts; the plots are set in DejaVu Sans (Debian: `fonts-dejavu-core`).\n\n");
        md.Append("## Files\n\n| File | What it holds |\n| --- | --- |\n");
        foreach (var file in CsvFiles.Concat(OtherFiles))
        {
            md.Append("| `").Append(file.FileName).Append("` | ").Append(Cell(file.Description)).Append(" |\n");
        }

        foreach (var file in CsvFiles)
        {
            md.Append("\n## ").Append(file.FileName).Append("\n\n").Append(file.Description).Append("\n\n");
            md.Append("| Column | Meaning |\n| --- | --- |\n");
            foreach (var column in file.Columns)
            {
                md.Append("| `").Append(column.Name).Append("` | ").Append(Cell(column.Meaning)).Append(" |\n");
            }
        }

        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
