using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// Load on one node in one time window of one replication of one way of access (a line of <c>nodes.csv</c>).
/// See <see cref="Columns"/> for each column.
/// </summary>
[CsvRecord]
public sealed partial record NodeRow(
    [CsvColumn("scenario")] string Scenario,
    [CsvColumn("variant")] string Variant,
    [CsvColumn("replication")] int Replication,
    [CsvColumn("window_start_s")] double WindowStartS,
    [CsvColumn("node")] string Node,
    [CsvColumn("role")] string Role,
    [CsvColumn("requests")] long Requests,
    [CsvColumn("utilization")] double Utilization,
    [CsvColumn("queue_length")] double QueueLength,
    [CsvColumn("rejected")] long Rejected,
    [CsvColumn("overloaded")] bool Overloaded,
    [CsvColumn("is_entry")] bool IsEntry,
    [CsvColumn("bytes_in")] long BytesIn,
    [CsvColumn("bytes_out")] long BytesOut,
    [CsvColumn("link_utilization")] double LinkUtilization);
