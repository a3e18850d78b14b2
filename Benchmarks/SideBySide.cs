using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;

namespace Svcsim.Benchmarks;

/// <summary>
/// Two builds of the simulator in one process, each in its own load context, running the same scenario in
/// alternating chunks of requests: the ratio of their costs per request, measured under the same machine
/// conditions from chunk to chunk. On a shared machine the speed of separate runs drifts by more than the
/// differences worth measuring; alternating chunks of a fraction of a second cancels that drift.
/// </summary>
/// <remarks>
/// <c>dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll side-by-side --baseline DIR</c>, where DIR holds
/// another build's <c>svcsim.dll</c> (for instance a worktree of an earlier commit, built with
/// <c>dotnet build -c Release</c>). The builds are driven by reflection on <c>ScenarioLoader.Load</c>,
/// <c>VariantRunner</c> and <c>RunUntilRequests</c>, so a baseline from before a setting existed still runs:
/// <c>--reuse</c> is applied to a build only if it knows <c>connection.reuse</c>.
/// </remarks>
public static class SideBySide
{
    /// <summary>Requests each build runs before measuring starts, whatever the chunk.</summary>
    public const long WarmupRequests = 1_200_000;

    private const string Usage =
        "usage: side-by-side --baseline DIR [--current DIR] [--scenario FILE] [--variant N] [--reuse perRequest|keepAlive|multiplex] [--rounds N] [--chunk REQUESTS]";

