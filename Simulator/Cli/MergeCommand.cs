using System.CommandLine;
using Svcsim.Reports;

namespace Svcsim.Cli;

/// <summary><c>svcsim merge</c>: joins the outputs of sweep shards into the sweep a single machine would write.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var shards = new Argument<DirectoryInfo[]>("shard-dir") { Description = "Output folders of the shards.", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for the merged sweep.", Required = true };
        var cmd = new Command("merge", "Join sweep shard folders (svcsim sweep --shard I/N) into one sweep.csv, sweep_ci.csv and report.") { shards, outDir };
        cmd.SetAction(parse =>
        {
            SweepManifest? manifest = null;
            string? scenarioText = null;
            var points = new SortedDictionary<int, List<SweepRow>>();
            var folders = parse.GetValue(shards)!;
            foreach (var dir in folders)
            {
                var store = new SweepStore(dir.FullName);
                if (store.LoadManifest() is not { } m)
                {
                    Console.Error.WriteLine($"{dir.FullName}: not a sweep folder (no sweep-manifest.json)");
                    return SvcsimCommand.ExitInvalidInput;
                }
                if (manifest is not null && m.Manifest.Identity != manifest.Identity)
                {
                    Console.Error.WriteLine($"{dir.FullName}: a different sweep from the first folder (its scenario, overrides, seed, replications, swept values or svcsim version differ)");
                    return SvcsimCommand.ExitInvalidInput;
                }
                manifest ??= m.Manifest;
                scenarioText ??= m.ScenarioText;
                foreach (var (point, rows) in store.FinishedPoints(m.Manifest.Identity))
                {
                    points[point] = rows;
                }
            }
            var missing = Enumerable.Range(0, manifest!.Identity.TotalPoints).Where(p => !points.ContainsKey(p)).ToList();
            if (missing.Count > 0)
            {
                Console.Error.WriteLine($"missing {missing.Count} of {manifest.Identity.TotalPoints} points (first: {missing[0]}); run the remaining shards first");
                return SvcsimCommand.ExitRuntimeFailure;
            }
            // sweep.db: when a folder has one of this sweep, the merge writes one too, and it must have every point.
            var databases = new Dictionary<int, string>();
            bool anyDatabase = false;
            foreach (var dir in folders)
            {
                string file = Path.Combine(dir.FullName, SweepDatabase.FileName);
                IReadOnlySet<int>? held;
                try
                {
                    held = SweepDatabase.PointsIn(file, manifest.Identity.Id);
                }
                catch (Microsoft.Data.Sqlite.SqliteException e)
                {
                    Console.Error.WriteLine($"{file}: not a sweep database svcsim can read ({e.Message})");
                    return SvcsimCommand.ExitRuntimeFailure;
                }
                anyDatabase |= held is not null;
                foreach (int point in held ?? new HashSet<int>())
                {
                    databases[point] = file;
                }
            }
            var lacking = Enumerable.Range(0, manifest.Identity.TotalPoints).Where(p => !databases.ContainsKey(p)).ToList();
            if (anyDatabase && lacking.Count > 0)
            {
                Console.Error.WriteLine($"{SweepDatabase.FileName}: missing {lacking.Count} of {manifest.Identity.TotalPoints} points (first: {lacking[0]}); run the shards without it again with --store sqlite");
                return SvcsimCommand.ExitRuntimeFailure;
            }
            using var output = OutputFolder.Open(parse.GetValue(outDir)!.FullName);
            if (output is null)
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            string outPath = output.Path;
            new SweepStore(outPath).SaveManifest(manifest, scenarioText!);
            if (anyDatabase)
            {
                // before sweep.csv and the report, so that checksums.json (written last) covers it
                SweepDatabase.Merge(Path.Combine(outPath, SweepDatabase.FileName), manifest.Identity.Id, databases);
            }
            SweepStore.WriteSweep(outPath, manifest, scenarioText!, points.Values.SelectMany(r => r));
            Console.WriteLine($"merged {points.Count} points into {Path.Combine(outPath, OutputFiles.Sweep)}{(anyDatabase ? $" and {Path.Combine(outPath, SweepDatabase.FileName)}" : "")}");
            return SvcsimCommand.ExitOk;
        });
        return cmd;
    }
}
