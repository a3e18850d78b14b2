using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// The main metrics of one replication of one way of access at one point of a parameter sweep (a line of
/// <c>sweep.csv</c>). <see cref="Parameters"/> names the point's parameter values as <c>a=1;b=2</c>.
/// </summary>
[CsvRecord]
public sealed partial record SweepRow(
    [CsvColumn("point")] int Point,
    [CsvColumn("parameters")] string Parameters,
    [CsvColumn("variant")] string Variant,
    [CsvColumn("replication")] int Replication,
    [CsvColumn("seed")] long Seed,
    [CsvColumn("availability")] double Availability,
    [CsvColumn("time_availability")] double TimeAvailability,
    [CsvColumn("longest_outage_s")] double LongestOutageS,
    [CsvColumn("latency_p99_ms")] double LatencyP99Ms,
    [CsvColumn("max_node_utilization")] double MaxNodeUtilization,
    [CsvColumn("failed")] long Failed)
{
    /// <summary>The metric columns that <c>sweep_ci.csv</c> summarises and the sweep plots show, in column order.</summary>
    public static IReadOnlyList<Metric<SweepRow>> Metrics { get; } =
    [
        new("availability", r => r.Availability),
        new("time_availability", r => r.TimeAvailability),
        new("longest_outage_s", r => r.LongestOutageS),
        new("latency_p99_ms", r => r.LatencyP99Ms),
        new("max_node_utilization", r => r.MaxNodeUtilization),
        new("failed", r => r.Failed),
    ];

    /// <summary>
    /// Builds a <see cref="SweepRow"/> from the summary of one replication at one sweep point, so that sweeps and
    /// single runs share the meaning of each metric.
    /// </summary>
    public static SweepRow FromSummary(int point, string parameters, SummaryRow summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new(point, parameters, summary.Variant, summary.Replication, summary.Seed, summary.Availability,
            summary.TimeAvailability, summary.LongestOutageS, summary.LatencyP99Ms, summary.MaxNodeUtilization, summary.Failed);
    }
}
