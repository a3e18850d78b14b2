using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// Load on one pod in one time window of one replication of one way of access (a line of <c>pods.csv</c>).
/// See <see cref="Columns"/> for each column.
/// </summary>
[CsvRecord]
public sealed partial record PodRow(
    [CsvColumn("scenario")] string Scenario,
    [CsvColumn("variant")] string Variant,
    [CsvColumn("replication")] int Replication,
    [CsvColumn("window_start_s")] double WindowStartS,
    [CsvColumn("pod")] string Pod,
    [CsvColumn("node")] string Node,
    [CsvColumn("requests")] long Requests,
    [CsvColumn("utilization")] double Utilization,
    [CsvColumn("queue_length")] double QueueLength,
    [CsvColumn("rejected")] long Rejected,
    [CsvColumn("overloaded")] bool Overloaded,
    [CsvColumn("connections")] long Connections,
    [CsvColumn("connections_reset")] long ConnectionsReset,
    [CsvColumn("connections_hung")] long ConnectionsHung);
