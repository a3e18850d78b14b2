using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Svcsim.Experiments;
using Svcsim.Reports;
using Svcsim.Scenarios;

namespace Svcsim.Cli;

/// <summary>
/// <c>svcsim study</c>: runs every scenario of a study file (one per kind of fault), writes each one's run folder
/// and one <c>index.html</c> that leads with the decision matrix: fault by way of access, the winner per row.
/// </summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var study = new Argument<string>("study") { Description = "The study file (for example Scenarios/origin-study.yaml)." };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Output folder (default: out/<study file name>); each scenario writes into OUT/<its file name>/." };
        var seed = CommonOptions.Seed();
        var replications = CommonOptions.Replications();
        var set = CommonOptions.Set();
        var parallel = CommonOptions.Parallel();
        var quiet = CommonOptions.Quiet();
        var cmd = new Command("study", "Run every scenario of a study (one per kind of fault); write each one's report and index.html with the decision matrix.")
        {
            study, outDir, seed, replications, set, parallel, quiet,
        };
        var outputs = ScriptOutputs.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            string path = parse.GetValue(study)!;
            if (!File.Exists(path))
            {
                Console.Error.WriteLine(path.StartsWith('-') ? $"{path}: unknown option (see --help)" : $"{path}: no such study file");
                return SvcsimCommand.ExitInvalidInput;
            }

            StudyFile file;
            try
            {
                file = StudyFile.Load(path);
            }
            catch (ScenarioException e)
            {
                foreach (var error in e.Errors)
                {
                    Console.Error.WriteLine(error.ToString());
                }

                return SvcsimCommand.ExitInvalidInput;
            }

            var overrides = CommonOptions.Overrides(parse.GetValue(set)!, parse.GetValue(seed), parse.GetValue(replications));
            // Every scenario is validated before any runs, so invalid input writes nothing.
            var scenarios = new List<(StudyEntry Entry, ScenarioFile File)>();
            bool ok = true;
            foreach (var entry in file.Entries)
            {
                var loaded = CommonOptions.TryLoad(entry.File, [.. entry.Overrides, .. overrides]);
                if (loaded is null)
                {
                    Console.Error.WriteLine($"{file.Path}: scenario of the {entry.Fault}: {entry.File}");
                    ok = false;
                }
                else
                {
                    scenarios.Add((entry, loaded));
                }
            }

            if (!ok)
            {
                return SvcsimCommand.ExitInvalidInput;
            }

            var objectives = outputs.Objectives(parse);
            if (objectives is null || !ScriptOutputs.CheckVariants(objectives, scenarios.Select(s => s.File.Spec)))
            {
                return SvcsimCommand.ExitInvalidInput;
            }

            bool q = parse.GetValue(quiet);
            // The folder is made, tested and locked before anything runs, as for svcsim run.
            using var output = OutputFolder.Open(parse.GetValue(outDir)?.FullName ?? Path.GetFullPath(Path.Combine("out", Path.GetFileNameWithoutExtension(path))));
            if (output is null)
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            string root = output.Path;
            int total = scenarios.Sum(s => s.File.Spec.Replications * s.File.Spec.Variants.Count);
            var runs = new List<StudyScenario>();
            Progress.Run($"study {file.Name}", total, q, "runs", report =>
            {
                int before = 0;
                foreach (var (entry, scenario) in scenarios)
                {
                    int offset = before;
                    var results = ExperimentRunner.Run(scenario.Spec, CommonOptions.ParallelOrCores(parse, parallel), (done, _) => report(offset + done));
                    string folder = RunCommand.FolderName(scenario);
                    var rows = ResultMapping.ToRunResults(results, scenario.Text, ResultMapping.Parameters(scenario, scenario.Overrides));
                    // Written whole into a fresh folder, then swapped in: a study killed here leaves the previous run intact.
                    output.WriteWhole(folder, fresh => RunReportWriter.Write(fresh, rows));
                    runs.Add(new StudyScenario(entry.Fault, folder, rows));
                    before += scenario.Spec.Replications * scenario.Spec.Variants.Count;
                }

                return 0;
            });

            var parameters = new List<RunParameter>
            {
                new("study_file", file.Path),
                new("scenarios", string.Join(", ", scenarios.Select(s => s.File.SourcePath))),
                new("svcsim_version", SvcsimCommand.Version),
            };
            parameters.AddRange(overrides.Select((o, i) => new RunParameter($"set_{i + 1}", o)));
            var studyResults = new StudyResults(file.Name, file.Description, file.Text, parameters, runs);
            StudyReportWriter.Write(root, studyResults);
            if (!q)
            {
                PrintMatrix(studyResults, root);
            }

            return outputs.Finish(parse, objectives, () => SummaryJson.ForStudy(studyResults),
                runs.Select(r => (r.Run.ScenarioName, ScriptOutputs.Means(r.Run.SummaryCi))).ToList());
        });
        return cmd;
    }

    /// <summary>One line per fault: the winner and its figures, within 80 columns.</summary>
    private static void PrintMatrix(StudyResults study, string root)
    {
        if (Console.IsOutputRedirected)
        {
            // Logs and pipes have no width: lay the table out for 80 columns .
            AnsiConsole.Profile.Width = 80;
        }

        var table = new Table().Border(TableBorder.Simple).Title($"{Markup.Escape(study.Name)}: {study.Scenarios.Count} faults")
            .AddColumns(new[] { ("fault", 25), ("winner", 17), ("avail. %", 13), ("max outage s", 13) }
                .Select(c => new TableColumn(c.Item1).Width(c.Item2).Padding(0, 0, 2, 0)).ToArray());
        foreach (var row in StudyReportWriter.Rows(study).Where(r => r.Winner))
        {
            double half = (row.AvailabilityCiHigh - row.AvailabilityCiLow) / 2 * 100;
            double outageHalf = (row.LongestOutageCiHigh - row.LongestOutageCiLow) / 2;
            table.AddRow(new Text(row.Fault), new Text(row.Variant),
                new Text(Inv($"{row.Availability * 100:F2}") + (half > 0 ? Inv($" ± {half:F2}") : "")),
                new Text(Inv($"{row.LongestOutageS:F1}") + (outageHalf > 0 ? Inv($" ± {outageHalf:F1}") : "")));
        }

        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"wrote {Path.Combine(root, StudyReportWriter.IndexHtml)}");
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
