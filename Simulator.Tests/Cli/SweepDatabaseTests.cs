using System.Globalization;
using Microsoft.Data.Sqlite;
using Svcsim.Reports;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// <c>svcsim sweep --store sqlite</c>: the CSV files of a sweep are unchanged, and <c>sweep.db</c> holds the same numbers,
/// with each run's time series, outages and events as <c>svcsim run</c> writes them; shards' databases merge into the
/// database one machine writes, and a resumed sweep recomputes exactly the points the database lacks.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class SweepDatabaseTests(SweepDatabaseTests.Sweeps sweeps) : IClassFixture<SweepDatabaseTests.Sweeps>
{
    private static readonly string[] Tables = ["sweep", "parameters", "points", "summary", "timeseries", "outages", "events"];

    /// <summary>Points in the grid: 2 client rates x 2 grace periods.</summary>
    private const int Points = 4;

    /// <summary>
    /// A small sweep of the worker crash (so that runs have outages and events): 2 x 2 points, two replications of
    /// 20 s with the crash at 8 s; once with CSV files only, once with --store sqlite, each computed on first use.
    /// </summary>
    public sealed class Sweeps : IDisposable
    {
        private readonly TempDirectory _temp = new();
        private readonly Lazy<string> _csv;
        private readonly Lazy<string> _whole;
        private int _folders;

        public Sweeps()
        {
            _csv = new(() => Sweep(NewFolder("csv")));
            _whole = new(() => Sweep(NewFolder("whole"), "--store", "sqlite"));
        }

        /// <summary>The sweep with the CSV files only.</summary>
        public string Csv => _csv.Value;

        /// <summary>The sweep with --store sqlite.</summary>
        public string Whole => _whole.Value;

        public string NewFolder(string name) => Path.Combine(_temp.Path, $"{name}-{Interlocked.Increment(ref _folders)}");

        public static string[] Args(string outDir, params string[] extra) =>
        [
            "sweep", CliPaths.InRepo("Scenarios/worker-crash.yaml"), "--param", "clients[0].rate=100/s,200/s",
            "--param", "controlPlane.nodeMonitorGracePeriod=20s,40s", "--replications", "2", "--set", "duration=20s",
            "--set", "measurement.warmup=2s", "--set", "faults[0].at=8s", "--out", outDir, .. extra,
        ];

        public static string Sweep(string outDir, params string[] extra)
        {
            var result = SvcsimCli.Run(Args(outDir, [.. extra, "--quiet"]));
            return result.ExitCode == 0 ? outDir : throw new InvalidOperationException("the sweep failed: " + result);
        }

        public void Dispose() => _temp.Dispose();
    }

    private string Whole => sweeps.Whole;

    private static string Db(string folder) => Path.Combine(folder, "sweep.db");

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Every row of <paramref name="sql"/>, each value as invariant text (NULL as "NULL").</summary>
    private static List<string[]> Query(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!).ToArray());
        }
        return rows;
    }

    /// <summary>Every table's rows in a fixed order, for comparing two databases.</summary>
    private static Dictionary<string, List<string>> Dump(string path) => Tables.ToDictionary(t => t, t =>
    {
        int columns = Query(path, $"SELECT * FROM {t} LIMIT 1").FirstOrDefault()?.Length ?? 1;
        return Query(path, $"SELECT * FROM {t} ORDER BY {string.Join(", ", Enumerable.Range(1, columns))}").Select(r => string.Join("|", r)).ToList();
    });

    private static void AssertSameDatabase(string expected, string actual)
    {
        var a = Dump(expected);
        var b = Dump(actual);
        foreach (string table in Tables)
        {
            Assert.True(a[table].Count > 0, $"{table} of {expected} is empty");
            Assert.True(a[table].SequenceEqual(b[table]), $"{table} differs between {expected} and {actual}");
        }
    }

    private static void AssertSameRows(IEnumerable<string> expected, IEnumerable<string> actual) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));

    private static double Number(string text) => text == "NULL" ? double.NaN : double.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public void A_Sqlite_Sweep_Writes_The_Csv_Files_Unchanged_And_A_Database_With_The_Same_Numbers()
    {
        // Given the sweep with --store sqlite
        string dir = Whole;

        // Then sweep.csv, sweep_ci.csv and the report are the bytes of the CSV-only sweep
        SweepTests.AssertSameFiles(sweeps.Csv, dir, [OutputFiles.Sweep, OutputFiles.SweepCi, OutputFiles.ReportHtml]);
        // and every row of sweep.csv is in the summary table, with the same numbers
        var csv = SweepCsv.Read(Path.Combine(dir, OutputFiles.Sweep)).Rows
            .OrderBy(r => r.Point).ThenBy(r => r.Variant, StringComparer.Ordinal).ThenBy(r => r.Replication).ToList();
        var db = Query(Db(dir), """
            SELECT s.point, p.parameters, s.variant, s.replication, s.seed, s.availability, s.time_availability, s.longest_outage_s,
                   s.latency_p99_ms, s.max_node_utilization, s.failed
            FROM summary s JOIN points p USING (sweep_id, point)
            """).OrderBy(r => int.Parse(r[0], CultureInfo.InvariantCulture)).ThenBy(r => r[2], StringComparer.Ordinal)
            .ThenBy(r => int.Parse(r[3], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(csv.Count, db.Count);
        foreach (var (row, stored) in csv.Zip(db))
        {
            Assert.Equal([row.Point.ToString(CultureInfo.InvariantCulture), row.Parameters, row.Variant, row.Replication.ToString(CultureInfo.InvariantCulture),
                row.Seed.ToString(CultureInfo.InvariantCulture)], stored[..5]);
            Assert.Equal([row.Availability, row.TimeAvailability, row.LongestOutageS, row.LatencyP99Ms, row.MaxNodeUtilization, row.Failed],
                stored[5..].Select(Number));
        }
        // and the swept parameters are typed columns: a rate in requests per second, a duration in seconds
        Assert.Equal(
            [["0", "clients[0].rate", "clients_0_rate_per_s", "REAL", "1/s"], ["1", "controlPlane.nodeMonitorGracePeriod", "control_plane_node_monitor_grace_period_s", "REAL", "s"]],
            Query(Db(dir), "SELECT position, path, column_name, type, unit FROM parameters ORDER BY position"));
        Assert.Equal([["0", "100", "20"], ["1", "100", "40"], ["2", "200", "20"], ["3", "200", "40"]],
            Query(Db(dir), "SELECT point, clients_0_rate_per_s, control_plane_node_monitor_grace_period_s FROM points ORDER BY point"));
        Assert.Equal([["real", "real"]], Query(Db(dir),
            "SELECT DISTINCT typeof(clients_0_rate_per_s), typeof(control_plane_node_monitor_grace_period_s) FROM summary"));
        Assert.Equal(csv.Count, int.Parse(Query(Db(dir), "SELECT count(*) FROM summary WHERE clients_0_rate_per_s = 200 OR clients_0_rate_per_s = 100")[0][0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_Database_Holds_Each_Runs_Time_Series_Outages_And_Events_As_Svcsim_Run_Writes_Them()
    {
        // Given point 3 of the sweep (200/s, 40 s) in the database, and the same settings run by svcsim run
        string dir = Whole;
        string run = sweeps.NewFolder("run-point-3");
        var result = SvcsimCli.Run(["run", CliPaths.InRepo("Scenarios/worker-crash.yaml"), "--replications", "2", "--set", "duration=20s",
            "--set", "measurement.warmup=2s", "--set", "faults[0].at=8s", "--set", "clients[0].rate=200/s",
            "--set", "controlPlane.nodeMonitorGracePeriod=40s", "--out", run, "--quiet"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        string folder = Directory.GetDirectories(run).Single();

        // Then the database has the same rows, run by run (a table has no order: both sides are sorted)
        static string F(double x) => double.IsNaN(x) ? "NaN" : x.ToString("R", CultureInfo.InvariantCulture);
        string Dbf(string s) => s == "NULL" ? "NaN" : F(double.Parse(s, CultureInfo.InvariantCulture));
        var timeseries = CsvFiles.Read<TimeseriesRow>(Path.Combine(folder, "timeseries.csv"));
        Assert.NotEmpty(timeseries);
        AssertSameRows(
            timeseries.Select(t => string.Join("|", t.Variant, t.Replication, F(t.WindowStartS), F(t.WindowEndS), t.Requests, t.Succeeded, t.Failed, F(t.Availability),
                string.Join("|", t.FailedBy.ToArray()), F(t.LatencyP50Ms), F(t.LatencyP99Ms))),
            Query(Db(dir), $"SELECT variant, replication, window_start_s, window_end_s, requests, succeeded, failed, availability, {string.Join(", ", FailureCounts.Causes.Select(c => "failed_" + c))}, latency_p50_ms, latency_p99_ms FROM timeseries WHERE point = 3")
                .Select(r => string.Join("|", [r[0], r[1], Dbf(r[2]), Dbf(r[3]), r[4], r[5], r[6], Dbf(r[7]), .. r[8..^2], Dbf(r[^2]), Dbf(r[^1])])));
        var outages = CsvFiles.Read<OutageRow>(Path.Combine(folder, "outages.csv"));
        Assert.NotEmpty(outages);
        AssertSameRows(outages.Select(o => string.Join("|", o.Variant, o.Replication, F(o.StartS), F(o.EndS), F(o.DurationS), o.Cause)),
            Query(Db(dir), "SELECT variant, replication, start_s, end_s, duration_s, cause FROM outages WHERE point = 3")
                .Select(r => string.Join("|", r[0], r[1], Dbf(r[2]), Dbf(r[3]), Dbf(r[4]), r[5])));
        var events = CsvFiles.Read<EventRow>(Path.Combine(folder, "events.csv"));
        Assert.NotEmpty(events);
        AssertSameRows(events.Select(e => string.Join("|", e.Variant, e.Replication, F(e.TimeS), e.Node, e.Kind, e.Detail)),
            Query(Db(dir), "SELECT variant, replication, time_s, node, kind, detail FROM events WHERE point = 3")
                .Select(r => string.Join("|", r[0], r[1], Dbf(r[2]), r[3], r[4], r[5])));
        var summary = CsvFiles.Read<SummaryRow>(Path.Combine(folder, "summary.csv"));
        AssertSameRows(summary.Select(s => string.Join("|", s.Variant, s.Replication, s.Requests, F(s.LatencyP999Ms), F(s.JainFairness))),
            Query(Db(dir), "SELECT variant, replication, requests, latency_p999_ms, jain_fairness FROM summary WHERE point = 3")
                .Select(r => string.Join("|", r[0], r[1], r[2], Dbf(r[3]), Dbf(r[4]))));
    }

    [Fact]
    public void Sqlite_Shards_Merge_Into_The_Database_One_Machine_Writes_And_The_Same_Numbers_As_The_Csv()
    {
        // Given shards 1/3..3/3 with --store sqlite
        var shards = Enumerable.Range(1, 3).Select(i => Sweeps.Sweep(sweeps.NewFolder($"db-shard{i}"), "--shard", $"{i}/3", "--store", "sqlite")).ToList();
        string merged = sweeps.NewFolder("db-merged");

        // When they are merged
        var result = SvcsimCli.Run(["merge", "--out", merged, .. shards]);

        // Then the merged database is the whole sweep's, table by table, and the CSV files are the CSV-only sweep's
        Assert.True(result.ExitCode == 0, result.ToString());
        AssertSameDatabase(Db(Whole), Db(merged));
        SweepTests.AssertSameFiles(sweeps.Csv, merged, [OutputFiles.Sweep, OutputFiles.SweepCi]);
        // and the merged database's summary and the merged sweep.csv give the same numbers
        var csv = SweepCsv.Read(Path.Combine(merged, OutputFiles.Sweep)).Rows;
        var stored = Query(Db(merged), "SELECT point, variant, replication, availability, longest_outage_s, latency_p99_ms, failed FROM summary")
            .ToDictionary(r => (int.Parse(r[0], CultureInfo.InvariantCulture), r[1], int.Parse(r[2], CultureInfo.InvariantCulture)), r => r[3..].Select(Number).ToArray());
        Assert.Equal(csv.Count, stored.Count);
        Assert.All(csv, r => Assert.Equal([r.Availability, r.LongestOutageS, r.LatencyP99Ms, r.Failed], stored[(r.Point, r.Variant, r.Replication)]));
        Assert.False(File.Exists(Db(merged) + ".partial"));
    }

    [Fact]
    public void Merge_Refuses_Sqlite_Shards_When_A_Database_Misses_A_Point()
    {
        // Given the database shards, the second one without its database (as if run without --store sqlite)
        var shards = Enumerable.Range(1, 3).Select(i =>
        {
            string copy = sweeps.NewFolder($"db-missing{i}");
            Sweeps.Sweep(copy, "--shard", $"{i}/3", "--store", "sqlite");
            return copy;
        }).ToList();
        File.Delete(Db(shards[1]));
        string merged = sweeps.NewFolder("db-incomplete");

        // When
        var result = SvcsimCli.Run(["merge", "--out", merged, .. shards]);

        // Then nothing is written, and the point the databases lack is named
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"{SweepDatabaseFile}: missing 1 of {Points} points (first: 1)", result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(merged));
    }

    private const string SweepDatabaseFile = "sweep.db";

    [Fact]
    public void The_Tables_And_Columns_Are_Those_Docs_Cli_Md_Lists()
    {
        // Given the tables docs/cli.md lists, and the columns of the run files they take theirs from
        string docs = File.ReadAllText(CliPaths.InRepo("docs/cli.md")).ReplaceLineEndings("\n");
        string section = docs[docs.IndexOf("### A results database", StringComparison.Ordinal)..docs.IndexOf("\n## merge", StringComparison.Ordinal)];
        var documented = section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .ToDictionary(l => l.Split('`')[1], l => System.Text.RegularExpressions.Regex.Replace(l.Split('|')[3], @"\([^)]*\)", ""));
        string[] key = ["sweep_id", "point", "variant", "replication"];
        string[] typed = ["clients_0_rate_per_s", "control_plane_node_monitor_grace_period_s"];
        IEnumerable<string> Csv(string file) => Svcsim.Reports.Columns.For(file).Columns.Select(c => c.Name).Where(n => n is not "scenario" and not "variant" and not "replication");

        // Then the database has those tables, with those columns
        string dir = Whole;
        Assert.Equal(documented.Keys.Order(StringComparer.Ordinal),
            Query(Db(dir), "SELECT name FROM sqlite_master WHERE type = 'table'").Select(r => r[0]).Order(StringComparer.Ordinal));
        List<string> ColumnsOf(string table) => Query(Db(dir), $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid").Select(r => r[0]).ToList();
        Assert.Equal([.. key, .. typed, .. Csv(OutputFiles.Summary)], ColumnsOf("summary"));
        Assert.Equal([.. key, .. Csv(OutputFiles.Timeseries)], ColumnsOf("timeseries"));
        Assert.Equal([.. key, .. Csv(OutputFiles.Outages)], ColumnsOf("outages"));
        Assert.Equal([.. key, .. Csv(OutputFiles.Events)], ColumnsOf("events"));
        Assert.Equal(["sweep_id", "point", "parameters", .. typed], ColumnsOf("points"));
        foreach (string table in new[] { "sweep", "parameters" })
        {
            Assert.Equal(ColumnsOf(table).Select(c => $"`{c}`"), documented[table].Split(',').Select(c => c.Trim().Split(' ')[0]));
        }
        Assert.Equal(key.Select(c => $"`{c}`"), documented["summary"].Split(',').Take(4).Select(c => c.Trim()));
    }

    [Fact]
    public void A_Resumed_Sqlite_Sweep_Recomputes_The_Points_The_Database_Or_The_Folder_Lost_And_Ends_As_Uninterrupted()
    {
        // Given a copy of the database sweep that lost point 1 from its database and point 2's record from the folder
        string dir = sweeps.NewFolder("db-resumed");
        SweepTests.CopyDirectory(Whole, dir);
        using (var connection = new SqliteConnection($"Data Source={Db(dir)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA foreign_keys = ON; DELETE FROM points WHERE point = 1";
            command.ExecuteNonQuery();
        }
        Assert.Equal("0", Query(Db(dir), "SELECT count(*) FROM timeseries WHERE point = 1")[0][0]);
        File.Delete(Path.Combine(dir, "points", "point-00002.json"));

        // When the sweep is run again
        var result = SvcsimCli.Run(Sweeps.Args(dir, "--store", "sqlite"));

        // Then only those two points were computed, and the database and CSV files are the uninterrupted sweep's
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"({Points - 2} points reused)", result.Out, StringComparison.Ordinal);
        AssertSameDatabase(Db(Whole), Db(dir));
        SweepTests.AssertSameFiles(sweeps.Csv, dir, [OutputFiles.Sweep, OutputFiles.SweepCi]);
    }
}
