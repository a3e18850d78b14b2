using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// One fault or reaction on the timeline of one replication of one way of access (a line of <c>events.csv</c>):
/// "node crashed", "kube-proxy synced", "MetalLB leader moved"... See <see cref="Columns"/>.
/// </summary>
[CsvRecord]
public sealed partial record EventRow(
    [CsvColumn("scenario")] string Scenario,
    [CsvColumn("variant")] string Variant,
    [CsvColumn("replication")] int Replication,
    [CsvColumn("time_s")] double TimeS,
    [CsvColumn("node")] string Node,
    [CsvColumn("kind")] string Kind,
    [CsvColumn("detail")] string Detail);
