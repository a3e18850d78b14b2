namespace Svcsim.Reports;

/// <summary>
/// Writes a run's output directory: the CSV files, <c>run.json</c> and <c>scenario.yaml</c> first (the data), then
/// the plots and <c>report.html</c> (rendered from the data alone), and last <see cref="Checksums"/> of them all. Each file is replaced atomically, so a run killed
/// while writing keeps every file already written, whole. The same input gives the same bytes.
/// </summary>
public static class RunReportWriter
{
    /// <summary>Writes the data files, then the plots and the report, into <paramref name="directory"/>.</summary>
    /// <returns>The plots, in the order the page shows them.</returns>
    public static IReadOnlyList<PlotImage> Write(string directory, RunResults results)
    {
        WriteData(directory, results);
        var plots = WriteReport(directory, results);
        Checksums.Write(directory);
        return plots;
    }

    /// <summary>
    /// Writes summary.csv, summary_ci.csv, timeseries.csv, nodes.csv, pods.csv, outages.csv, events.csv, run.json
    /// and scenario.yaml into <paramref name="directory"/>, creating it if needed.
    /// </summary>
    public static void WriteData(string directory, RunResults results)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Validate(results);
        Directory.CreateDirectory(directory);
        Checksums.Remove(directory); // written again last: until then the folder reads as unfinished
        CsvFiles.Write(Path.Combine(directory, OutputFiles.Summary), results.Summary);
        CsvFiles.Write(Path.Combine(directory, OutputFiles.SummaryCi), results.SummaryCi);
        CsvFiles.Write(Path.Combine(directory, OutputFiles.Outages), results.Outages);
        CsvFiles.Write(Path.Combine(directory, OutputFiles.Events), results.Events);
        CsvFiles.Write(Path.Combine(directory, OutputFiles.Timeseries), results.Timeseries);
        CsvFiles.Write(Path.Combine(directory, OutputFiles.Nodes), results.Nodes);
        CsvFiles.Write(Path.Combine(directory, OutputFiles.Pods), results.Pods);
        RunManifest.Write(Path.Combine(directory, OutputFiles.RunJson),
            new RunManifest(RunManifest.CurrentFormat, RunManifest.RunKind, results.ScenarioName, results.Parameters, results.FaultMarkers) { Info = results.Info });
        AtomicFile.WriteAllText(Path.Combine(directory, OutputFiles.ScenarioYaml), results.ScenarioYaml);
    }

    /// <summary>
    /// Writes the plots (PNG and SVG, in <c>plots/</c>) and report.html into <paramref name="directory"/>. This is
    /// what <c>svcsim report DIR</c> does with what <see cref="RunResultsReader.Read"/> finds there.
    /// </summary>
    /// <returns>The plots, in the order the page shows them.</returns>
    /// <exception cref="InvalidOperationException">No font is installed, so the plots would carry no text.</exception>
    public static IReadOnlyList<PlotImage> WriteReport(string directory, RunResults results)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Validate(results);
        Figure.EnsureFontsInstalled();
        using var culture = new InvariantCultureScope();
        string plotsDirectory = Path.Combine(directory, OutputFiles.PlotsDirectory);
        Directory.CreateDirectory(plotsDirectory);
        var variants = VariantsOf(results);
        var plots = RunPlots.WriteAll(plotsDirectory, results, variants);
        RemoveStalePlots(plotsDirectory, plots);
        string html = RunReportHtml.Render(new RunFigures(results, variants), plots);
        AtomicFile.WriteAllText(Path.Combine(directory, OutputFiles.ReportHtml), html);
        return plots;
    }

    /// <summary>
    /// Deletes the PNG and SVG files of <paramref name="plotsDirectory"/> that this render did not write: a reused
    /// output folder must not show plots of an earlier run (a way of access since renamed, a plot since dropped).
    /// </summary>
    internal static void RemoveStalePlots(string plotsDirectory, IReadOnlyList<PlotImage> plots)
    {
        var written = new HashSet<string>(plots.SelectMany(p => new[] { p.Name + ".png", p.Name + ".svg" }), StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(plotsDirectory).Order(StringComparer.Ordinal).ToList())
        {
            string name = Path.GetFileName(file);
            if ((name.EndsWith(".png", StringComparison.Ordinal) || name.EndsWith(".svg", StringComparison.Ordinal)) && !written.Contains(name))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>The ways of access in the order in which the rows first name them (summary rows first).</summary>
    internal static List<string> VariantsOf(RunResults results) => Order.FirstAppearance(
        results.Summary.Select(r => r.Variant)
            .Concat(results.SummaryCi.Select(r => r.Variant))
            .Concat(results.Timeseries.Select(r => r.Variant))
            .Concat(results.Nodes.Select(r => r.Variant))
            .Concat(results.Pods.Select(r => r.Variant))
            .Concat(results.Outages.Select(r => r.Variant))
            .Concat(results.Events.Select(r => r.Variant)),
        v => v);

    private static void Validate(RunResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        string name = results.ScenarioName;
        var scenarios = results.Summary.Select(r => r.Scenario)
            .Concat(results.SummaryCi.Select(r => r.Scenario))
            .Concat(results.Timeseries.Select(r => r.Scenario))
            .Concat(results.Nodes.Select(r => r.Scenario))
            .Concat(results.Pods.Select(r => r.Scenario))
            .Concat(results.Outages.Select(r => r.Scenario))
            .Concat(results.Events.Select(r => r.Scenario));
        foreach (string scenario in scenarios)
        {
            if (scenario != name)
            {
                throw new ArgumentException($"a row names scenario '{scenario}' but the run is of '{name}': a report covers one scenario", nameof(results));
            }
        }
    }
}
