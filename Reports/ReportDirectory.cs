namespace Svcsim.Reports;

/// <summary>What an output directory holds.</summary>
public enum ReportKind
{
    /// <summary>The output of a run (summary.csv).</summary>
    Run,

    /// <summary>The output of a sweep (sweep.csv).</summary>
    Sweep,
}

/// <summary>Renders an output directory's plots and report.html again from its files: <c>svcsim report DIR</c>.</summary>
public static class ReportDirectory
{
    /// <summary>
    /// Reads <paramref name="directory"/> as a sweep when it holds sweep.csv, else as a run, and writes its plots and
    /// report.html again. The CSV files are read, never written.
    /// </summary>
    /// <returns>Which kind of output the directory held.</returns>
    /// <exception cref="FileNotFoundException">The directory holds neither summary.csv nor sweep.csv.</exception>
    /// <exception cref="InvalidDataException">
    /// The directory has no <c>checksums.json</c> (it was never finished), or a data file is missing, changed or
    /// unreadable: nothing is rendered from it. Plots and report.html are rendered anew whatever they hold.
    /// </exception>
    public static ReportKind Rerender(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!File.Exists(Path.Combine(directory, OutputFiles.Sweep)) && !File.Exists(Path.Combine(directory, OutputFiles.Summary)))
        {
            throw new FileNotFoundException($"{directory} holds no {OutputFiles.Summary} or {OutputFiles.Sweep}, so it is not the output of a run or a sweep", Path.Combine(directory, OutputFiles.Summary));
        }
        Checksums.Verify(directory, IsData);
        if (File.Exists(Path.Combine(directory, OutputFiles.Sweep)))
        {
            SweepReportWriter.WriteReport(directory, SweepResultsReader.Read(directory));
            Checksums.Write(directory, SweepReportWriter.PointsDirectory);
            return ReportKind.Sweep;
        }

        RunReportWriter.WriteReport(directory, RunResultsReader.Read(directory));
        Checksums.Write(directory);
        return ReportKind.Run;
    }

    /// <summary>The files a report is rendered from (not the plots and the page it renders).</summary>
    private static bool IsData(string relativePath) =>
        !relativePath.StartsWith(OutputFiles.PlotsDirectory + "/", StringComparison.Ordinal) && relativePath != OutputFiles.ReportHtml;
}
