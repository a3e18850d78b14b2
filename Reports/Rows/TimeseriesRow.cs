using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// Requests of one time window of one replication of one way of access (a line of <c>timeseries.csv</c>), counted
/// in the window in which they were sent. See <see cref="Columns"/> for each column.
/// </summary>
[CsvRecord]
public sealed partial record TimeseriesRow(
    [CsvColumn("scenario")] string Scenario,
    [CsvColumn("variant")] string Variant,
    [CsvColumn("replication")] int Replication,
    [CsvColumn("window_start_s")] double WindowStartS,
    [CsvColumn("window_end_s")] double WindowEndS,
    [CsvColumn("requests")] long Requests,
    [CsvColumn("succeeded")] long Succeeded,
    [CsvColumn("failed")] long Failed,
    [CsvColumn("availability")] double Availability,
    [CsvColumn(Prefix = FailureCounts.ColumnPrefix)] FailureCounts FailedBy,
    [CsvColumn("latency_p50_ms")] double LatencyP50Ms,
    [CsvColumn("latency_p99_ms")] double LatencyP99Ms);
