using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// The mean and 95 % Student-t confidence interval of one metric of one way of access at one sweep point over its
/// replications (a line of <c>sweep_ci.csv</c>).
/// </summary>
[CsvRecord]
public sealed partial record SweepCiRow(
    [CsvColumn("point")] int Point,
    [CsvColumn("parameters")] string Parameters,
    [CsvColumn("variant")] string Variant,
    [CsvColumn("metric")] string Metric,
    [CsvColumn("replications")] int Replications,
    [CsvColumn("mean")] double Mean,
    [CsvColumn("ci_low")] double CiLow,
    [CsvColumn("ci_high")] double CiHigh);
