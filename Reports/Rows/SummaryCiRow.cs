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
    [CsvColumn("ci_high")] double CiHigh)
{
    /// <summary>Whether this row is a paired difference rather than a plain summary.</summary>
    public bool IsDifference => ComparedTo.Length > 0;

    /// <summary>Half the width of the interval (NaN when it is not defined, with fewer than two replications).</summary>
    public double HalfWidth => (CiHigh - CiLow) / 2;
}
