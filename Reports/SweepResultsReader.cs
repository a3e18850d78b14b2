namespace Svcsim.Reports;

/// <summary>Reads a sweep's output directory back into <see cref="SweepResults"/>.</summary>
public static class SweepResultsReader
{
    /// <summary>
    /// Reads sweep.csv (required), sweep_ci.csv (computed from sweep.csv when missing), run.json and scenario.yaml
    /// (both optional) of <paramref name="directory"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">sweep.csv is missing.</exception>
    public static SweepResults Read(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string sweepPath = Path.Combine(directory, OutputFiles.Sweep);
        if (!File.Exists(sweepPath))
        {
            throw new FileNotFoundException($"{directory} holds no {OutputFiles.Sweep}, so it is not the output of a sweep", sweepPath);
        }

        var (sweepId, parameterColumns, rows) = SweepCsv.Read(sweepPath);
        string ciPath = Path.Combine(directory, OutputFiles.SweepCi);
        var manifest = RunManifest.ReadIfExists(Path.Combine(directory, OutputFiles.RunJson));
        string yamlPath = Path.Combine(directory, OutputFiles.ScenarioYaml);
        return new SweepResults(
            manifest?.Name ?? Path.GetFileName(Path.GetFullPath(directory)),
            File.Exists(yamlPath) ? File.ReadAllText(yamlPath, AtomicFile.Utf8) : "",
            manifest?.Parameters ?? [],
            rows,
            File.Exists(ciPath) ? CsvFiles.Read<SweepCiRow>(ciPath) : ConfidenceIntervals.ForSweep(rows))
        {
            SweepId = sweepId,
            ParameterColumns = parameterColumns,
        };
    }
}
