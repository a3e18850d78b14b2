using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

[Collection(WrittenReportsCollection.Name)]
public sealed class ReaderTests(WrittenReports written)
{
    private static void AssertSameRun(RunResults expected, RunResults actual)
    {
        Assert.Equal(expected.ScenarioName, actual.ScenarioName);
        Assert.Equal(expected.ScenarioYaml, actual.ScenarioYaml);
        Assert.Equal(expected.Parameters, actual.Parameters);
        Assert.Equal(expected.Summary, actual.Summary);
        Assert.Equal(expected.SummaryCi, actual.SummaryCi);
        Assert.Equal(expected.Timeseries, actual.Timeseries);
        Assert.Equal(expected.Nodes, actual.Nodes);
        Assert.Equal(expected.Pods, actual.Pods);
        Assert.Equal(expected.Outages, actual.Outages);
        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected.FaultMarkers, actual.FaultMarkers);
    }

    [Fact]
    public void A_Written_Run_Reads_Back_Equal()
    {
        AssertSameRun(written.Run, RunResultsReader.Read(written.RunDirectory));
    }

    [Fact]
    public void A_Written_Sweep_Reads_Back_Equal()
    {
        var read = SweepResultsReader.Read(written.SweepDirectory);
        Assert.Equal(written.Sweep.Name, read.Name);
        Assert.Equal(written.Sweep.ScenarioYaml, read.ScenarioYaml);
        Assert.Equal(written.Sweep.Parameters, read.Parameters);
        Assert.Equal(written.Sweep.Rows, read.Rows);
        Assert.Equal(written.Sweep.Ci, read.Ci);
    }

    [Fact]
    public void Report_Is_Rendered_Again_From_The_Directory_Alone()
    {
        // Given a copy of a run's data files without plots or report
        using var copy = new TempDirectory();
        foreach (string file in Directory.GetFiles(written.RunDirectory))
        {
            if (Path.GetFileName(file) != OutputFiles.ReportHtml)
            {
                File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
            }
        }

        // When svcsim report renders it again
        Assert.Equal(ReportKind.Run, ReportDirectory.Rerender(copy.Path));

        // Then the page is the same as the one written with the run
        Assert.Equal(File.ReadAllText(Path.Combine(written.RunDirectory, OutputFiles.ReportHtml)), File.ReadAllText(copy.File(OutputFiles.ReportHtml)));
    }

    [Fact]
    public void Only_Summary_Csv_Is_Required()
    {
        // Given a directory holding summary.csv alone
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(written.RunDirectory, OutputFiles.Summary), dir.File(OutputFiles.Summary));

        var read = RunResultsReader.Read(dir.Path);

        Assert.Equal(FakeResults.Scenario, read.ScenarioName);
        Assert.Equal(written.Run.Summary, read.Summary);
        Assert.Equal(written.Run.SummaryCi, read.SummaryCi); // computed again
        Assert.Empty(read.Timeseries);
        Assert.Empty(read.Parameters);
        Assert.Equal("", read.ScenarioYaml);
    }

    [Fact]
    public void A_Directory_Without_Results_Is_Reported_Clearly()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => ReportDirectory.Rerender(dir.Path));
        Assert.Contains("summary.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_Of_Another_Scenario_Are_Refused()
    {
        var run = new FakeResults().Build();
        var mixed = run with { Outages = [.. run.Outages, run.Outages[0] with { Scenario = "other" }] };
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentException>(() => RunReportWriter.WriteData(dir.Path, mixed));
    }
}
