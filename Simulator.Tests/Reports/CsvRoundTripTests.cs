using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

public sealed class CsvRoundTripTests
{
    // Text that a CSV writer must quote or could mangle: separators, quotes, line breaks, formula starters, non-ASCII.
    private const string Awkward = "node-2, \"east\"\nrack =1 -x ü→";

    private static void AssertRoundTrips<TRow>(IReadOnlyList<TRow> rows)
    {
        using var dir = new TempDirectory();
        string path = dir.File("rows.csv");
        CsvFiles.Write(path, rows);
        var read = CsvFiles.Read<TRow>(path);
        Assert.Equal(rows, read);
    }

    [Fact]
    public void Every_Row_Type_Of_A_Run_Reads_Back_Equal()
    {
        var run = new FakeResults().Build();
        AssertRoundTrips(run.Summary);
        AssertRoundTrips(run.SummaryCi);
        AssertRoundTrips(run.Timeseries);
        AssertRoundTrips(run.Nodes);
        AssertRoundTrips(run.Pods);
        AssertRoundTrips(run.Outages);
        AssertRoundTrips(run.Events);
    }

    [Fact]
    public void Sweep_Rows_Read_Back_Equal()
    {
        var sweep = FakeResults.Sweep();
        using var dir = new TempDirectory();
        string path = dir.File("sweep.csv");
        SweepCsv.Write(path, "0123456789abcdef", [], sweep.Rows); // sweep.csv is written field by field, not as a record
        Assert.Equal(sweep.Rows, SweepCsv.Read(path).Rows);
        AssertRoundTrips(sweep.Ci);
    }

    [Fact]
    public void Awkward_Text_And_Special_Numbers_Read_Back_Equal()
    {
        // Given rows with quotes, commas, newlines, leading '=' and '-', NaN, infinities and extreme values
        var failures = new FailureCounts(1, 2, 3, 4, 5, 6, 7, 8, 9, long.MaxValue, 11);
        SummaryRow[] summary =
        [
            new(Awkward, "=cmd|' /C calc'!A0", 1, long.MinValue, long.MaxValue, 0, 0, 0, double.NaN, 1, 0, 0, 0, double.NaN, double.NaN,
                double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, 0.1 + 0.2, -0.0, 3, 1e-300, 1e300, 7, 0, long.MaxValue, 2, double.NaN, failures),
        ];
        EventRow[] events = [new(Awkward, "v", 2, 1.0 / 3, "", "", Awkward), new("s", "-v", 3, 0, "n", "k", "")];
        SummaryCiRow[] ci = [new("s", "A", "", "availability", 1, 0.5, double.NaN, double.NaN, double.NaN), new("s", "A", "", "latency_p99_ms", 2, 3300, 1, 6000, 6000.5), new("s", "A", "B", "failed", 2, -3, -4, -2, double.NaN)];
        NodeRow[] nodes = [new("s", "v", 1, 0, "node-1", "worker", 1, 0.5, 0.25, 0, true, false, 12345, 67890, 0.125)];

        // Then each reads back equal, field by field
        AssertRoundTrips(summary);
        AssertRoundTrips(events);
        AssertRoundTrips(ci);
        AssertRoundTrips(nodes);
    }

    [Fact]
    public void Csv_Files_Use_Lf_No_Bom_And_Snake_Case_Headers()
    {
        using var dir = new TempDirectory();
        var run = new FakeResults().Build();
        RunReportWriter.WriteData(dir.Path, run);
        byte[] bytes = File.ReadAllBytes(dir.File(OutputFiles.Summary));
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.DoesNotContain((byte)'\r', bytes);
        string header = File.ReadLines(dir.File(OutputFiles.Summary)).First();
        Assert.StartsWith("scenario,variant,replication,seed,replication_seed,requests,succeeded,failed,availability,time_availability,", header, StringComparison.Ordinal);
        Assert.EndsWith(",failed_timeout,failed_in_flight_lost,failed_reset,failed_conntrack_full", header, StringComparison.Ordinal);
        Assert.Matches("^[a-z0-9_,]+$", header);
    }
}
