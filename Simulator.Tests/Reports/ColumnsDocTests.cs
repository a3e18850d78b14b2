using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

public sealed class ColumnsDocTests
{
    private static readonly Dictionary<string, Action<string>> WriteEmpty = new()
    {
        [OutputFiles.Summary] = p => CsvFiles.Write<SummaryRow>(p, []),
        [OutputFiles.SummaryCi] = p => CsvFiles.Write<SummaryCiRow>(p, []),
        [OutputFiles.Timeseries] = p => CsvFiles.Write<TimeseriesRow>(p, []),
        [OutputFiles.Nodes] = p => CsvFiles.Write<NodeRow>(p, []),
        [OutputFiles.Pods] = p => CsvFiles.Write<PodRow>(p, []),
        [OutputFiles.Outages] = p => CsvFiles.Write<OutageRow>(p, []),
        [OutputFiles.Events] = p => CsvFiles.Write<EventRow>(p, []),
        [OutputFiles.Sweep] = p => SweepCsv.Write(p, "", [], []),
        [OutputFiles.SweepCi] = p => CsvFiles.Write<SweepCiRow>(p, []),
        [StudyReportWriter.StudyCsv] = p => CsvFiles.Write<StudyRow>(p, []),
    };

    [Fact]
    public void Every_Csv_Header_Has_Exactly_The_Documented_Columns()
    {
        using var dir = new TempDirectory();
        Assert.Equal(WriteEmpty.Keys.Order(), Columns.CsvFiles.Select(f => f.FileName).Order());
        foreach (var file in Columns.CsvFiles)
        {
            string path = dir.File(file.FileName);
            WriteEmpty[file.FileName](path);
            string header = File.ReadAllText(path).TrimEnd('\n');
            Assert.Equal(string.Join(',', file.Columns.Select(c => c.Name)), header);
            Assert.All(file.Columns, c => Assert.False(string.IsNullOrWhiteSpace(c.Meaning), $"{file.FileName}: {c.Name} has no meaning"));
        }
    }

    [Fact]
    public void Summarised_Metrics_Are_Columns_Of_Their_Files()
    {
        var summary = Columns.For(OutputFiles.Summary).Columns.Select(c => c.Name).ToList();
        Assert.All(SummaryRow.Metrics, m => Assert.Contains(m.Name, summary));
        var sweep = Columns.For(OutputFiles.Sweep).Columns.Select(c => c.Name).ToList();
        Assert.All(SweepRow.Metrics, m => Assert.Contains(m.Name, sweep));
    }

    [Fact]
    public void Columns_Doc_Is_Up_To_Date()
    {
        // docs/outputs.md is generated from Columns and the event kinds' catalogue; to regenerate it run this
        // test with SVCSIM_UPDATE_DOCS=1.
        string path = Path.Combine(Repository.Root(), "docs", "outputs.md");
        string expected = Columns.RenderMarkdown() + Svcsim.Network.EventKinds.RenderMarkdown();
        if (Environment.GetEnvironmentVariable("SVCSIM_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests once with SVCSIM_UPDATE_DOCS=1");
        Assert.True(File.ReadAllText(path) == expected, "docs/outputs.md is out of date with Reports/Schema/Columns.cs or Simulator/Network/EventKinds.cs; run the tests with SVCSIM_UPDATE_DOCS=1");
    }
}
