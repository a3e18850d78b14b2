using System.Diagnostics;
using System.Text;
using Svcsim.Cli;
using Svcsim.Reports;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// Results are never reused without being checked: a run folder with a changed, truncated or missing file is refused
/// by <c>report</c> (exit 2, naming the file); a sweep point whose files do not match their record is computed again
/// on resume and refused by <c>merge</c>; a second svcsim writing into the same folder stops at once; a run killed while
/// replacing an older one leaves the older one whole; a bad <c>--out</c> fails before anything runs.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class DamagedResultsTests(SweepFixture sweeps) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A short run: one replication of 20 s.</summary>
    internal static readonly string[] Short = ["--replications", "1", "--set", "duration=20s", "--set", "measurement.warmup=2s", "--quiet"];

    /// <summary>A finished run of the seed example (20 s, one replication) and its folder.</summary>
    private string Run(string name = "out")
    {
        string outDir = Path.Combine(_temp.Path, name);
        var result = SvcsimCli.Run(["run", CliPaths.InRepo("Scenarios/seed.yaml"), "--out", outDir, .. Short]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Path.Combine(outDir, "seed");
    }

    public static TheoryData<string, string> Damages() => new()
    {
        { "truncated summary.csv", OutputFiles.Summary },
        { "a number in summary.csv replaced by text", OutputFiles.Summary },
        { "broken run.json", OutputFiles.RunJson },
        { "missing pods.csv", OutputFiles.Pods },
        { "edited scenario.yaml", OutputFiles.ScenarioYaml },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Report_Refuses_A_Damaged_Run_Folder_Naming_The_File_And_Renders_Nothing(string damage, string file)
    {
        // Given a finished run folder, damaged
        string dir = Run();
        string path = Path.Combine(dir, file);
        string text = File.ReadAllText(path);
        switch (damage)
        {
            case "truncated summary.csv":
                File.WriteAllText(path, text[..(text.Length / 2)]);
                break;
            case "a number in summary.csv replaced by text":
                int comma = text.IndexOf(",1,", StringComparison.Ordinal);
                File.WriteAllText(path, string.Concat(text.AsSpan(0, comma), ",x,", text.AsSpan(comma + 3)));
                break;
            case "broken run.json":
                File.WriteAllText(path, text[..20]);
                break;
            case "missing pods.csv":
                File.Delete(path);
                break;
            default:
                File.AppendAllText(path, "# edited\n");
                break;
        }
        byte[] html = File.ReadAllBytes(Path.Combine(dir, OutputFiles.ReportHtml));

        // When
        var result = SvcsimCli.Run(["report", dir]);

        // Then
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(path, result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Err, StringComparison.Ordinal);
        Assert.Equal(html, File.ReadAllBytes(Path.Combine(dir, OutputFiles.ReportHtml)));
    }

    [Fact]
    public void Report_Renders_An_Intact_Folder_And_It_Stays_Verified()
    {
        string dir = Run();
        var before = File.ReadAllText(Path.Combine(dir, Checksums.FileName));
        var result = SvcsimCli.Run(["report", dir]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Checksums.Verify(dir);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, Checksums.FileName))); // the same bytes rendered again
    }

    [Fact]
    public void Report_Refuses_A_Folder_Without_Checksums_And_One_Whose_Files_Match_But_Do_Not_Parse()
    {
        // Given a folder that was never finished (no checksums.json)...
        string dir = Run();
        File.Delete(Path.Combine(dir, Checksums.FileName));
        var unfinished = SvcsimCli.Run(["report", dir]);
        Assert.True(unfinished.ExitCode == 2, unfinished.ToString());
        Assert.Contains("not a finished svcsim output folder", unfinished.Err, StringComparison.Ordinal);

        // ...and one whose checksums were written over a damaged summary_ci.csv (nothing but a reader can tell)
        string ci = Path.Combine(dir, OutputFiles.SummaryCi);
        File.WriteAllText(ci, File.ReadAllText(ci).Replace(",0.", ",zero.", StringComparison.Ordinal));
        Checksums.Write(dir);
        var unreadable = SvcsimCli.Run(["report", dir]);
        Assert.True(unreadable.ExitCode == 2, unreadable.ToString());
        Assert.Contains(ci, unreadable.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", unreadable.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Refuses_Files_That_Parse_But_Do_Not_Agree_Naming_File_And_Line()
    {
        // Given a run whose pods.csv, resealed, has a row of another scenario (edited or put together by hand)
        string dir = Run();
        string pods = Path.Combine(dir, OutputFiles.Pods);
        var lines = File.ReadAllLines(pods);
        Assert.StartsWith("seed,", lines[1], StringComparison.Ordinal);
        lines[1] = "other" + lines[1]["seed".Length..];
        File.WriteAllLines(pods, lines);
        Checksums.Write(dir);

        // Then report refuses it at that line, where the report writer used to fail with exit 1
        var foreign = SvcsimCli.Run(["report", dir]);
        Assert.True(foreign.ExitCode == 2, foreign.ToString());
        Assert.Contains($"{pods}:2: scenario: 'other', but the run is of 'seed' (run.json)", foreign.Err, StringComparison.Ordinal);

        // Given its run.json, resealed, with a member the records need taken out (a way of access's nodes)
        File.WriteAllLines(pods, lines.Select((l, i) => i == 1 ? "seed" + l["other".Length..] : l));
        string runJson = Path.Combine(dir, OutputFiles.RunJson);
        string json = File.ReadAllText(runJson);
        string trimmed = System.Text.RegularExpressions.Regex.Replace(json, @"\n\s*""nodes"": \[[^\]]*\],", "", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(5));
        Assert.NotEqual(json, trimmed);
        File.WriteAllText(runJson, trimmed);
        Checksums.Write(dir);

        // Then it is a damaged run.json, not a null met while drawing
        var incomplete = SvcsimCli.Run(["report", dir]);
        Assert.True(incomplete.ExitCode == 2, incomplete.ToString());
        Assert.Contains($"{runJson}: damaged", incomplete.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", incomplete.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Refuses_A_Sweep_Whose_Intervals_Name_A_Point_It_Does_Not_Have()
    {
        // Given a two-point sweep whose sweep_ci.csv, resealed, gives its first point other parameters
        string dir = Path.Combine(_temp.Path, "sweep");
        var sweep = SvcsimCli.Run(["sweep", CliPaths.InRepo("Scenarios/seed.yaml"), "--param", "clients[0].rate=100/s,200/s", "--out", dir, .. Short]);
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        string ci = Path.Combine(dir, OutputFiles.SweepCi);
        var lines = File.ReadAllLines(ci);
        Assert.StartsWith("0,clients[0].rate=100/s,", lines[1], StringComparison.Ordinal);
        lines[1] = lines[1].Replace("clients[0].rate=100/s", "NaN", StringComparison.Ordinal);
        File.WriteAllLines(ci, lines);
        Checksums.Write(dir);

        // Then report refuses it at that line (its plots used to fail on 'NaN' with exit 1)
        var result = SvcsimCli.Run(["report", dir]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{ci}:2: point 0 (NaN) is not a point of sweep.csv, whose point 0 is clients[0].rate=100/s", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Nulls_And_Missing_Members_In_The_Json_Files_Are_Damaged_Input()
    {
        // Given a run whose checksums.json lists a null among its files
        string dir = Run();
        string sums = Path.Combine(dir, Checksums.FileName);
        string original = File.ReadAllText(sums);
        File.WriteAllText(sums, original.Replace("\"files\": [", "\"files\": [null, ", StringComparison.Ordinal));
        var nullEntry = SvcsimCli.Run(["report", dir]);
        Assert.True(nullEntry.ExitCode == 2, nullEntry.ToString());
        Assert.Contains($"{sums}: not a svcsim-checksums/1 file", nullEntry.Err, StringComparison.Ordinal);

        // and one whose run.json, resealed, has a null among its parameters
        File.WriteAllText(sums, original);
        string runJson = Path.Combine(dir, OutputFiles.RunJson);
        File.WriteAllText(runJson, File.ReadAllText(runJson).Replace("\"parameters\": [", "\"parameters\": [null, ", StringComparison.Ordinal));
        Checksums.Write(dir);
        var nullParameter = SvcsimCli.Run(["report", dir]);
        Assert.True(nullParameter.ExitCode == 2, nullParameter.ToString());
        Assert.Contains($"{runJson}: damaged", nullParameter.Err, StringComparison.Ordinal);

        // Given two shards of a sweep, the first with a parameter of its sweep-manifest.json missing its name
        string s1 = Path.Combine(_temp.Path, "s1"), s2 = Path.Combine(_temp.Path, "s2");
        foreach (var (shard, folder) in new[] { ("1/2", s1), ("2/2", s2) })
        {
            var made = SvcsimCli.Run(["sweep", CliPaths.InRepo("Scenarios/seed.yaml"), "--param", "clients[0].rate=100/s,200/s", "--shard", shard, "--out", folder, .. Short]);
            Assert.True(made.ExitCode == 0, made.ToString());
        }
        string manifest = Path.Combine(s1, "sweep-manifest.json");
        string text = File.ReadAllText(manifest);
        string without = System.Text.RegularExpressions.Regex.Replace(text, @"""Name"": ""scenario_file"",\s*", "", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(5));
        Assert.NotEqual(text, without);
        File.WriteAllText(manifest, without);

        // Then merge refuses it as damaged (it used to fail writing run.json, exit 1) and writes nothing
        string merged = Path.Combine(_temp.Path, "merged");
        var result = SvcsimCli.Run(["merge", s1, s2, "--out", merged]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{manifest}: damaged", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(merged, OutputFiles.Sweep)));
    }

    public static TheoryData<string> PointDamages() => new()
    {
        "edited", "truncated", "a foreign point's rows", "a truncated record", "a null record",
    };

    [Theory]
    [MemberData(nameof(PointDamages))]
    public void A_Resumed_Sweep_Recomputes_A_Damaged_Point_And_Merge_Refuses_It(string damage)
    {
        // Given a finished sweep whose point 1 was then damaged
        string dir = sweeps.NewFolder("damaged");
        SweepTests.CopyDirectory(sweeps.Reference, dir);
        string points = Path.Combine(dir, "points");
        string rows = Path.Combine(points, "point-00001.csv"), record = Path.Combine(points, "point-00001.json");
        string text = File.ReadAllText(rows);
        switch (damage)
        {
            case "edited":
                int digit = text.IndexOfAny("0123456789".ToCharArray(), text.IndexOf('\n', StringComparison.Ordinal) + 1 + 40);
                File.WriteAllText(rows, string.Concat(text.AsSpan(0, digit), text[digit] == '9' ? "8" : "9", text.AsSpan(digit + 1)));
                break;
            case "truncated":
                File.WriteAllText(rows, text[..(text.Length * 2 / 3)]);
                break;
            case "a foreign point's rows":
                File.Copy(Path.Combine(points, "point-00002.csv"), rows, overwrite: true);
                break;
            case "a truncated record":
                File.WriteAllText(record, File.ReadAllText(record)[..30]);
                break;
            default:
                File.WriteAllText(record, "null");
                break;
        }
        string merged = sweeps.NewFolder("merged");

        // When the damaged folder is merged, then resumed
        var merge = SvcsimCli.Run(["merge", "--out", merged, dir]);
        var resumed = SvcsimCli.Run(SweepFixture.Args(dir, "--quiet"));

        // Then merge refuses it naming the file, and the resumed sweep computes the point again to the reference's bytes
        Assert.True(merge.ExitCode == 2, merge.ToString());
        Assert.Contains("point-00001", merge.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(merged, OutputFiles.Sweep)));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("computing point 1 again", resumed.Err, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(sweeps.Reference, OutputFiles.Sweep)), File.ReadAllBytes(Path.Combine(dir, OutputFiles.Sweep)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(sweeps.Reference, "points", "point-00001.csv")), File.ReadAllBytes(rows));
    }

    [Fact]
    public void Merge_Refuses_A_Null_Sweep_Manifest_Naming_It_And_A_Sweep_Still_Runs_There()
    {
        string dir = sweeps.NewFolder("null-manifest");
        SweepTests.CopyDirectory(sweeps.Reference, dir);
        string manifest = Path.Combine(dir, "sweep-manifest.json");
        File.WriteAllText(manifest, "null");

        var merge = SvcsimCli.Run(["merge", "--out", sweeps.NewFolder("merged"), dir]);
        var resumed = SvcsimCli.Run(SweepFixture.Args(dir, "--quiet"));

        Assert.True(merge.ExitCode == 2, merge.ToString());
        Assert.Contains(manifest, merge.Err, StringComparison.Ordinal);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(sweeps.Reference, OutputFiles.Sweep)), File.ReadAllBytes(Path.Combine(dir, OutputFiles.Sweep)));
    }

    [Fact]
    public void A_Second_Writer_Of_The_Same_Folder_Stops_At_Once_Naming_The_First()
    {
        // Given an output folder another svcsim holds
        string outDir = Path.Combine(_temp.Path, "held");
        using (var held = OutputFolder.Open(outDir))
        {
            Assert.NotNull(held);

            // When a run and a sweep are started into it
            var clock = Stopwatch.StartNew();
            var run = SvcsimCli.Run(["run", CliPaths.InRepo("Scenarios/seed.yaml"), "--out", outDir, .. Short]);
            var sweep = SvcsimCli.Run(SweepFixture.Args(outDir, "--quiet"));

            // Then both stop at once with exit 2, naming the process that holds it, and write nothing
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
            foreach (var r in new[] { run, sweep })
            {
                Assert.True(r.ExitCode == 2, r.ToString());
                Assert.Contains($"another svcsim is writing here, pid {Environment.ProcessId}", r.Err, StringComparison.Ordinal);
            }
            Assert.Equal([OutputFolder.LockName, ".svcsim.lock.pid"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }

        // And once it is released, a run goes through
        Assert.Equal(0, SvcsimCli.Run(["run", CliPaths.InRepo("Scenarios/seed.yaml"), "--out", outDir, .. Short]).ExitCode);
    }

    [Fact]
    public void A_Swap_Cut_Between_Its_Renames_Leaves_The_Old_Run_Which_The_Next_Run_Restores_Then_Replaces()
    {
        // Given a finished run whose folder a killed re-run had set aside, with its unfinished new folder beside it
        string dir = Run();
        string root = Path.GetDirectoryName(dir)!;
        string aside = Path.Combine(root, ".seed.old-4242");
        Directory.Move(dir, aside);
        Directory.CreateDirectory(Path.Combine(root, ".seed.new-4242", "plots"));
        File.WriteAllText(Path.Combine(root, ".seed.new-4242", OutputFiles.Summary), "scenario,variant\n");

        // When the folder is next opened for a run
        using (var output = OutputFolder.Open(root)!)
        {
            string fresh = output.Fresh("seed");

            // Then the old run is back, whole, and nothing of the unfinished one is left
            Checksums.Verify(dir);
            Assert.Equal([Path.GetFileName(fresh), "seed"], Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Directory.Delete(fresh);
        }
        Assert.Equal(0, SvcsimCli.Run(["run", CliPaths.InRepo("Scenarios/seed.yaml"), "--out", root, .. Short]).ExitCode);
        Assert.Equal(["seed"], Directory.GetDirectories(root).Select(Path.GetFileName));
    }

    [Fact]
    public void A_Run_Killed_While_Replacing_An_Older_One_Leaves_One_Whole_Run()
    {
        // Given a finished run of 20 s
        string dir = Run();
        string root = Path.GetDirectoryName(dir)!;
        var first = File.ReadAllText(Path.Combine(dir, Checksums.FileName));

        // When re-runs with another seed are killed at different moments (a child process each)
        foreach (int ms in new[] { 400, 900, 1600 })
        {
            using var child = SvcsimCli.Start(_temp.Path, [SvcsimCli.Dll, "run", CliPaths.InRepo("Scenarios/seed.yaml"), "--out", root, "--seed", ms.ToString(System.Globalization.CultureInfo.InvariantCulture), .. Short]);
            Thread.Sleep(ms);
            try
            {
                child.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it had finished
            }
            child.WaitForExit();

            // Then the folder holds one whole run, the old one or the new one, and report takes it
            Checksums.Verify(dir);
            var report = SvcsimCli.Run(["report", dir]);
            Assert.True(report.ExitCode == 0, report.ToString());
        }
        Assert.True(first.Length > 0);
    }

    [Fact]
    public void A_Bad_Out_Fails_Before_Anything_Runs()
    {
        string file = Path.Combine(_temp.Path, "a-file");
        File.WriteAllText(file, "x");
        var cases = new List<(string Out, string Says)>
        {
            (file, "is a file, not a folder"),
            (Path.Combine(file, "below"), "cannot create the folder"),
            ("/" + new string('n', 300), "longer than 255 bytes"),
        };
        if (OperatingSystem.IsLinux())
        {
            cases.Add(("/dev/null", "is a character device, not a folder"));
            cases.Add(("/proc/svcsim-out", "cannot create the folder"));
        }
        foreach (var (outDir, says) in cases)
        {
            // An hour of simulated time: a check made after the run would take minutes, not milliseconds.
            var clock = Stopwatch.StartNew();
            var result = SvcsimCli.Run(["run", CliPaths.InRepo("Scenarios/seed.yaml"), "--out", outDir, "--set", "duration=1h", "--quiet"]);
            Assert.True(result.ExitCode == 2, $"{outDir}: {result}");
            Assert.Contains(says, result.Err, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{outDir}: took {clock.Elapsed}");
        }
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void A_Folder_Passes_Its_Own_Checksums_And_Counts_Rows_With_Quoted_Line_Breaks()
    {
        string dir = Path.Combine(_temp.Path, "csv");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "a.csv"), "h1,h2\n1,\"two\nlines\"\n3,\"say \"\"hi\"\"\"\n", new UTF8Encoding(false));
        var sums = Checksums.Write(dir);
        Assert.Equal(2, Assert.Single(sums).Rows);
        Checksums.Verify(dir);
        File.AppendAllText(Path.Combine(dir, "a.csv"), "4,4\n");
        Assert.Contains("3 rows where 2 were written", Assert.Throws<InvalidDataException>(() => Checksums.Verify(dir)).Message, StringComparison.Ordinal);
    }
}
