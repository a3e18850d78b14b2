using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Svcsim.Experiments;
using Svcsim.Reports;
using Svcsim.Scenarios;

namespace Svcsim.Cli;

/// <summary>
/// How a sweep keeps its results: <see cref="Csv"/> (sweep.csv and the points' CSV files, the default), or
/// <see cref="Sqlite"/>: the same, and <c>sweep.db</c>, a SQLite database with every run's summary, time series,
/// outages and events, for sweeps whose detail would not fit in CSV files one can open.
/// </summary>
internal enum SweepStoreKind
{
    Csv,
    Sqlite,
}

/// <summary>
/// A swept parameter as a typed column: its values read with the scenario's own unit parsers, so that a query can
/// compare and plot them (<c>clients[0].rate</c> = <c>200/s</c> becomes <c>clients_0_rate_per_s</c> = 200.0).
/// </summary>
/// <param name="Path">The swept path, as given to --param.</param>
/// <param name="Column">The column's name: the path in snake case, then the unit's suffix.</param>
/// <param name="SqlType">INTEGER, REAL or TEXT.</param>
/// <param name="Unit">The unit of the values (s, 1/s, B, bit/s), empty for plain numbers and text.</param>
internal sealed record ParameterColumn(string Path, string Column, string SqlType, string Unit)
{
    private Func<string, object?> Parse { get; init; } = v => v;

    // A value type, how its values parse, its unit and its column suffix; the first type that reads every value wins.
    private static readonly (string SqlType, string Unit, string Suffix, Func<string, object?> Parse)[] Types =
    [
        ("INTEGER", "", "", v => long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? n : null),
        ("REAL", "", "", v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x) ? x : null),
        ("REAL", "s", "_s", v => Units.Duration(v) is { Ok: true } d && double.IsFinite(d.Value) ? d.Value : null),
        ("REAL", "1/s", "_per_s", v => Units.Rate(v) is { Ok: true } r ? r.Value : null),
        ("REAL", "B", "_bytes", v => Units.Size(v) is { Ok: true } s ? s.Value : null),
        ("REAL", "bit/s", "_bps", v => Units.Bandwidth(v) is { Ok: true } b ? b.Value : null),
        ("INTEGER", "", "", v => v.Trim().ToLowerInvariant() switch { "true" => 1L, "false" => 0L, _ => null }),
    ];

    /// <summary>The typed columns of a grid's axes, named apart from <paramref name="taken"/> and from each other.</summary>
    public static List<ParameterColumn> Of(IReadOnlyList<SweepAxis> axes, IEnumerable<string> taken)
    {
        var used = new HashSet<string>(taken, StringComparer.OrdinalIgnoreCase);
        var columns = new List<ParameterColumn>();
        foreach (var axis in axes)
        {
            var type = Types.FirstOrDefault(t => axis.Values.All(v => t.Parse(v) is not null));
            string name = SnakeCase(axis.Path) + (type.Parse is null ? "" : type.Suffix);
            string unique = name;
            for (int i = 2; !used.Add(unique); i++)
            {
                unique = $"{name}_{i}";
            }
            columns.Add(type.Parse is null ? new(axis.Path, unique, "TEXT", "") : new(axis.Path, unique, type.SqlType, type.Unit) { Parse = type.Parse });
        }
        return columns;
    }

    /// <summary>
    /// The typed and text columns of sweep.csv for the parameters of <paramref name="rows"/> (in the order of the
    /// first point's parameters), named apart from sweep.csv's other columns and from each other.
    /// </summary>
    public static List<SweepParameterColumn> ForSweepCsv(IReadOnlyList<SweepRow> rows)
    {
        var values = new List<(string Path, List<string> Values)>();
        foreach (var parameters in rows.Select(r => r.Parameters).Distinct(StringComparer.Ordinal))
        {
            foreach (var p in SweepParameters.Parse(parameters))
            {
                int k = values.FindIndex(v => v.Path == p.Name);
                if (k < 0)
                {
                    values.Add((p.Name, [p.Value]));
                }
                else if (!values[k].Values.Contains(p.Value))
                {
                    values[k].Values.Add(p.Value);
                }
            }
        }

        var taken = new HashSet<string>(SweepCsv.Header([]), StringComparer.OrdinalIgnoreCase);
        var typed = Of(values.Select(v => new SweepAxis(v.Path, v.Values)).ToList(), taken);
        var columns = new List<SweepParameterColumn>();
        foreach (var column in typed)
        {
            taken.Add(column.Column);
        }

        for (int i = 0; i < typed.Count; i++)
        {
            var column = typed[i];
            string text = SnakeCase(column.Path) + "_text";
            string unique = text;
            for (int n = 2; !taken.Add(unique); n++)
            {
                unique = $"{text}_{n}";
            }

            var cells = values[i].Values.ToDictionary(v => v, v => column.Value(v) switch
            {
                long n => n.ToString(CultureInfo.InvariantCulture),
                double x => SweepCsv.Number(x),
                var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
            }, StringComparer.Ordinal);
            columns.Add(new SweepParameterColumn(column.Path, column.Column, unique, cells));
        }

        return columns;
    }

    /// <summary>The value of <paramref name="text"/> in this column's type.</summary>
    public object Value(string text) => Parse(text) ?? throw new FormatException($"{Path}: '{text}' is not a value of the column {Column} ({SqlType} {Unit})");

    /// <summary><c>controlPlane.nodeMonitorGracePeriod</c> as <c>control_plane_node_monitor_grace_period</c>.</summary>
    internal static string SnakeCase(string path)
    {
        var text = new StringBuilder();
        foreach (char c in path)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                text.Append(text.Length > 0 && text[^1] != '_' ? "_" : "").Append(char.ToLowerInvariant(c));
            }
            else if (char.IsAsciiLetterOrDigit(c))
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] != '_')
            {
                text.Append('_');
            }
        }
        string name = text.ToString().Trim('_');
        return name.Length == 0 || char.IsAsciiDigit(name[0]) ? "p_" + name : name;
    }
}

