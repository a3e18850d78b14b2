using System.Diagnostics;
using System.Globalization;
using Svcsim.Cli;
using Svcsim.Reports;

namespace Svcsim.Benchmarks;

/// <summary>
/// One sweep at <c>--parallel 1</c> and at <c>--parallel N</c>, in turn, in one run: the wall time of each and
/// their ratio, and whether both wrote the same results. Two ways to run it, reported on separate lines:
/// <list type="bullet">
/// <item><c>in-process</c>: <c>svcsim sweep</c> called in this process after warm-up sweeps, as a benchmark
/// measures code (compiled to its final tier, types loaded): what the sweep itself divides among cores.</item>
/// <item><c>new-process</c>: <c>dotnet svcsim.dll sweep</c> started afresh each time, as a user runs it: the
/// runtime's start, compiling the code and its tiering included, which do not divide among cores.</item>
/// </list>
/// </summary>
/// <remarks><c>dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll sweep-side-by-side [--scenario FILE] [--param path=v1,v2]...
/// [--set path=value]... [--parallel N] [--rounds N] [--warmup N] [--mode both|in-process|new-process] [--svcsim DIR]</c>
/// (<c>DIR</c>: the folder of the <c>svcsim.dll</c> that new processes run, this tool's own by default). Without
/// <c>--param</c> the grid is the README's 8-point one: <c>clients[0].rate=100/s,200/s,300/s,400/s</c> x
/// <c>controlPlane.nodeMonitorGracePeriod=40s,50s</c>.</remarks>
public static class SweepSideBySide
{
    /// <summary>The grid swept when no <c>--param</c> is given: 8 points.</summary>
    public static readonly IReadOnlyList<string> DefaultGrid = ["clients[0].rate=100/s,200/s,300/s,400/s", "controlPlane.nodeMonitorGracePeriod=40s,50s"];

    /// <summary>The files that must be byte-identical at both parallelisms.</summary>
    public static readonly IReadOnlyList<string> ComparedFiles = ["sweep.csv", "sweep_ci.csv"];

    private const string Usage =
        "usage: sweep-side-by-side [--scenario FILE] [--param path=v1,v2]... [--set path=value]... [--parallel 2-64] [--rounds 1-1000] [--warmup 0-100] [--mode both|in-process|new-process] [--svcsim DIR]";

