using System.Globalization;
using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

[Collection(WrittenReportsCollection.Name)]
public sealed class CultureTests(WrittenReports written)
{
    private static readonly string[] DataFiles =
    [
        OutputFiles.Summary, OutputFiles.SummaryCi, OutputFiles.Timeseries, OutputFiles.Nodes, OutputFiles.Pods,
        OutputFiles.Outages, OutputFiles.Events, OutputFiles.RunJson, OutputFiles.ScenarioYaml,
    ];

    private static void InCulture(string name, Action action)
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
            action();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    public void Csv_Bytes_Do_Not_Depend_On_The_Current_Culture(string culture)
    {
        // Given the data written under the invariant culture and again under a culture with a decimal comma
        var run = new FakeResults().Build();
        using var invariant = new TempDirectory();
        using var local = new TempDirectory();
        InCulture("", () => RunReportWriter.WriteData(invariant.Path, run));
        InCulture(culture, () => RunReportWriter.WriteData(local.Path, run));

        // Then every data file has the same bytes, with decimal points
        foreach (string file in DataFiles)
        {
            Assert.True(File.ReadAllBytes(invariant.File(file)).AsSpan().SequenceEqual(File.ReadAllBytes(local.File(file))), $"{file} differs under {culture}");
        }

        Assert.Contains("0.5", File.ReadAllText(local.File(OutputFiles.Nodes)), StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_Written_Under_German_Culture_Reads_Back_Under_French_Culture()
    {
        var run = new FakeResults().Build();
        using var dir = new TempDirectory();
        InCulture("de-DE", () => RunReportWriter.WriteData(dir.Path, run));
        RunResults? read = null;
        InCulture("fr-FR", () => read = RunResultsReader.Read(dir.Path));
        Assert.Equal(run.Summary, read!.Summary);
        Assert.Equal(run.Nodes, read.Nodes);
    }

    [Fact]
    public void Report_And_Plots_Do_Not_Depend_On_The_Current_Culture()
    {
        // Given the fixture's report (current culture) and the same results rendered under de-DE
        using var dir = new TempDirectory();
        InCulture("de-DE", () => RunReportWriter.Write(dir.Path, written.Run));

        // Then the page and every plot have the same bytes: tick labels are not written as 0,5
        foreach (string file in Directory.GetFiles(written.RunDirectory, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(written.RunDirectory, file);
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir.Path, relative))), $"{relative} differs under de-DE");
        }
    }
}
