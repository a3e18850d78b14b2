using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Svcsim.Experiments;
using Svcsim.Reports;
using Svcsim.Scenarios;

namespace Svcsim.Cli;

/// <summary><c>svcsim run</c>: runs scenarios, writes each one's CSVs, plots and report, prints a comparison.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var scenarios = new Argument<string[]>("scenario")
        {
            Description = "Scenario files (a glob such as Scenarios/*.yaml works).",
            Arity = ArgumentArity.OneOrMore,
        };
        var outDir = CommonOptions.Out("out");
        var seed = CommonOptions.Seed();
        var replications = CommonOptions.Replications();
        var set = CommonOptions.Set();
        var parallel = CommonOptions.Parallel();
        var quiet = CommonOptions.Quiet();
        var external = CommonOptions.AllowExternalManifests();
        var force = CommonOptions.Force();
        var cmd = new Command("run", "Run scenarios: each way of access on the same workload and faults; write CSV, plots and report.html into OUT/<scenario>/.")
        {
            scenarios, outDir, seed, replications, set, parallel, quiet, external, force,
        };
        var outputs = ScriptOutputs.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var patterns = parse.GetValue(scenarios)!;
            var paths = CommonOptions.ExpandPaths(patterns);
            if (paths is null)
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            // A study file named on its own is a mistake worth a hint; one matched by a glob (Scenarios/*.yaml) is not a
            // scenario and is left out.
            if (patterns.FirstOrDefault(p => p.IndexOfAny(['*', '?']) < 0 && StudyFile.IsStudy(p)) is { } study)
            {
                Console.Error.WriteLine($"{study}: a study, not a scenario; run it with: svcsim study {study}");
                return SvcsimCommand.ExitInvalidInput;
            }
            paths.RemoveAll(StudyFile.IsStudy);
            var overrides = CommonOptions.Overrides(parse.GetValue(set)!, parse.GetValue(seed), parse.GetValue(replications));
            // Everything is validated before anything runs, so invalid input writes nothing.
            var files = CommonOptions.LoadAll(paths, overrides, parse.GetValue(external));
            if (files is null)
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            var duplicate = files.GroupBy(FolderName).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                Console.Error.WriteLine($"two scenarios would write to the same folder '{duplicate.Key}': {string.Join(", ", duplicate.Select(f => f.SourcePath))}");
                return SvcsimCommand.ExitInvalidInput;
            }
            var objectives = outputs.Objectives(parse);
            if (objectives is null || !ScriptOutputs.CheckVariants(objectives, files.Select(f => f.Spec)))
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            var written = new List<RunResults>();
            bool costOk = true;
            foreach (var file in files)
            {
                costOk &= CommonOptions.CheckCost(file.SourcePath, CostEstimate.Of(file.Spec), parse.GetValue(force));
            }
            if (!costOk)
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            bool q = parse.GetValue(quiet);
            // The folder is made, tested and locked before anything runs: a bad --out fails now, not after the runs.
            using var output = OutputFolder.Open(parse.GetValue(outDir)!.FullName);
            if (output is null)
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            foreach (var file in files)
            {
                string name = FolderName(file);
                string dir = Path.Combine(output.Path, name);
                var results = Progress.Run($"{file.Spec.Name}", file.Spec.Replications * file.Spec.Variants.Count, q,
                    report => ExperimentRunner.Run(file.Spec, CommonOptions.ParallelOrCores(parse, parallel), (done, _) => report(done)));
                var rows = ResultMapping.ToRunResults(results, file.Text, ResultMapping.Parameters(file, file.Overrides));
                // Written whole into a fresh folder, then swapped in: a run killed here leaves the previous one intact.
                output.WriteWhole(name, fresh => RunReportWriter.Write(fresh, rows));
                written.Add(rows);
                if (!q)
                {
                    PrintComparison(file.Spec, rows, dir);
                }
            }
            return outputs.Finish(parse, objectives, () => SummaryJson.ForRuns(written),
                written.Select(r => (r.ScenarioName, ScriptOutputs.Means(r.SummaryCi))).ToList());
        });
        return cmd;
    }

    /// <summary>The output folder of a scenario: its file name without extension.</summary>
    public static string FolderName(ScenarioFile file) => Path.GetFileNameWithoutExtension(file.SourcePath);

    private static void PrintComparison(ScenarioSpec spec, RunResults rows, string dir)
    {
        if (Console.IsOutputRedirected)
        {
            // Logs and pipes have no width: lay the table out for 80 columns.
            AnsiConsole.Profile.Width = 80;
        }
        // Within 80 columns for the examples' names: the CSV files and report.html hold the rest.
        var table = new Table().Border(TableBorder.Simple)
            .Title($"{Markup.Escape(spec.Name)}: {spec.Replications} replication(s), {spec.DurationS.ToString(CultureInfo.InvariantCulture)} s; mean ± 95% CI")
            .AddColumns("way of access", "avail. %", "longest outage s", "p99 ms", "main failure");
        foreach (var v in spec.Variants)
        {
            string Ci(string metric, double scale, string format)
            {
                var row = rows.SummaryCi.FirstOrDefault(r => r.Variant == v.Name && r.ComparedTo.Length == 0 && r.Metric == metric);
                if (row is null || double.IsNaN(row.Mean))
                {
                    return "-";
                }
                string F(double x) => (x * scale).ToString(format, CultureInfo.InvariantCulture);
                double half = (row.CiHigh - row.CiLow) / 2;
                return double.IsNaN(half) || half == 0 ? F(row.Mean) : $"{F(row.Mean)} ± {F(half)}";
            }
            var mine = rows.Summary.Where(r => r.Variant == v.Name).ToList();
            var causes = FailureCounts.Causes.Select((c, i) => (c, n: mine.Sum(r => r.FailedBy.ToArray()[i]))).OrderByDescending(x => x.n).First();
            var p99 = rows.SummaryCi.FirstOrDefault(r => r.Variant == v.Name && r.ComparedTo.Length == 0 && r.Metric == "latency_p99_ms");
            table.AddRow(new[] { v.Name, Ci("availability", 100, "F2"), Ci("longest_outage_s", 1, "F1"),
                p99 is null || double.IsNaN(p99.Mean) ? "-" : p99.Mean.ToString("F1", CultureInfo.InvariantCulture),
                causes.n == 0 ? "-" : causes.c }.Select(c => new Text(c)));
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"wrote {dir}");
    }
}
