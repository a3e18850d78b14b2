using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
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

    /// <summary>The sweep's id: the first 16 hex digits of the SHA-256 of this identity's JSON (the sweep_id of sweep.db).</summary>
    [JsonIgnore]
    public string Id => Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(this)))[..16];
}

/// <summary>What a sweep folder records about itself, so shards can be merged and reports re-rendered.</summary>
internal sealed record SweepManifest(string Name, SweepIdentity Identity, List<RunParameter> Parameters);

/// <summary>
/// A finished point's record, written after its rows: its presence marks the point complete, and the SHA-256, size
/// and row count of its rows file let a resumed sweep or a merge check the rows before using them.
/// </summary>
internal sealed record PointRecord(int Point, string Parameters, SweepIdentity Identity, string? RowsSha256 = null, long RowsBytes = 0, long Rows = 0);

/// <summary>
/// The files of a sweep in progress: one CSV of rows and one JSON record per finished point under
/// <c>points/</c>, each written atomically (rows first, record last), so a killed sweep loses at most the
/// point it was computing and a restarted one reuses everything finished with the same identity.
/// </summary>
internal sealed class SweepStore(string directory)
{
    // A member missing or null where the records say it cannot be is a damaged file (JsonException), not a null met
    // later (a sweep parameter without a name reached run.json's writer).
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    public string Directory { get; } = directory;

    private string PointsDir => Path.Combine(Directory, "points");

    private string RowsPath(int point) => Path.Combine(PointsDir, $"point-{point:D5}.csv");

    private string RecordPath(int point) => Path.Combine(PointsDir, $"point-{point:D5}.json");

    private string ManifestPath => Path.Combine(Directory, "sweep-manifest.json");

    /// <summary>
    /// The rows of a finished point with this identity, or null when there is none, or when its files do not match
    /// its record (edited, truncated, copied from elsewhere): then <paramref name="problem"/> says why, and the point
    /// is computed again.
    /// </summary>
    public List<SweepRow>? TryReuse(int point, string parameters, SweepIdentity identity, out string? problem)
    {
        problem = null;
        if (!File.Exists(RecordPath(point)))
        {
            return null;
        }
        var expected = new PointRecord(point, parameters, identity);
        var record = ReadRecord(RecordPath(point), out problem);
        if (record is null || record with { RowsSha256 = null, RowsBytes = 0, Rows = 0 } != expected)
        {
            problem ??= record is null ? null : record.Identity == identity && record.Point == point ? $"{RecordPath(point)}: records other parameters ({record.Parameters})" : null;
            return null; // another sweep's point (its identity differs): not ours to reuse
        }
        return Verified(record, out problem);
    }

    /// <summary>Saves a finished point: its rows, then the record of them.</summary>
    public void Save(int point, string parameters, SweepIdentity identity, IReadOnlyList<SweepRow> rows)
    {
        System.IO.Directory.CreateDirectory(PointsDir);
        SweepCsv.Write(RowsPath(point), identity.Id, [], rows);
        var sum = Checksums.Of(RowsPath(point), Path.GetFileName(RowsPath(point)));
        AtomicFile.WriteAllText(RecordPath(point), JsonSerializer.Serialize(new PointRecord(point, parameters, identity, sum.Sha256, sum.Bytes, sum.Rows ?? 0), Json));
    }

    /// <summary>The record at <paramref name="path"/>, or null with why it cannot be read.</summary>
    private static PointRecord? ReadRecord(string path, out string? problem)
    {
        problem = null;
        try
        {
            var record = JsonSerializer.Deserialize<PointRecord>(File.ReadAllText(path), Json);
            if (record?.Parameters is null || record.Identity is null)
            {
                problem = $"{path}: not a point record";
                return null;
            }
            return record;
        }
        catch (JsonException e)
        {
            problem = $"{path}: damaged ({e.Message})";
            return null;
        }
    }

