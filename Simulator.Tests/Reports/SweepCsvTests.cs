using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

/// <summary>sweep.csv is written field by field (its parameter columns differ per sweep); it reads back to the same rows and bytes.</summary>
public sealed class SweepCsvTests
{
    [Fact]
    public void A_Sweep_Csv_Reads_Back_To_The_Same_Rows_Columns_And_Bytes_With_Empty_Cells_For_Undefined_Values()
    {
        using var dir = new TempDirectory();
        var rows = FakeResults.Sweep().Rows;
        var columns = new List<SweepParameterColumn>
        {
            new("replicas", "replicas", "replicas_text", new Dictionary<string, string> { ["2"] = "2", ["3"] = "3", ["4"] = "4" }),
            new("client_timeout_s", "client_timeout_s", "client_timeout_s_text", new Dictionary<string, string> { ["1"] = "1", ["2"] = "2" }),
        };
        string first = dir.File("first.csv");
        SweepCsv.Write(first, "0123456789abcdef", columns, rows);

        var (id, readColumns, readRows) = SweepCsv.Read(first);
        Assert.Equal("0123456789abcdef", id);
        Assert.Equal(rows, readRows);
        Assert.Equal(columns.Select(c => (c.Path, c.Column, c.TextColumn)), readColumns.Select(c => (c.Path, c.Column, c.TextColumn)));
        string second = dir.File("second.csv");
        SweepCsv.Write(second, id, readColumns, readRows);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));

        // An undefined value (latency_p999_ms here) is an empty cell, never NaN
        string text = File.ReadAllText(first);
        Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
        var header = text.Split('\n')[0].Split(',').ToList();
        int p999 = header.IndexOf("latency_p999_ms");
        Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1), l => Assert.Equal("", l.Split(',')[p999]));
    }

    [Fact]
    public void A_Sweep_Csv_Without_Its_Columns_Is_Refused_With_Its_Path()
    {
        using var dir = new TempDirectory();
        string path = dir.File("sweep.csv");
        File.WriteAllText(path, "point,parameters,variant\n0,a=1,np\n");
        var e = Assert.Throws<InvalidDataException>(() => SweepCsv.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("sweep_id", e.Message, StringComparison.Ordinal);
    }
}
