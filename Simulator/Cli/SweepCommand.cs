using System.CommandLine;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Svcsim.Experiments;
using Svcsim.Reports;
using Svcsim.Scenarios;

namespace Svcsim.Cli;

/// <summary>
/// <c>svcsim sweep</c>: runs a scenario over the grid of all combinations of parameter values, each point
/// with its replications; resumable, shardable, and identical whatever the parallelism.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "The base scenario file." };
        var param = new Option<string[]>("--param")
        {
            Description = "A swept parameter: path=v1,v2,v3 (repeatable; default: the scenario's sweep section).",
            DefaultValueFactory = _ => [],
        };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Output folder (default: out/sweep-<scenario>)." };
        var seed = CommonOptions.Seed();
        var replications = CommonOptions.Replications();
        var set = CommonOptions.Set();
        var parallel = CommonOptions.Parallel();
        var quiet = CommonOptions.Quiet();
        var external = CommonOptions.AllowExternalManifests();
        var force = CommonOptions.Force();
        var shard = new Option<string?>("--shard") { Description = "Run only shard I of N (every N-th point): I/N. Join shards with svcsim merge." };
        var storeKind = new Option<string>("--store")
        {
            Description = "csv: the CSV files only; sqlite: also sweep.db, every run's summary, time series, outages and events in SQLite.",
            DefaultValueFactory = _ => "csv",
        };
        storeKind.AcceptOnlyFromAmong("csv", "sqlite");
        var cmd = new Command("sweep", "Run a scenario over a grid of parameter values; write sweep.csv, sweep_ci.csv, plots and report.html.")
        {
            scenario, param, outDir, seed, replications, set, parallel, quiet, shard, storeKind, external, force,
        };
        var outputs = ScriptOutputs.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            string path = parse.GetValue(scenario)!;
            var overrides = CommonOptions.Overrides(parse.GetValue(set)!, parse.GetValue(seed), parse.GetValue(replications));
            var baseFile = CommonOptions.TryLoad(path, overrides, parse.GetValue(external));
            if (baseFile is null)
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            var axes = new List<SweepAxis>();
            foreach (var p in parse.GetValue(param)!)
            {
                if (SweepGrid.ParseAxis(p) is not { } axis)
                {
                    Console.Error.WriteLine($"--param {p}: expected path=value1,value2,... (commas inside brackets do not separate values)");
                    return SvcsimCommand.ExitInvalidInput;
                }
                if (axes.Any(a => a.Path == axis.Path))
                {
                    Console.Error.WriteLine($"--param {p}: {axis.Path} is already swept by an earlier --param; give all its values in one");
                    return SvcsimCommand.ExitInvalidInput;
                }
                axes.Add(axis);
            }
            if (axes.Count == 0)
            {
                axes.AddRange(baseFile.Sweep.Select(s => new SweepAxis(s.Path, s.Values)));
            }
            // sweep.csv names each point as path=value;path=value, so those two characters cannot be told apart
            // inside a value (a distribution such as exp(mean=5ms)); refuse before anything is written.
            if (axes.SelectMany(a => a.Values.Select(v => (a.Path, Value: v))).FirstOrDefault(x => x.Value.AsSpan().IndexOfAny(";=") >= 0) is { Path: not null } bad)
            {
                Console.Error.WriteLine($"sweep parameter {bad.Path}: the value '{bad.Value}' contains ';' or '=', which the parameters column of {OutputFiles.Sweep} cannot hold; sweep another parameter or make a scenario file per value");
                return SvcsimCommand.ExitInvalidInput;
            }
            if (axes.Count == 0)
            {
                Console.Error.WriteLine($"{path}: nothing to sweep: give --param path=v1,v2 or a sweep section in the scenario");
                return SvcsimCommand.ExitInvalidInput;
            }
            (int Shard, int Shards) sh = (1, 1);
            if (parse.GetValue(shard) is { } shardText)
            {
                if (SweepGrid.ParseShard(shardText) is not { } parsed)
                {
                    Console.Error.WriteLine($"--shard {shardText}: expected I/N with 1 <= I <= N");
                    return SvcsimCommand.ExitInvalidInput;
                }
                sh = parsed;
            }
            var objectives = outputs.Objectives(parse);
            if (objectives is null || !ScriptOutputs.CheckVariants(objectives, [baseFile.Spec]))
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            if (SweepGrid.Count(axes) is var count && count > InputLimits.MaxSweepPoints)
            {
                Console.Error.WriteLine($"sweep {path}: the grid has {(count == long.MaxValue ? "too many" : count.ToString(CultureInfo.InvariantCulture))} points ({string.Join(" x ", axes.Select(a => a.Values.Count))}); a sweep has at most {InputLimits.MaxSweepPoints}");
                return SvcsimCommand.ExitInvalidInput;
            }
            var points = SweepGrid.Points(axes);
            var mine = points.Where(p => SweepGrid.InShard(p.Index, sh.Shard, sh.Shards)).ToList();
            // Every point is loaded (and so validated) before any runs: bad values write nothing. The points are
            // read on all the cores the sweep may use; what they say (warnings, the first bad point's errors) is
            // told afterwards in point order, as if they had been read one after the other.
            var loads = new (ScenarioFile? File, ScenarioException? Error, ExceptionDispatchInfo? Failure)[mine.Count];
            Parallel.For(0, mine.Count, new ParallelOptions { MaxDegreeOfParallelism = CommonOptions.ParallelOrCores(parse, parallel) }, k =>
            {
                try
                {
                    loads[k] = (ScenarioLoader.Load(path, [.. overrides, .. mine[k].Overrides], parse.GetValue(external)), null, null);
                }
                catch (ScenarioException e)
                {
                    loads[k] = (null, e, null);
                }
                catch (Exception e)
                {
                    loads[k] = (null, null, ExceptionDispatchInfo.Capture(e)); // raised below, in point order
                }
            });
            var files = new List<ScenarioFile>();
            for (int k = 0; k < mine.Count; k++)
            {
                loads[k].Failure?.Throw();
                var f = CommonOptions.Report(loads[k].File, loads[k].Error);
                if (f is null)
                {
                    Console.Error.WriteLine($"sweep point {mine[k].Index}: {Describe(mine[k])}");
                    return SvcsimCommand.ExitInvalidInput;
                }
                files.Add(f);
            }
            var estimates = files.Select(f => CostEstimate.Of(f.Spec)).ToList();
            int unrepresentable = estimates.FindIndex(e => e.Problems.Count > 0);
            if (unrepresentable >= 0)
            {
                var point = mine[unrepresentable];
                CommonOptions.CheckCost($"{path}: sweep point {point.Index} ({Describe(point)})", estimates[unrepresentable], false);
                return SvcsimCommand.ExitInvalidInput;
            }
            if (!CommonOptions.CheckCost($"sweep {path} ({mine.Count} points)", CostEstimate.Sum(estimates), parse.GetValue(force)))
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            string dir = parse.GetValue(outDir)?.FullName ?? Path.GetFullPath(Path.Combine("out", "sweep-" + Path.GetFileNameWithoutExtension(path)));
            var identity = new SweepIdentity(baseFile.Hash, baseFile.Spec.Seed, baseFile.Spec.Replications, SvcsimCommand.Version, points.Count,
                SweepIdentity.GridOf(axes));
            var manifest = new SweepManifest(baseFile.Spec.Name, identity, Parameters(baseFile, axes, overrides));
            using var output = OutputFolder.Open(dir);
            if (output is null)
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            var store = new SweepStore(dir);
            store.SaveManifest(manifest, baseFile.Text);
            // --store sqlite: every run's rows go to sweep.db too, and a point is reused only when the database has it.
            SweepDatabase? database = null;
            if (parse.GetValue(storeKind) == "sqlite")
            {
                string file = Path.Combine(dir, SweepDatabase.FileName);
                try
                {
                    database = SweepDatabase.Open(file, manifest, baseFile.Text, axes);
                }
                catch (Microsoft.Data.Sqlite.SqliteException e)
                {
                    Console.Error.WriteLine($"{file}: not a sweep database svcsim can use ({e.Message}); move it away or give another --out");
                    return SvcsimCommand.ExitRuntimeFailure;
                }
            }
            using var closeDatabase = database;

            bool q = parse.GetValue(quiet);
            int runsPerPoint = baseFile.Spec.Replications * baseFile.Spec.Variants.Count;
            int reused = 0;
            var rows = Progress.Run($"sweep {baseFile.Spec.Name}", mine.Count * runsPerPoint, q, "points", report =>
            {
                // Points finished earlier are reused; the others run as one parallel loop over all their
                // worlds (no barrier between points), each saved as soon as its last world is done.
                var pointRows = new List<SweepRow>?[mine.Count];
                var toRun = new List<int>();
                for (int k = 0; k < mine.Count; k++)
                {
                    var point = mine[k];
                    pointRows[k] = store.TryReuse(point.Index, Describe(point), identity, out string? problem);
                    if (problem is not null)
                    {
                        Console.Error.WriteLine($"warning: {problem}: computing point {point.Index} again");
                    }
                    if (pointRows[k] is not null && database is not null && !database.Has(point.Index))
                    {
                        pointRows[k] = null;
                    }
                    if (pointRows[k] is null)
                    {
                        toRun.Add(k);
                    }
                }
                reused = mine.Count - toRun.Count;
                report(reused * runsPerPoint);
                ExperimentRunner.RunAll(toRun.Select(k => files[k].Spec).ToList(), CommonOptions.ParallelOrCores(parse, parallel),
                    (j, results) =>
                    {
                        int k = toRun[j];
                        string text = Describe(mine[k]);
                        var computed = results.Runs.Select(r => SweepRow.FromSummary(mine[k].Index, text, ResultMapping.Summary(files[k].Spec.Name, r))).ToList();
                        database?.Save(mine[k], text, results); // before the point's record, which marks it finished
                        store.Save(mine[k].Index, text, identity, computed);
                        pointRows[k] = computed;
                    },
                    done => report(reused * runsPerPoint + done));
                return pointRows.SelectMany(r => r!).ToList();
            }, runsPerPoint);
            if (sh.Shards > 1)
            {
                if (q)
                {
                    return SvcsimCommand.ExitOk;
                }
                Console.WriteLine($"shard {sh.Shard}/{sh.Shards}: {mine.Count} of {points.Count} points in {dir} ({reused} reused); join shards with: svcsim merge --out DIR SHARD_DIRS...");
                return SvcsimCommand.ExitOk;
            }
            var sweep = SweepStore.WriteSweep(dir, manifest, baseFile.Text, rows);
            if (!q)
            {
                Console.WriteLine($"sweep {baseFile.Spec.Name}: {points.Count} points x {runsPerPoint} runs ({reused} points reused) -> {Path.Combine(dir, OutputFiles.Sweep)}");
            }
            return outputs.Finish(parse, objectives, () => SummaryJson.ForSweep(sweep),
                Order(sweep.Ci).Select(p => ($"point {p.Point} ({p.Parameters})",
                    (IReadOnlyList<(string, string, double)>)sweep.Ci.Where(c => c.Point == p.Point).Select(c => (c.Variant, c.Metric, c.Mean)).ToList())).ToList());
        });
        return cmd;
    }

    private static List<(int Point, string Parameters)> Order(IEnumerable<SweepCiRow> rows) =>
        rows.Select(r => (r.Point, r.Parameters)).Distinct().ToList();

    /// <summary>A point's parameters as the <c>parameters</c> column writes them.</summary>
    public static string Describe(SweepPoint point) => SweepParameters.Format(point.Settings.Select(s => new RunParameter(s.Path, s.Value)));

    private static List<RunParameter> Parameters(ScenarioFile file, IReadOnlyList<SweepAxis> axes, IReadOnlyList<string> overrides)
    {
        var list = ResultMapping.Parameters(file, overrides).ToList();
        list.AddRange(axes.Select(a => new RunParameter($"sweep {a.Path}", string.Join(",", a.Values))));
        list.Add(new RunParameter("points", SweepGrid.Points(axes).Count.ToString(CultureInfo.InvariantCulture)));
        return list;
    }
}
