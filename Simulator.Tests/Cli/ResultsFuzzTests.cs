using System.Diagnostics;
using System.Globalization;
using Svcsim.Reports;
using Xunit.Abstractions;

namespace Svcsim.Tests.Cli;

/// <summary>
/// A seeded fuzzer of the result readers. It damages one file of a finished run's or sweep's folder at a time (cut
/// short, a line dropped or doubled, a cell replaced by a hostile value, text spliced in, the header alone) and writes
/// the folder's checksums again, as a hand edit followed by fresh checksums would, so that only the readers can tell,
/// then asks <c>svcsim report</c> to render it; or it damages one file of a sweep's two shards and merges them. Every
/// case must end in exit 0 or 2 with no stack frame (merge may also find a point missing, exit 1). It runs for a
/// bounded time (SVCSIM_RESULTS_FUZZ_SECONDS, default 15 per folder: 150-500 cases, within which each kind of folder
/// meets the disagreement this fuzzer first found in it: a row of another scenario, an interval row of no point, a
/// sweep parameter without its name); a failing case is saved and named.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ResultsFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly Svcsim.Tests.Reports.TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] HostileCells =
    [
        "", "0", "-1", "-0", "1.5", "1e309", "-1e309", "1e-400", "NaN", "Infinity", "2147483648", "-2147483649",
        "9999999999999999999999", "abc", "\"", "\"\"", ",", "\n", "\r\n", "  ", "true", "null", "é", "\u0000", "x;y=z", "=",
        "nodeport", "other",
    ];

    [Theory]
    [InlineData("run")]
    [InlineData("sweep")]
    [InlineData("shards")]
    public void Report_And_Merge_End_Every_Damaged_Folder_In_Exit_0_Or_2(string kind)
    {
        // Given a finished folder of the seed scenario (a short run, a two-point sweep, or that sweep's two shards)
        string template = Path.Combine(_temp.Path, "template");
        string seedYaml = CliPaths.InRepo("Scenarios/seed.yaml");
        string[] grid = ["--param", "clients[0].rate=100/s,200/s"];
        string[][] make = kind switch
        {
            "run" => [["run", seedYaml, "--out", template, .. DamagedResultsTests.Short]],
            "sweep" => [["sweep", seedYaml, .. grid, "--out", template, .. DamagedResultsTests.Short]],
            _ => [["sweep", seedYaml, .. grid, "--shard", "1/2", "--out", Path.Combine(template, "s1"), .. DamagedResultsTests.Short],
                ["sweep", seedYaml, .. grid, "--shard", "2/2", "--out", Path.Combine(template, "s2"), .. DamagedResultsTests.Short]],
        };
        foreach (var args in make)
        {
            var made = SvcsimCli.Run(args);
            Assert.True(made.ExitCode == 0, made.ToString());
        }
        if (kind == "run")
        {
            template = Path.Combine(template, "seed");
        }
        // The files report reads (a sweep's points/ are for resuming it, which other tests damage); the files merge reads.
        var files = Directory.EnumerateFiles(template, "*", kind == "shards" ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Select(f => Path.GetRelativePath(template, f))
            .Where(f => f != Checksums.FileName && Path.GetExtension(f) is ".csv" or ".json" or ".yaml")
            .Order(StringComparer.Ordinal).ToList();
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("SVCSIM_RESULTS_FUZZ_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : 15;
        int seed = kind switch { "run" => 7, "sweep" => 8, _ => 9 };
        var random = new Random(seed);
        var exits = new Dictionary<int, int>();
        var clock = Stopwatch.StartNew();
        int tried = 0;
        string dir = Path.Combine(_temp.Path, "case");

        // When one file at a time is damaged and the folder resealed, until the time is up
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
            SweepTests.CopyDirectory(template, dir);
            string file = files[random.Next(files.Count)];
            string path = Path.Combine(dir, file);
            string damage = Damage(path, random);
            CliResult result;
            if (kind == "shards")
            {
                result = SvcsimCli.Run("merge", Path.Combine(dir, "s1"), Path.Combine(dir, "s2"), "--out", Path.Combine(dir, "merged"));
            }
            else
            {
                Checksums.Write(dir);
                result = SvcsimCli.Run("report", dir);
            }
            tried++;
            exits[result.ExitCode] = exits.GetValueOrDefault(result.ExitCode) + 1;

            // Then it is rendered (exit 0) or refused as damaged input (exit 2), never an internal error; merge may also
            // find a point missing (a record edited into another sweep's identity), which docs/cli.md gives exit 1
            string all = result.Out + result.Err;
            bool missing = kind == "shards" && result.ExitCode == 1 && result.Err.Contains("run the remaining shards first", StringComparison.Ordinal);
            if (result.ExitCode is not (0 or 2) && !missing || all.Contains("   at ", StringComparison.Ordinal))
            {
                string saved = Path.Combine(Path.GetTempPath(), $"svcsim-results-fuzz-{kind}-{seed}-{tried}");
                if (Directory.Exists(saved))
                {
                    Directory.Delete(saved, recursive: true);
                }
                SweepTests.CopyDirectory(dir, saved);
                Assert.Fail($"case {tried} of seed {seed} ({damage}; saved in {saved}): exit {result.ExitCode}\n{(all.Length > 3000 ? all[..3000] : all)}");
            }
        }
        output.WriteLine($"results fuzz ({kind}): {tried} cases in {clock.Elapsed.TotalSeconds:F0} s (seed {seed}); exit codes {string.Join(", ", exits.OrderBy(e => e.Key).Select(e => $"{e.Key}: {e.Value}"))}");

        // And the damage reached both sides: some folders still render, some are refused
        Assert.True(tried >= 20, $"only {tried} cases in {seconds} s");
        Assert.True(exits.GetValueOrDefault(0) > 0 && exits.GetValueOrDefault(2) > 0, string.Join(", ", exits));
    }

    /// <summary>Damages the file at <paramref name="path"/> one way and says how.</summary>
    private static string Damage(string path, Random random)
    {
        string name = Path.GetFileName(path);
        string text = File.ReadAllText(path);
        var lines = text.Split('\n').ToList();
        string how;
        switch (random.Next(8))
        {
            case 0:
                int cut = random.Next(text.Length + 1);
                text = text[..cut];
                how = $"{name} cut at {cut}";
                break;
            case 1:
                int drop = random.Next(lines.Count);
                lines.RemoveAt(drop);
                text = string.Join('\n', lines);
                how = $"line {drop + 1} of {name} dropped";
                break;
            case 2:
                int twice = random.Next(lines.Count);
                lines.Insert(twice, lines[twice]);
                text = string.Join('\n', lines);
                how = $"line {twice + 1} of {name} doubled";
                break;
            case 3 or 4 or 5:
                int line = random.Next(lines.Count);
                var cells = lines[line].Split(',');
                // Half the time one of the first three cells: the keys (scenario, point, parameters) readers check across files.
                int cell = random.Next(2) == 0 ? random.Next(Math.Min(3, cells.Length)) : random.Next(cells.Length);
                string value = HostileCells[random.Next(HostileCells.Length)];
                cells[cell] = value;
                lines[line] = string.Join(',', cells);
                text = string.Join('\n', lines);
                how = $"cell {cell + 1} of line {line + 1} of {name} set to '{value.ReplaceLineEndings("\\n")}'";
                break;
            case 6:
                text = lines[0] + "\n";
                how = $"{name} cut to its first line";
                break;
            default:
                int at = random.Next(text.Length + 1);
                string spliced = HostileCells[random.Next(HostileCells.Length)];
                text = text.Insert(at, spliced);
                how = $"'{spliced.ReplaceLineEndings("\\n")}' spliced into {name} at {at}";
                break;
        }
        File.WriteAllText(path, text);
        return how;
    }
}
