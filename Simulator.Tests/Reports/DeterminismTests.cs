using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

[Collection(WrittenReportsCollection.Name)]
public sealed class DeterminismTests(WrittenReports written)
{
    private static void AssertSameFiles(string expectedDirectory, string actualDirectory)
    {
        var expected = Directory.GetFiles(expectedDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(expectedDirectory, f)).Order(StringComparer.Ordinal).ToList();
        var actual = Directory.GetFiles(actualDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(actualDirectory, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        foreach (string file in expected)
        {
            byte[] a = File.ReadAllBytes(Path.Combine(expectedDirectory, file));
            byte[] b = File.ReadAllBytes(Path.Combine(actualDirectory, file));
            Assert.True(a.AsSpan().SequenceEqual(b), $"{file} differs between two writes of the same results");
        }
    }

    [Fact]
    public void Writing_A_Run_Twice_Gives_Identical_Bytes_In_Every_File()
    {
        // Given a second write of the same results, built anew, in this process (ScottPlot's SVG ids count up per process)
        using var again = new TempDirectory();
        RunReportWriter.Write(again.Path, new FakeResults().Build());

        // Then the CSV files, run.json, report.html and every PNG and SVG are byte-for-byte the same
        AssertSameFiles(written.RunDirectory, again.Path);
    }

    [Fact]
    public void Writing_A_Sweep_Twice_Gives_Identical_Bytes_In_Every_File()
    {
        using var again = new TempDirectory();
        SweepReportWriter.Write(again.Path, FakeResults.Sweep());
        AssertSameFiles(written.SweepDirectory, again.Path);
    }

    [Fact]
    public void No_Temporary_File_Is_Left_Behind()
    {
        var leftovers = Directory.GetFiles(written.RunDirectory, "*.tmp", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(written.SweepDirectory, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(leftovers);
    }
}