    /// <summary>Runs the comparison; returns the process exit code (2 for bad arguments).</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? baseline = null;
        string current = AppContext.BaseDirectory;
        string? scenario = null;
        int variant = 0, rounds = 30;
        long chunk = 200_000;
        string reuse = "perRequest";
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--baseline": baseline = value; i++; break;
                case "--current": current = value; i++; break;
                case "--scenario": scenario = value; i++; break;
                case "--reuse": reuse = value; i++; break;
                case "--variant" when int.TryParse(value, CultureInfo.InvariantCulture, out variant) && variant >= 0: i++; break;
                case "--rounds" when int.TryParse(value, CultureInfo.InvariantCulture, out rounds) && rounds is >= 4 and <= 10_000: i++; break;
                case "--chunk" when long.TryParse(value, CultureInfo.InvariantCulture, out chunk) && chunk is >= 1_000 and <= 100_000_000: i++; break;
                default:
                    Console.Error.WriteLine($"side-by-side: bad argument '{args[i]}' {value}".TrimEnd());
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        scenario ??= Path.Combine(RepositoryRoot(), "Scenarios", "seed.yaml");
        if (baseline is null || reuse is not ("perRequest" or "keepAlive" or "multiplex"))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        foreach (var dir in new[] { current, baseline })
        {
            if (!File.Exists(Path.Combine(dir, "svcsim.dll")))
            {
                Console.Error.WriteLine($"side-by-side: no svcsim.dll in {dir}");
                return 2;
            }
        }
        if (!File.Exists(scenario))
        {
            Console.Error.WriteLine($"side-by-side: no scenario file {scenario}");
            return 2;
        }
        World[] worlds;
        try
        {
            worlds = [new World(current, scenario, variant, reuse), new World(baseline, scenario, variant, reuse)];
        }
        catch (Exception e) when (e is TargetInvocationException or ArgumentException or InvalidOperationException or MissingMemberException
            or TypeLoadException or NullReferenceException or InvalidCastException or FileLoadException or BadImageFormatException)
        {
            // A scenario the builds refuse, a variant they lack, or a build whose types this tool cannot drive.
            Console.Error.WriteLine($"side-by-side: {(e is TargetInvocationException { InnerException: { } inner } ? inner.Message : e.Message)}");
            return 2;
        }
        // Warm-up by work, not by rounds: the two builds' code is compiled to its final tier by one background
        // thread, the first build's first, so with small chunks the second was still partly unoptimised when
        // measuring began (one build against itself measured 0.2-0.6x at 20,000-request chunks).
        int warmup = (int)Math.Max(6, Math.Ceiling((double)WarmupRequests / chunk));
        var m = Alternation.Measure(() => worlds[0].Step(chunk), () => worlds[1].Step(chunk), rounds, warmup);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scenario={Path.GetFileName(scenario)} variant={variant} reuse={reuse} (current; baseline: {(worlds[1].Reuse || reuse == "perRequest" ? reuse : "its default")}) rounds={rounds} chunk={chunk} " +
            $"current_ns={m.FirstMedian:F0} baseline_ns={m.SecondMedian:F0} ratio_median={m.Median:F3} ratio_quartiles={m.LowerQuartile:F3}-{m.UpperQuartile:F3} " +
            $"fastest_current_ns={m.First[0]:F0} fastest_baseline_ns={m.Second[0]:F0}"));
        return 0;
    }

    /// <summary>The repository this tool was built in (the folder holding Simulator.slnx), else the current folder.</summary>
    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulator.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    /// <summary>One build's world, loaded in its own context.</summary>
    private sealed class World
    {
        private readonly object _runner;
        private readonly MethodInfo _run;
        private long _done;

        public World(string dir, string scenario, int variant, string reuse)
        {
            var main = Path.Combine(Path.GetFullPath(dir), "svcsim.dll");
            var assembly = new BuildContext(main).LoadFromAssemblyPath(main);
            var load = assembly.GetType("Svcsim.Scenarios.ScenarioLoader", throwOnError: true)!.GetMethods()
                .First(m => m.Name == "Load" && m.GetParameters() is [{ ParameterType: var t }, ..] && t == typeof(string));
            var file = load.Invoke(null, [.. load.GetParameters().Select((p, i) => i == 0 ? scenario : p.HasDefaultValue ? p.DefaultValue : null)])!;
            object spec = file.GetType().GetProperty("Spec")!.GetValue(file)!;
            var clients = Items(spec, "Clients");
            double rate = clients.Sum(c => (double)c.GetType().GetProperty("Rate")!.GetValue(c)!);
            // Arrivals for as long as any comparison needs, measured from the start (no warm-up deletion).
            spec = With(spec, "DurationS", rate > 0 ? 1e9 / rate : 1e7); // closed-loop groups have no rate
            spec = With(spec, "Measurement", With(spec.GetType().GetProperty("Measurement")!.GetValue(spec)!, "WarmupS", 0.0));
            if (reuse != "perRequest" && clients[0].GetType().GetProperty("Connection") is { } connection)
            {
                var changed = Array.CreateInstance(clients[0].GetType(), clients.Count);
                for (int i = 0; i < clients.Count; i++)
                {
                    var c = connection.GetValue(clients[i])!;
                    var kind = c.GetType().GetProperty("Reuse")!.PropertyType;
                    changed.SetValue(With(clients[i], "Connection", With(c, "Reuse", Enum.Parse(kind, reuse, ignoreCase: true))), i);
                }
                spec = With(spec, "Clients", changed);
                Reuse = true;
            }
            var variants = Items(spec, "Variants");
            if (variant >= variants.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(variant), $"{scenario} has {variants.Count} ways of access");
            }
            var type = assembly.GetType("Svcsim.Experiments.VariantRunner", throwOnError: true)!;
            var ctor = type.GetConstructors().First(c => c.GetParameters().Length >= 3);
            _runner = ctor.Invoke([.. ctor.GetParameters().Select((p, i) => i switch { 0 => spec, 1 => variants[variant], 2 => 0, _ => p.DefaultValue })]);
            _run = type.GetMethod("RunUntilRequests")!;
        }

        /// <summary>Whether the connection setting was applied to this build.</summary>
        public bool Reuse { get; }

        /// <summary>Runs <paramref name="chunk"/> more requests; returns nanoseconds per request.</summary>
        public double Step(long chunk)
        {
            var watch = Stopwatch.StartNew();
            _done = (long)_run.Invoke(_runner, [_done + chunk])!;
            return watch.Elapsed.TotalNanoseconds / chunk;
        }

        private static List<object> Items(object spec, string property) =>
            [.. ((IEnumerable)spec.GetType().GetProperty(property)!.GetValue(spec)!).Cast<object>()];

        // A copy of record `value` with one init-only property changed: the build's own types, known only by name.
        private static object With(object value, string property, object? to)
        {
            var type = value.GetType();
            var copy = type.GetMethod("<Clone>$")!.Invoke(value, null)!;
            var field = type.GetField($"<{property}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic);
            if (field is not null)
            {
                field.SetValue(copy, to);
            }
            else
            {
                type.GetProperty(property)!.SetValue(copy, to);
            }
            return copy;
        }
    }

    /// <summary>Loads a build and its dependencies from its own directory, apart from any other build.</summary>
    private sealed class BuildContext(string main) : AssemblyLoadContext(isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(main);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }
}
