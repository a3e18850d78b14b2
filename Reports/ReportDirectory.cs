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
    public static ReportKind Rerender(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (File.Exists(Path.Combine(directory, OutputFiles.Sweep)))
        {
            SweepReportWriter.WriteReport(directory, SweepResultsReader.Read(directory));
            return ReportKind.Sweep;
        }

        RunReportWriter.WriteReport(directory, RunResultsReader.Read(directory));
        return ReportKind.Run;
    }
}