/// <summary>
/// <c>sweep.db</c>: one SQLite file per sweep folder (a whole sweep, a shard, or a merge of shards) holding, keyed by
/// (sweep_id, point, variant, replication), every run's <c>summary</c>, <c>timeseries</c>, <c>outages</c> and
/// <c>events</c>, with the swept parameters as typed columns of <c>points</c> and <c>summary</c>. A point's rows are
/// written in one transaction before the point's record, so a killed sweep leaves either all of a point or none of it,
/// and a resumed one reuses a point only when the database has it too.
/// </summary>
internal sealed class SweepDatabase : IDisposable
{
    /// <summary>The file's name in a sweep folder.</summary>
    public const string FileName = "sweep.db";

    /// <summary>The database schema's version, in <c>PRAGMA user_version</c>.</summary>
    private const int SchemaVersion = 3;

    private static readonly string[] SummaryFixed =
    [
        "sweep_id", "point", "variant", "replication", "seed", "replication_seed", "requests", "succeeded", "failed", "availability", "time_availability",
        "outages", "longest_outage_s", "total_outage_s", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "latency_p999_ms",
        "latency_max_ms", "max_node_utilization", "overload_s", "rejected", "jain_fairness", "imbalance_max_over_mean",
        "connections", "connect_failures", "connections_reset", "connections_hung", "pod_imbalance_max_over_mean",
    ];

    private static readonly string[] FailureColumns = FailureCounts.Causes.Select(c => FailureCounts.ColumnPrefix + c).ToArray();

    private readonly SqliteConnection _connection;
    private readonly string _sweepId;
    private readonly IReadOnlyList<ParameterColumn> _parameters;
    private readonly Lock _lock = new();

    private SweepDatabase(SqliteConnection connection, string sweepId, IReadOnlyList<ParameterColumn> parameters)
    {
        _connection = connection;
        _sweepId = sweepId;
        _parameters = parameters;
    }

    /// <summary>The typed parameter columns of this sweep.</summary>
    public IReadOnlyList<ParameterColumn> Parameters => _parameters;