    /// <summary>Runs the comparison; returns the process exit code (2 for bad arguments, 1 when the two parallelisms' results differ).</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? scenario = null;
        var grid = new List<string>();
        var sets = new List<string>();
        int parallel = 2, rounds = 5, warmup = 1;
        string mode = "both";
        string svcsim = AppContext.BaseDirectory;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            bool ok = args[i] switch
            {
                "--scenario" => (scenario = value).Length > 0,
                "--param" => value.Contains('=', StringComparison.Ordinal) && Add(grid, value),
                "--set" => value.Contains('=', StringComparison.Ordinal) && Add(sets, value),
                "--parallel" => int.TryParse(value, CultureInfo.InvariantCulture, out parallel) && parallel is >= 2 and <= 64,
                "--rounds" => int.TryParse(value, CultureInfo.InvariantCulture, out rounds) && rounds is >= 1 and <= 1_000,
                "--warmup" => int.TryParse(value, CultureInfo.InvariantCulture, out warmup) && warmup is >= 0 and <= 100,
                "--mode" => (mode = value) is "both" or "in-process" or "new-process",
                "--svcsim" => (svcsim = value).Length > 0,
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"sweep-side-by-side: bad argument '{args[i]}' {value}".TrimEnd());
                Console.Error.WriteLine(Usage);
                return 2;
            }
            i++;
        }
        scenario ??= Path.Combine(SideBySide.RepositoryRoot(), "Scenarios", "seed.yaml");
        if (!File.Exists(scenario))
        {
            Console.Error.WriteLine($"sweep-side-by-side: no scenario file {scenario}");
            return 2;
        }
        if (!File.Exists(Path.Combine(svcsim, "svcsim.dll")))
        {
            Console.Error.WriteLine($"sweep-side-by-side: no svcsim.dll in {svcsim}");
            return 2;
        }
        if (grid.Count == 0)
        {
            grid.AddRange(DefaultGrid);
        }
        var sweepArgs = new List<string> { "sweep", scenario };
        foreach (var p in grid)
        {
            sweepArgs.AddRange(["--param", p]);
        }
        foreach (var s in sets)
        {
            sweepArgs.AddRange(["--set", s]);
        }
        string scratch = Directory.CreateTempSubdirectory("svcsim-sweep-sbs-").FullName;
        try
        {
            // A first sweep in this process checks the arguments (a bad one is told as svcsim tells it, exit 2)
            // and is the in-process measurement's first warm-up.
            var first = new Sweeper(sweepArgs, scratch, inProcess: true, svcsim);
            if (first.Sweep(1) is { Code: not 0 } failed)
            {
                Console.Error.Write(failed.Error);
                return failed.Code == SvcsimCommand.ExitInvalidInput ? 2 : 1;
            }
            int code = 0;
            foreach (bool inProcess in mode switch { "in-process" => [true], "new-process" => [false], _ => new[] { true, false } })
            {
                var sweeper = new Sweeper(sweepArgs, scratch, inProcess, svcsim);
                var m = Alternation.Measure(() => sweeper.Timed(1), () => sweeper.Timed(parallel), rounds, inProcess ? warmup : 0);
                if (sweeper.Failure is { } failure)
                {
                    Console.Error.WriteLine($"sweep-side-by-side: {failure}"); // no figures: a failed sweep's time means nothing
                    return 1;
                }
                bool identical = sweeper.Identical;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"mode={(inProcess ? "in-process" : "new-process")} scenario={Path.GetFileName(scenario)} points={first.Points} runs={first.Runs} rounds={rounds} " +
                    $"parallel={parallel} parallel1_s={m.FirstMedian:F3} parallel{parallel}_s={m.SecondMedian:F3} ratio_median={m.Median:F2} " +
                    $"ratio_quartiles={m.LowerQuartile:F2}-{m.UpperQuartile:F2} identical={(identical ? "yes" : "no")}"));
                if (!identical)
                {
                    Console.Error.WriteLine($"sweep-side-by-side: {string.Join(", ", sweeper.Differing)} differ between --parallel 1 and --parallel {parallel}");
                    code = 1;
                }
            }
            return code;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static bool Add(List<string> list, string value)
    {
        list.Add(value);
        return true;
    }

    /// <summary>Runs the sweep into fresh folders (a folder with finished points would reuse them) and keeps the first results of each parallelism.</summary>
    private sealed class Sweeper(IReadOnlyList<string> sweepArgs, string scratch, bool inProcess, string svcsim)
    {
        private readonly Dictionary<int, Dictionary<string, byte[]>> _kept = [];
        private int _runs;

        public int Points { get; private set; }

        public int Runs { get; private set; }

        public string? Failure { get; private set; }

        public IEnumerable<string> Differing =>
            _kept.Count < 2 ? [] : ComparedFiles.Where(f => !_kept.Values.First()[f].AsSpan().SequenceEqual(_kept.Values.Last()[f]));

        public bool Identical => !Differing.Any();

        public double Timed(int parallel)
        {
            var watch = Stopwatch.StartNew();
            var (code, error) = Sweep(parallel);
            double seconds = watch.Elapsed.TotalSeconds;
            if (code != 0)
            {
                Failure ??= $"--parallel {parallel} exited with {code}: {error.Trim()}";
            }
            return seconds;
        }

        public (int Code, string Error) Sweep(int parallel)
        {
            string dir = Path.Combine(scratch, $"{(inProcess ? "in" : "new")}-{_runs++}-p{parallel}");
            string[] args = [.. sweepArgs, "--parallel", parallel.ToString(CultureInfo.InvariantCulture), "--quiet", "--out", dir];
            var (code, error) = inProcess ? InProcess(args) : NewProcess(Path.Combine(svcsim, "svcsim.dll"), args);
            if (code == 0)
            {
                if (!_kept.ContainsKey(parallel))
                {
                    _kept[parallel] = ComparedFiles.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(dir, f)));
                    var rows = SweepCsv.Read(Path.Combine(dir, "sweep.csv")).Rows;
                    Runs = rows.Count;
                    Points = rows.Select(r => r.Point).Distinct().Count();
                }
                Directory.Delete(dir, recursive: true);
            }
            return (code, error);
        }

        private static (int, string) InProcess(string[] args)
        {
            var stderr = new StringWriter();
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            Console.SetOut(TextWriter.Null);
            Console.SetError(stderr);
            try
            {
                return (SvcsimCommand.Run(args), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }

        private static (int, string) NewProcess(string dll, string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(dll);
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error.Result);
        }
    }
}
