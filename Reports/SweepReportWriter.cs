namespace Svcsim.Reports;

/// <summary>
/// Writes a sweep's output directory: sweep.csv, sweep_ci.csv, run.json and scenario.yaml, then one plot per metric
/// and swept parameter and report.html. Atomic and byte-for-byte repeatable like <see cref="RunReportWriter"/>.
/// </summary>
public static class SweepReportWriter
{
    /// <summary>Writes the data files, then the plots and the report, into <paramref name="directory"/>.</summary>
    public static void Write(string directory, SweepResults results)
    {
        WriteData(directory, results);
        WriteReport(directory, results);
        Checksums.Write(directory, PointsDirectory);
    }

    /// <summary>The sub-folder of a sweep's finished points, which carry their own records (not in checksums.json).</summary>
    public const string PointsDirectory = "points";

    /// <summary>Writes sweep.csv, sweep_ci.csv, run.json and scenario.yaml into <paramref name="directory"/>.</summary>
    public static void WriteData(string directory, SweepResults results)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(directory);
        Checksums.Remove(directory); // written again last: until then the folder reads as unfinished
        SweepCsv.Write(Path.Combine(directory, OutputFiles.Sweep), results.SweepId, results.ParameterColumns, results.Rows);
        CsvFiles.Write(Path.Combine(directory, OutputFiles.SweepCi), results.Ci);
        RunManifest.Write(Path.Combine(directory, OutputFiles.RunJson),
            new RunManifest(RunManifest.CurrentFormat, RunManifest.SweepKind, results.Name, results.Parameters, []));
        AtomicFile.WriteAllText(Path.Combine(directory, OutputFiles.ScenarioYaml), results.ScenarioYaml);
    }

    /// <summary>Writes the plots (in <c>plots/</c>) and report.html into <paramref name="directory"/>.</summary>
    /// <returns>The plots, in the order the page shows them.</returns>
    /// <exception cref="InvalidOperationException">No font is installed, so the plots would carry no text.</exception>
    public static IReadOnlyList<PlotImage> WriteReport(string directory, SweepResults results)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(results);
        Figure.EnsureFontsInstalled();
        using var culture = new InvariantCultureScope();
        string plotsDirectory = Path.Combine(directory, OutputFiles.PlotsDirectory);
        Directory.CreateDirectory(plotsDirectory);
        var variants = Order.FirstAppearance(results.Rows.Select(r => r.Variant).Concat(results.Ci.Select(c => c.Variant)), v => v);
        var plots = SweepPlots.WriteAll(plotsDirectory, results, variants);
        RunReportWriter.RemoveStalePlots(plotsDirectory, plots);
        AtomicFile.WriteAllText(Path.Combine(directory, OutputFiles.ReportHtml), SweepReportHtml.Render(results, variants, plots));
        return plots;
    }
}
