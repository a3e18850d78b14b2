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
        var ci = File.Exists(ciPath) ? CsvFiles.Read<SweepCiRow>(ciPath) : ConfidenceIntervals.ForSweep(rows);
        PointsOfTheSweep(ciPath, ci, rows);
        return new SweepResults(
            manifest?.Name ?? Path.GetFileName(Path.GetFullPath(directory)),
            File.Exists(yamlPath) ? File.ReadAllText(yamlPath, AtomicFile.Utf8) : "",
            manifest?.Parameters ?? [],
            rows,
            ci)
        {
            SweepId = sweepId,
            ParameterColumns = parameterColumns,
        };
    }

    /// <summary>Every interval row is of a point of sweep.csv, with that point's parameters.</summary>
    /// <exception cref="InvalidDataException">One is not; the message gives the file and its line.</exception>
    private static void PointsOfTheSweep(string ciPath, IReadOnlyList<SweepCiRow> ci, IReadOnlyList<SweepRow> rows)
    {
        var parametersOf = new Dictionary<int, string>();
        foreach (var r in rows)
        {
            parametersOf.TryAdd(r.Point, r.Parameters);
        }
        for (int i = 0; i < ci.Count; i++)
        {
            if (!parametersOf.TryGetValue(ci[i].Point, out string? parameters) || parameters != ci[i].Parameters)
            {
                throw new InvalidDataException($"{ciPath}:{i + 2}: point {ci[i].Point} ({ci[i].Parameters}) is not a point of {OutputFiles.Sweep}" +
                    (parameters is null ? "" : $", whose point {ci[i].Point} is {parameters}"));
            }
        }
    }
}
