using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// One outage of one replication of one way of access (a line of <c>outages.csv</c>). See <see cref="Columns"/>.
/// </summary>
[CsvRecord]
public sealed partial record OutageRow(
    [CsvColumn("scenario")] string Scenario,
    [CsvColumn("variant")] string Variant,
    [CsvColumn("replication")] int Replication,
    [CsvColumn("start_s")] double StartS,
    [CsvColumn("end_s")] double EndS,
    [CsvColumn("duration_s")] double DurationS,
    [CsvColumn("cause")] string Cause);
