using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// The mean and 95 % Student-t confidence interval of one metric of one way of access over its replications (a
/// line of <c>summary_ci.csv</c>). With <see cref="ComparedTo"/> set, the row is a paired difference: the figures
/// are of <see cref="Variant"/> minus <see cref="ComparedTo"/>, replication by replication (common random numbers).
/// </summary>
[CsvRecord]
public sealed partial record SummaryCiRow(
    [CsvColumn("scenario")] string Scenario,
    [CsvColumn("variant")] string Variant,
    [CsvColumn("compared_to")] string ComparedTo,
    [CsvColumn("metric")] string Metric,
    [CsvColumn("replications")] int Replications,
    [CsvColumn("mean")] double Mean,
    [CsvColumn("ci_low")] double CiLow,
    [CsvColumn("ci_high")] double CiHigh,
    [CsvColumn("pooled")] double Pooled)
{
    /// <summary>
    /// The latency metrics that have a pooled figure, with the percentile each stands for (100: the largest): the same
    /// percentile over the successful requests of all replications together, beside the mean of each replication's.
    /// </summary>
    public static IReadOnlyList<(string Metric, double Percentile)> PooledLatencies { get; } =
    [
        ("latency_p50_ms", 50), ("latency_p90_ms", 90), ("latency_p99_ms", 99), ("latency_p999_ms", 99.9), ("latency_max_ms", 100),
    ];

    /// <summary>Whether this row is a paired difference rather than a plain summary.</summary>
    public bool IsDifference => ComparedTo.Length > 0;

    /// <summary>Half the width of the interval (NaN when it is not defined, with fewer than two replications).</summary>
    public double HalfWidth => (CiHigh - CiLow) / 2;
}
