using System.Text.Json;
using Svcsim.Reports;

namespace Svcsim.Cli;

/// <summary>What identifies a sweep's results: a finished point is reused only when all of it matches.</summary>
/// <param name="ScenarioHash">SHA-256 of the scenario and its manifests, with the base overrides.</param>
/// <param name="Seed">Master seed.</param>
/// <param name="Replications">Replications per point.</param>
/// <param name="Version">svcsim version.</param>
/// <param name="TotalPoints">Points in the whole grid.</param>
/// <param name="Grid">
/// The swept parameters in order, each with its values (<c>clients[0].rate=100/s,200/s;...</c>): without it, shards of
/// two sweeps of one scenario over different values with as many points would merge into a mix of both.
/// </param>
internal sealed record SweepIdentity(string ScenarioHash, long Seed, int Replications, string Version, int TotalPoints, string Grid)
{
    /// <summary>The <see cref="Grid"/> text of <paramref name="axes"/>.</summary>
    public static string GridOf(IEnumerable<Experiments.SweepAxis> axes) =>
        string.Join(";", axes.Select(a => $"{a.Path}={string.Join(",", a.Values)}"));
}

/// <summary>What a sweep folder records about itself, so shards can be merged and reports re-rendered.</summary>
internal sealed record SweepManifest(string Name, SweepIdentity Identity, List<RunParameter> Parameters);

/// <summary>A finished point's record, written after its rows: its presence marks the point complete.</summary>
internal sealed record PointRecord(int Point, string Parameters, SweepIdentity Identity);

/// <summary>
/// The files of a sweep in progress: one CSV of rows and one JSON record per finished point under
/// <c>points/</c>, each written atomically (rows first, record last), so a killed sweep loses at most the
/// point it was computing and a restarted one reuses everything finished with the same identity.
/// </summary>
internal sealed class SweepStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Directory { get; } = directory;

    private string PointsDir => Path.Combine(Directory, "points");

    private string RowsPath(int point) => Path.Combine(PointsDir, $"point-{point:D5}.csv");

    private string RecordPath(int point) => Path.Combine(PointsDir, $"point-{point:D5}.json");

    private string ManifestPath => Path.Combine(Directory, "sweep-manifest.json");

    /// <summary>The rows of a finished point with this identity, or null.</summary>
    public List<SweepRow>? TryReuse(int point, string parameters, SweepIdentity identity)
    {
        if (!File.Exists(RecordPath(point)) || !File.Exists(RowsPath(point)))
        {
            return null;
        }
        var record = JsonSerializer.Deserialize<PointRecord>(File.ReadAllText(RecordPath(point)), Json);
        return record == new PointRecord(point, parameters, identity) ? CsvFiles.Read<SweepRow>(RowsPath(point)) : null;
    }

    /// <summary>Saves a finished point.</summary>
    public void Save(int point, string parameters, SweepIdentity identity, IReadOnlyList<SweepRow> rows)
    {
        System.IO.Directory.CreateDirectory(PointsDir);
        CsvFiles.Write(RowsPath(point), rows);
        AtomicFile.WriteAllText(RecordPath(point), JsonSerializer.Serialize(new PointRecord(point, parameters, identity), Json));
    }

    /// <summary>Records what the sweep is (written before the first point).</summary>
    public void SaveManifest(SweepManifest manifest, string scenarioText)
    {
        System.IO.Directory.CreateDirectory(Directory);
        AtomicFile.WriteAllText(ManifestPath, JsonSerializer.Serialize(manifest, Json));
        AtomicFile.WriteAllText(Path.Combine(Directory, "sweep-scenario.yaml"), scenarioText);
    }

    /// <summary>The manifest and scenario text of a sweep folder, or null when it has none.</summary>
    public (SweepManifest Manifest, string ScenarioText)? LoadManifest()
    {
        if (!File.Exists(ManifestPath))
        {
            return null;
        }
        var manifest = JsonSerializer.Deserialize<SweepManifest>(File.ReadAllText(ManifestPath), Json)!;
        return (manifest, File.ReadAllText(Path.Combine(Directory, "sweep-scenario.yaml")));
    }

    /// <summary>Every finished point in this folder with the identity, by point number.</summary>
    public Dictionary<int, List<SweepRow>> FinishedPoints(SweepIdentity identity)
    {
        var found = new Dictionary<int, List<SweepRow>>();
        if (!System.IO.Directory.Exists(PointsDir))
        {
            return found;
        }
        foreach (var path in System.IO.Directory.EnumerateFiles(PointsDir, "point-*.json").Order(StringComparer.Ordinal))
        {
            var record = JsonSerializer.Deserialize<PointRecord>(File.ReadAllText(path), Json);
            if (record is not null && record.Identity == identity && File.Exists(RowsPath(record.Point)))
            {
                found[record.Point] = CsvFiles.Read<SweepRow>(RowsPath(record.Point));
            }
        }
        return found;
    }

    /// <summary>Writes sweep.csv, sweep_ci.csv, plots and report.html from every point's rows, in point order.</summary>
    public static void WriteSweep(string directory, SweepManifest manifest, string scenarioText, IEnumerable<SweepRow> rows)
    {
        var ordered = rows.ToList();
        SweepReportWriter.Write(directory, new SweepResults(manifest.Name, scenarioText, manifest.Parameters, ordered, ConfidenceIntervals.ForSweep(ordered)));
    }
}