    private static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Opens (or creates) the database file <paramref name="path"/> for this sweep. A database
    /// of another sweep (another identity) is emptied first: none of its points would be reused.
    /// </summary>
    public static SweepDatabase Open(string path, SweepManifest manifest, string scenarioText, IReadOnlyList<SweepAxis> axes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connection = Connect(path, SqliteOpenMode.ReadWriteCreate);
        try
        {
            string sweepId = manifest.Identity.Id;
            var parameters = ParameterColumn.Of(axes, SummaryFixed.Concat(FailureColumns).Append("parameters"));
            // The default rollback journal, not WAL: shard folders are often on network file systems, where WAL is unsafe.
            Execute(connection, "PRAGMA foreign_keys = ON");
            string? existing = Scalar(connection, "SELECT name FROM sqlite_master WHERE type='table' AND name='sweep'") is null
                ? null : Scalar(connection, "SELECT sweep_id FROM sweep") as string;
            if (existing != sweepId || Convert.ToInt64(Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture) != SchemaVersion)
            {
                Recreate(connection, manifest, scenarioText, parameters);
            }
            return new SweepDatabase(connection, sweepId, parameters);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Recreate(SqliteConnection connection, SweepManifest manifest, string scenarioText, IReadOnlyList<ParameterColumn> parameters)
    {
        using var transaction = connection.BeginTransaction();
        foreach (string table in new[] { "events", "outages", "timeseries", "summary", "points", "parameters", "sweep" })
        {
            Execute(connection, $"DROP TABLE IF EXISTS {table}", transaction);
        }
        string typed = string.Concat(parameters.Select(p => $", \"{p.Column}\" {p.SqlType} NOT NULL"));
        const string Key = "FOREIGN KEY (sweep_id, point) REFERENCES points (sweep_id, point) ON DELETE CASCADE";
        Execute(connection, $"""
            CREATE TABLE sweep (
              sweep_id TEXT PRIMARY KEY, name TEXT NOT NULL, scenario_sha256 TEXT NOT NULL, seed INTEGER NOT NULL,
              replications INTEGER NOT NULL, svcsim_version TEXT NOT NULL, total_points INTEGER NOT NULL, grid TEXT NOT NULL,
              scenario_yaml TEXT NOT NULL);
            CREATE TABLE parameters (
              sweep_id TEXT NOT NULL REFERENCES sweep (sweep_id), position INTEGER NOT NULL, path TEXT NOT NULL,
              column_name TEXT NOT NULL, type TEXT NOT NULL, unit TEXT NOT NULL, PRIMARY KEY (sweep_id, position));
            CREATE TABLE points (
              sweep_id TEXT NOT NULL REFERENCES sweep (sweep_id), point INTEGER NOT NULL, parameters TEXT NOT NULL{typed},
              PRIMARY KEY (sweep_id, point));
            CREATE TABLE summary (
              sweep_id TEXT NOT NULL, point INTEGER NOT NULL, variant TEXT NOT NULL, replication INTEGER NOT NULL{typed},
              seed INTEGER NOT NULL, replication_seed INTEGER NOT NULL, requests INTEGER NOT NULL, succeeded INTEGER NOT NULL, failed INTEGER NOT NULL,
              availability REAL, time_availability REAL, outages INTEGER NOT NULL, longest_outage_s REAL, total_outage_s REAL,
              latency_p50_ms REAL, latency_p90_ms REAL, latency_p99_ms REAL, latency_p999_ms REAL, latency_max_ms REAL,
              max_node_utilization REAL, overload_s REAL, rejected INTEGER NOT NULL, jain_fairness REAL, imbalance_max_over_mean REAL,
              connections INTEGER NOT NULL, connect_failures INTEGER NOT NULL, connections_reset INTEGER NOT NULL,
              connections_hung INTEGER NOT NULL, pod_imbalance_max_over_mean REAL,
              {string.Join(", ", FailureColumns.Select(c => c + " INTEGER NOT NULL"))},
              PRIMARY KEY (sweep_id, point, variant, replication), {Key});
            CREATE TABLE timeseries (
              sweep_id TEXT NOT NULL, point INTEGER NOT NULL, variant TEXT NOT NULL, replication INTEGER NOT NULL,
              window_start_s REAL NOT NULL, window_end_s REAL NOT NULL, requests INTEGER NOT NULL, succeeded INTEGER NOT NULL,
              failed INTEGER NOT NULL, availability REAL, {string.Join(", ", FailureColumns.Select(c => c + " INTEGER NOT NULL"))},
              latency_p50_ms REAL, latency_p99_ms REAL,
              PRIMARY KEY (sweep_id, point, variant, replication, window_start_s), {Key});
            CREATE TABLE outages (
              sweep_id TEXT NOT NULL, point INTEGER NOT NULL, variant TEXT NOT NULL, replication INTEGER NOT NULL,
              start_s REAL NOT NULL, end_s REAL NOT NULL, duration_s REAL NOT NULL, cause TEXT NOT NULL, {Key});
            CREATE INDEX outages_run ON outages (sweep_id, point, variant, replication);
            CREATE TABLE events (
              sweep_id TEXT NOT NULL, point INTEGER NOT NULL, variant TEXT NOT NULL, replication INTEGER NOT NULL,
              time_s REAL NOT NULL, node TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL, {Key});
            CREATE INDEX events_run ON events (sweep_id, point, variant, replication);
            PRAGMA user_version = {SchemaVersion};
            """, transaction);
        var id = manifest.Identity;
        Execute(connection, "INSERT INTO sweep VALUES ($id, $name, $sha, $seed, $replications, $version, $points, $grid, $scenario)", transaction,
            ("$id", id.Id), ("$name", manifest.Name), ("$sha", id.ScenarioHash), ("$seed", id.Seed), ("$replications", id.Replications),
            ("$version", id.Version), ("$points", id.TotalPoints), ("$grid", id.Grid), ("$scenario", scenarioText));
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            Execute(connection, "INSERT INTO parameters VALUES ($id, $position, $path, $column, $type, $unit)", transaction,
                ("$id", id.Id), ("$position", i), ("$path", p.Path), ("$column", p.Column), ("$type", p.SqlType), ("$unit", p.Unit));
        }
        transaction.Commit();
    }

    /// <summary>True when the database holds every row of the point (its <c>points</c> row is written last).</summary>
    public bool Has(int point)
    {
        lock (_lock)
        {
            return Scalar(_connection, "SELECT 1 FROM points WHERE sweep_id = $id AND point = $point", null, ("$id", _sweepId), ("$point", point)) is not null;
        }
    }

    /// <summary>Writes every row of a finished point in one transaction, replacing what the database had of it.</summary>
    public void Save(SweepPoint point, string parameters, ScenarioResults results)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            Execute(_connection, "DELETE FROM points WHERE sweep_id = $id AND point = $point", transaction, ("$id", _sweepId), ("$point", point.Index));
            var typed = _parameters.Select(c => (Column: c, Value: c.Value(point.Settings.Single(s => s.Path == c.Path).Value))).ToList();
            string typedNames = string.Concat(typed.Select(t => $", \"{t.Column.Column}\""));
            string typedValues = string.Concat(typed.Select((_, i) => $", $p{i}"));
            var typedArgs = typed.Select((t, i) => ($"$p{i}", t.Value)).ToArray();
            Execute(_connection, $"INSERT INTO points (sweep_id, point, parameters{typedNames}) VALUES ($id, $point, $parameters{typedValues})", transaction,
                [("$id", _sweepId), ("$point", point.Index), ("$parameters", parameters), .. typedArgs]);

            var rows = ResultMapping.ToRunResults(results, "", []);
            using (var insert = Command(transaction, "summary", [.. SummaryFixed[..4], .. typed.Select(t => t.Column.Column), .. SummaryFixed[4..], .. FailureColumns]))
            {
                foreach (var s in rows.Summary)
                {
                    Run(insert, [_sweepId, point.Index, s.Variant, s.Replication, .. typed.Select(t => t.Value), s.Seed, s.ReplicationSeed, s.Requests, s.Succeeded, s.Failed,
                        s.Availability, s.TimeAvailability, s.Outages, s.LongestOutageS, s.TotalOutageS, s.LatencyP50Ms, s.LatencyP90Ms,
                        s.LatencyP99Ms, s.LatencyP999Ms, s.LatencyMaxMs, s.MaxNodeUtilization, s.OverloadS, s.Rejected, s.JainFairness,
                        s.ImbalanceMaxOverMean, s.Connections, s.ConnectFailures, s.ConnectionsReset, s.ConnectionsHung, s.PodImbalanceMaxOverMean,
                        .. s.FailedBy.ToArray().Cast<object>()]);
                }
            }
            using (var insert = Command(transaction, "timeseries", ["sweep_id", "point", "variant", "replication", "window_start_s", "window_end_s",
                "requests", "succeeded", "failed", "availability", .. FailureColumns, "latency_p50_ms", "latency_p99_ms"]))
            {
                foreach (var t in rows.Timeseries)
                {
                    Run(insert, [_sweepId, point.Index, t.Variant, t.Replication, t.WindowStartS, t.WindowEndS, t.Requests, t.Succeeded, t.Failed,
                        t.Availability, .. t.FailedBy.ToArray().Cast<object>(), t.LatencyP50Ms, t.LatencyP99Ms]);
                }
            }
            using (var insert = Command(transaction, "outages", ["sweep_id", "point", "variant", "replication", "start_s", "end_s", "duration_s", "cause"]))
            {
                foreach (var o in rows.Outages)
                {
                    Run(insert, [_sweepId, point.Index, o.Variant, o.Replication, o.StartS, o.EndS, o.DurationS, o.Cause]);
                }
            }
            using (var insert = Command(transaction, "events", ["sweep_id", "point", "variant", "replication", "time_s", "node", "kind", "detail"]))
            {
                foreach (var e in rows.Events)
                {
                    Run(insert, [_sweepId, point.Index, e.Variant, e.Replication, e.TimeS, e.Node, e.Kind, e.Detail]);
                }
            }
            transaction.Commit();
        }
    }

    /// <summary>The points a database file holds for the sweep <paramref name="sweepId"/>, or null when it is another sweep's or no database.</summary>
    public static IReadOnlySet<int>? PointsIn(string path, string sweepId)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        using var connection = Connect(path, SqliteOpenMode.ReadOnly);
        if (Scalar(connection, "SELECT sweep_id FROM sweep") as string != sweepId)
        {
            return null;
        }
        return Points(connection, sweepId);
    }

    private static SortedSet<int> Points(SqliteConnection connection, string sweepId)
    {
        var points = new SortedSet<int>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT point FROM points WHERE sweep_id = $id";
        command.Parameters.AddWithValue("$id", sweepId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            points.Add(reader.GetInt32(0));
        }
        return points;
    }

    /// <summary>
    /// Writes <paramref name="path"/>, the database of a merged sweep: each point with its rows as they are, from the
    /// database <paramref name="sources"/> names for it. The file is written under another name and renamed when
    /// whole: a merge that fails leaves no database.
    /// </summary>
    public static void Merge(string path, string sweepId, IReadOnlyDictionary<int, string> sources)
    {
        string temporary = path + ".partial";
        File.Delete(temporary);
        try
        {
            var bySource = sources.GroupBy(s => s.Value, s => s.Key).Select(g => (File: g.Key, Points: g.Order().ToList())).ToList();
            using (var merged = Connect(temporary, SqliteOpenMode.ReadWriteCreate))
            {
                // The first source's database, schema and all, then only its points kept, then the others' points added.
                using (var first = Connect(bySource[0].File, SqliteOpenMode.ReadWrite))
                {
                    first.BackupDatabase(merged);
                }
                Execute(merged, "PRAGMA foreign_keys = ON");
                Execute(merged, $"DELETE FROM points WHERE sweep_id <> $id OR point NOT IN ({string.Join(",", bySource[0].Points)})", null, ("$id", sweepId));
                foreach (var (file, points) in bySource.Skip(1))
                {
                    Execute(merged, "ATTACH DATABASE $file AS shard", null, ("$file", file));
                    using (var transaction = merged.BeginTransaction())
                    {
                        foreach (string table in new[] { "points", "summary", "timeseries", "outages", "events" })
                        {
                            Execute(merged, $"INSERT INTO main.{table} SELECT * FROM shard.{table} WHERE sweep_id = $id AND point IN ({string.Join(",", points)})",
                                transaction, ("$id", sweepId));
                        }
                        transaction.Commit();
                    }
                    Execute(merged, "DETACH DATABASE shard");
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private SqliteCommand Command(SqliteTransaction transaction, string table, IReadOnlyList<string> columns)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$c{i}"))})";
        for (int i = 0; i < columns.Count; i++)
        {
            command.Parameters.Add(new SqliteParameter($"$c{i}", null));
        }
        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] switch
            {
                null => DBNull.Value,
                double d when double.IsNaN(d) => DBNull.Value, // SQLite has no NaN: an undefined ratio is NULL
                var v => v,
            };
        }
        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] args)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] args)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
        }
    }
}
