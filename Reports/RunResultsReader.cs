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
        string name = manifest?.Name ?? (summary.Count > 0 ? summary[0].Scenario : Path.GetFileName(Path.GetFullPath(directory)));
        string source = manifest is not null ? OutputFiles.RunJson : $"the first row of {OutputFiles.Summary}";
        // A run folder holds one scenario: a row naming another is a file edited or put together by hand.
        var timeseries = CsvFiles.ReadIfExists<TimeseriesRow>(Path.Combine(directory, OutputFiles.Timeseries));
        var nodes = CsvFiles.ReadIfExists<NodeRow>(Path.Combine(directory, OutputFiles.Nodes));
        var pods = CsvFiles.ReadIfExists<PodRow>(Path.Combine(directory, OutputFiles.Pods));
        var outages = CsvFiles.ReadIfExists<OutageRow>(Path.Combine(directory, OutputFiles.Outages));
        var events = CsvFiles.ReadIfExists<EventRow>(Path.Combine(directory, OutputFiles.Events));
        SameScenario(directory, OutputFiles.Summary, summary.Select(r => r.Scenario), name, source);
        SameScenario(directory, OutputFiles.SummaryCi, ci.Select(r => r.Scenario), name, source);
        SameScenario(directory, OutputFiles.Timeseries, timeseries.Select(r => r.Scenario), name, source);
        SameScenario(directory, OutputFiles.Nodes, nodes.Select(r => r.Scenario), name, source);
        SameScenario(directory, OutputFiles.Pods, pods.Select(r => r.Scenario), name, source);
        SameScenario(directory, OutputFiles.Outages, outages.Select(r => r.Scenario), name, source);
        SameScenario(directory, OutputFiles.Events, events.Select(r => r.Scenario), name, source);
        return new RunResults(
            name,
            File.Exists(yamlPath) ? File.ReadAllText(yamlPath, AtomicFile.Utf8) : "",
            manifest?.Parameters ?? [],
            summary,
            ci,
            timeseries,
            nodes,
            pods,
            outages,
            events,
            manifest?.FaultMarkers ?? [])
        {
            Info = manifest?.Info ?? ScenarioInfo.Unknown,
        };
    }

    /// <exception cref="InvalidDataException">A row names another scenario; the message gives the file and its line.</exception>
    private static void SameScenario(string directory, string file, IEnumerable<string> scenarios, string name, string source)
    {
        int line = 1; // the header; the rows svcsim writes hold no line breaks
        foreach (string scenario in scenarios)
        {
            line++;
            if (scenario != name)
            {
                throw new InvalidDataException(
                    $"{Path.Combine(directory, file)}:{line}: scenario: '{scenario}', but the run is of '{name}' ({source}); a run folder holds one scenario");
            }
        }
    }
}