    /// <summary>The rows of <paramref name="record"/>'s point when its file matches the record in every respect; else null and why.</summary>
    private List<SweepRow>? Verified(PointRecord record, out string? problem)
    {
        string rowsPath = RowsPath(record.Point);
        problem = null;
        if (!File.Exists(rowsPath))
        {
            problem = $"{rowsPath}: missing";
            return null;
        }
        if (record.RowsSha256 is null)
        {
            problem = $"{RecordPath(record.Point)}: holds no checksum of its rows (written by an older svcsim)";
            return null;
        }
        var sum = Checksums.Of(rowsPath, Path.GetFileName(rowsPath));
        if (sum.Sha256 != record.RowsSha256 || sum.Bytes != record.RowsBytes || sum.Rows != record.Rows)
        {
            problem = $"{rowsPath}: changed since svcsim wrote it ({sum.Bytes} bytes and {sum.Rows} rows where {record.RowsBytes} and {record.Rows} were written; SHA-256 {(sum.Sha256 == record.RowsSha256 ? "equal" : "differs")})";
            return null;
        }
        List<SweepRow> rows;
        try
        {
            rows = SweepCsv.Read(rowsPath).Rows;
        }
        catch (InvalidDataException e)
        {
            problem = e.Message;
            return null;
        }
        if (rows.Count != record.Rows || rows.Any(r => r.Point != record.Point || r.Parameters != record.Parameters))
        {
            problem = $"{rowsPath}: its rows are not those of point {record.Point} ({record.Parameters})";
            return null;
        }
        return rows;
    }

    /// <summary>Records what the sweep is (written before the first point).</summary>
    public void SaveManifest(SweepManifest manifest, string scenarioText)
    {
        System.IO.Directory.CreateDirectory(Directory);
        AtomicFile.WriteAllText(ManifestPath, JsonSerializer.Serialize(manifest, Json));
        AtomicFile.WriteAllText(Path.Combine(Directory, "sweep-scenario.yaml"), scenarioText);
    }

    /// <summary>The manifest and scenario text of a sweep folder, or null when it has none.</summary>
    /// <exception cref="InvalidDataException">The manifest or the scenario beside it is damaged or missing.</exception>
    public (SweepManifest Manifest, string ScenarioText)? LoadManifest()
    {
        if (!File.Exists(ManifestPath))
        {
            return null;
        }
        SweepManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<SweepManifest>(File.ReadAllText(ManifestPath), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{ManifestPath}: damaged ({e.Message})", e);
        }
        if (manifest?.Identity?.Grid is null || manifest.Name is null || manifest.Parameters is null || manifest.Parameters.Contains(null!))
        {
            throw new InvalidDataException($"{ManifestPath}: not a sweep manifest (it is empty or incomplete)");
        }
        string scenario = Path.Combine(Directory, "sweep-scenario.yaml");
        if (!File.Exists(scenario))
        {
            throw new InvalidDataException($"{scenario}: missing (the sweep's scenario, written with {ManifestPath})");
        }
        return (manifest, File.ReadAllText(scenario));
    }

    /// <summary>Every finished point in this folder with the identity, by point number.</summary>
    /// <exception cref="InvalidDataException">A point's record is damaged, or its rows do not match it: merging would give other numbers.</exception>
    public Dictionary<int, List<SweepRow>> FinishedPoints(SweepIdentity identity)
    {
        var found = new Dictionary<int, List<SweepRow>>();
        if (!System.IO.Directory.Exists(PointsDir))
        {
            return found;
        }
        foreach (var path in System.IO.Directory.EnumerateFiles(PointsDir, "point-*.json").Order(StringComparer.Ordinal))
        {
            var record = ReadRecord(path, out string? problem) ?? throw new InvalidDataException(problem);
            if (record.Identity != identity)
            {
                continue;
            }
            if (path != RecordPath(record.Point))
            {
                throw new InvalidDataException($"{path}: records point {record.Point}, whose record is {Path.GetFileName(RecordPath(record.Point))}");
            }
            found[record.Point] = Verified(record, out problem) ?? throw new InvalidDataException(problem + "; run that shard's sweep again to recompute it");
        }
        return found;
    }

    /// <summary>Writes sweep.csv, sweep_ci.csv, plots and report.html from every point's rows, in point order.</summary>
    public static SweepResults WriteSweep(string directory, SweepManifest manifest, string scenarioText, IEnumerable<SweepRow> rows)
    {
        var ordered = rows.ToList();
        var results = new SweepResults(manifest.Name, scenarioText, manifest.Parameters, ordered, ConfidenceIntervals.ForSweep(ordered))
        {
            SweepId = manifest.Identity.Id,
            ParameterColumns = ParameterColumn.ForSweepCsv(ordered),
        };
        SweepReportWriter.Write(directory, results);
        return results;
    }
}
