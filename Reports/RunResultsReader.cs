namespace Svcsim.Reports;

/// <summary>Reads a run's output directory back into <see cref="RunResults"/>.</summary>
public static class RunResultsReader
{
    /// <summary>
    /// Reads the CSV files, <c>run.json</c> and <c>scenario.yaml</c> of <paramref name="directory"/>. Only
    /// summary.csv is required: a missing summary_ci.csv is computed from it, other missing CSV files read as no rows,
    /// a missing run.json gives the scenario name of the first summary row and no parameters or markers, and a missing
    /// scenario.yaml an empty text.
    /// </summary>
    /// <exception cref="FileNotFoundException">summary.csv is missing.</exception>
    public static RunResults Read(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string summaryPath = Path.Combine(directory, OutputFiles.Summary);
        if (!File.Exists(summaryPath))
        {
            throw new FileNotFoundException($"{directory} holds no {OutputFiles.Summary}, so it is not the output of a run", summaryPath);
        }

        var summary = CsvFiles.Read<SummaryRow>(summaryPath);
        string ciPath = Path.Combine(directory, OutputFiles.SummaryCi);
        IReadOnlyList<SummaryCiRow> ci = File.Exists(ciPath) ? CsvFiles.Read<SummaryCiRow>(ciPath) : ConfidenceIntervals.ForSummary(summary);
        var manifest = RunManifest.ReadIfExists(Path.Combine(directory, OutputFiles.RunJson));
        string yamlPath = Path.Combine(directory, OutputFiles.ScenarioYaml);
        return new RunResults(
            manifest?.Name ?? (summary.Count > 0 ? summary[0].Scenario : Path.GetFileName(Path.GetFullPath(directory))),
            File.Exists(yamlPath) ? File.ReadAllText(yamlPath, AtomicFile.Utf8) : "",
            manifest?.Parameters ?? [],
            summary,
            ci,
            CsvFiles.ReadIfExists<TimeseriesRow>(Path.Combine(directory, OutputFiles.Timeseries)),
            CsvFiles.ReadIfExists<NodeRow>(Path.Combine(directory, OutputFiles.Nodes)),
            CsvFiles.ReadIfExists<PodRow>(Path.Combine(directory, OutputFiles.Pods)),
            CsvFiles.ReadIfExists<OutageRow>(Path.Combine(directory, OutputFiles.Outages)),
            CsvFiles.ReadIfExists<EventRow>(Path.Combine(directory, OutputFiles.Events)),
            manifest?.FaultMarkers ?? [])
        {
            Info = manifest?.Info ?? ScenarioInfo.Unknown,
        };
    }
}
