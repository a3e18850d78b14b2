using System.Diagnostics;
using System.Globalization;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Scenarios;

namespace Svcsim.Benchmarks;

/// <summary>
/// A small and a large generated cluster (as <see cref="ClusterSizeBenchmarks"/> makes them) in one process,
/// alternating stretches of simulated time at the same offered load: the cost of a simulated second at the
/// large size over the small one, under the same machine conditions from stretch to stretch.
/// </summary>
/// <remarks><c>dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll sizes-side-by-side [--nodes 1000] [--small 4] [--rate 400] [--rounds 60] [--variant cloud-lb]</c>
/// (the way of access, as <c>svcsim generate --variants</c> names it; nodeport by default).</remarks>
public static class SizesSideBySide
{
    private const string Usage = "usage: sizes-side-by-side [--nodes 2-5000] [--small 2-5000] [--rate PER_S up to 100000] [--rounds 4-10000] [--seconds 1-3600] [--variant nodeport|cloud-lb|metallb-l2|metallb-bgp]";
    private static readonly string[] Variants = ["nodeport", "cloud-lb", "metallb-l2", "metallb-bgp"];

    /// <summary>Runs the comparison; returns the process exit code (2 for bad arguments).</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int large = 1000, small = 4, rounds = 60, seconds = 20;
        double rate = 400;
        string variant = "nodeport";
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            bool ok = args[i] switch
            {
                "--nodes" => int.TryParse(value, CultureInfo.InvariantCulture, out large) && large is >= 2 and <= 5_000,
                "--small" => int.TryParse(value, CultureInfo.InvariantCulture, out small) && small is >= 2 and <= 5_000,
                "--rounds" => int.TryParse(value, CultureInfo.InvariantCulture, out rounds) && rounds is >= 4 and <= 10_000,
                "--seconds" => int.TryParse(value, CultureInfo.InvariantCulture, out seconds) && seconds is >= 1 and <= 3_600,
                "--rate" => double.TryParse(value, CultureInfo.InvariantCulture, out rate) && rate is > 0 and <= 100_000,
                "--variant" => Variants.Contains(variant = value),
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"sizes-side-by-side: bad argument '{args[i]}' {value}".TrimEnd());
                Console.Error.WriteLine(Usage);
                return 2;
            }
            i++;
        }
        var a = World(small, rate, seconds, variant);
        var b = World(large, rate, seconds, variant);
        var m = Alternation.Measure(() => Step(b, seconds), () => Step(a, seconds), rounds, warmup: 5);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"variant={variant} rate={rate} small_nodes={small} large_nodes={large} rounds={rounds} seconds={seconds} small_ms_per_sim_s={m.SecondMedian:F3} large_ms_per_sim_s={m.FirstMedian:F3} " +
            $"ratio_median={m.Median:F2} ratio_quartiles={m.LowerQuartile:F2}-{m.UpperQuartile:F2}"));
        return 0;
    }

    private static VariantRunner World(int nodes, double rate, int seconds, string variant)
    {
        var spec = ScenarioLoader.LoadText(ScenarioGenerator.Write(new GeneratorOptions(nodes, PodsPerNode: 3, Rate: rate, DurationS: 1_000_000,
            Variants: [variant])), $"generated-{nodes}.yaml").Spec;
        var runner = new VariantRunner(spec, spec.Variants[0], 0);
        runner.RunUntilRequests((long)(rate * seconds)); // past the start, as the BenchmarkDotNet job does
        return runner;
    }

    // Milliseconds per simulated second over the next stretch.
    private static double Step(VariantRunner runner, int seconds)
    {
        var sim = runner.Simulation;
        var watch = Stopwatch.StartNew();
        sim.Run(sim.Now + seconds * Time.Second);
        return watch.Elapsed.TotalMilliseconds / seconds;
    }
}
