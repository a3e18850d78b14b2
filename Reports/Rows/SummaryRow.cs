using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// One replication of one way of access (a line of <c>summary.csv</c>). The meaning and unit of each column
/// is in <see cref="Columns"/>; fractions are 0..1, times in seconds (<c>_s</c>) or milliseconds (<c>_ms</c>).
/// </summary>
[CsvRecord]
public sealed partial record SummaryRow(
    [CsvColumn("scenario")] string Scenario,
    [CsvColumn("variant")] string Variant,
    [CsvColumn("replication")] int Replication,
    [CsvColumn("seed")] long Seed,
    [CsvColumn("replication_seed")] long ReplicationSeed,
    [CsvColumn("requests")] long Requests,
    [CsvColumn("succeeded")] long Succeeded,
    [CsvColumn("failed")] long Failed,
    [CsvColumn("availability")] double Availability,
    [CsvColumn("time_availability")] double TimeAvailability,
    [CsvColumn("outages")] int Outages,
    [CsvColumn("longest_outage_s")] double LongestOutageS,
    [CsvColumn("total_outage_s")] double TotalOutageS,
    [CsvColumn("latency_p50_ms")] double LatencyP50Ms,
    [CsvColumn("latency_p90_ms")] double LatencyP90Ms,
    [CsvColumn("latency_p99_ms")] double LatencyP99Ms,
    [CsvColumn("latency_p999_ms")] double LatencyP999Ms,
    [CsvColumn("latency_max_ms")] double LatencyMaxMs,
    [CsvColumn("max_node_utilization")] double MaxNodeUtilization,
    [CsvColumn("overload_s")] double OverloadS,
    [CsvColumn("rejected")] long Rejected,
    [CsvColumn("jain_fairness")] double JainFairness,
    [CsvColumn("imbalance_max_over_mean")] double ImbalanceMaxOverMean,
    [CsvColumn("connections")] long Connections,
    [CsvColumn("connect_failures")] long ConnectFailures,
    [CsvColumn("connections_reset")] long ConnectionsReset,
    [CsvColumn("connections_hung")] long ConnectionsHung,
    [CsvColumn("pod_imbalance_max_over_mean")] double PodImbalanceMaxOverMean,
    [CsvColumn(Prefix = FailureCounts.ColumnPrefix)] FailureCounts FailedBy)
{
    /// <summary>
    /// The numeric columns that <c>summary_ci.csv</c> summarises, named as their columns, in column order.
    /// </summary>
    public static IReadOnlyList<Metric<SummaryRow>> Metrics { get; } = BuildMetrics();

    private static Metric<SummaryRow>[] BuildMetrics()
    {
        var metrics = new List<Metric<SummaryRow>>
        {
            new("requests", r => r.Requests),
            new("succeeded", r => r.Succeeded),
            new("failed", r => r.Failed),
            new("availability", r => r.Availability),
            new("time_availability", r => r.TimeAvailability),
            new("outages", r => r.Outages),
            new("longest_outage_s", r => r.LongestOutageS),
            new("total_outage_s", r => r.TotalOutageS),
            new("latency_p50_ms", r => r.LatencyP50Ms),
            new("latency_p90_ms", r => r.LatencyP90Ms),
            new("latency_p99_ms", r => r.LatencyP99Ms),
            new("latency_p999_ms", r => r.LatencyP999Ms),
            new("latency_max_ms", r => r.LatencyMaxMs),
            new("max_node_utilization", r => r.MaxNodeUtilization),
            new("overload_s", r => r.OverloadS),
            new("rejected", r => r.Rejected),
            new("jain_fairness", r => r.JainFairness),
            new("imbalance_max_over_mean", r => r.ImbalanceMaxOverMean),
            new("connections", r => r.Connections),
            new("connect_failures", r => r.ConnectFailures),
            new("connections_reset", r => r.ConnectionsReset),
            new("connections_hung", r => r.ConnectionsHung),
            new("pod_imbalance_max_over_mean", r => r.PodImbalanceMaxOverMean),
        };
        for (int i = 0; i < FailureCounts.Causes.Count; i++)
        {
            int cause = i; // captured per iteration
            metrics.Add(new(FailureCounts.ColumnPrefix + FailureCounts.Causes[cause], r => r.FailedBy.ToArray()[cause]));
        }

        return [.. metrics];
    }
}

/// <summary>A numeric column of a row type: its column name and how to read it from a row.</summary>
/// <typeparam name="TRow">The row type.</typeparam>
/// <param name="Name">The column name, as in the CSV header.</param>
/// <param name="Read">Reads the value from a row.</param>
public sealed record Metric<TRow>(string Name, Func<TRow, double> Read);
