using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// One small sweep of the seed example (a 2 x 2 grid of client rate and node-monitor grace period, two replications
/// of 20 s), run once uninterrupted on one machine and once as three shards, for every CLI test that compares
/// against it. Each is computed on first use.
/// </summary>
public sealed class SweepFixture : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Lazy<string> _reference;
    private readonly Lazy<IReadOnlyList<string>> _shards;
    private int _folders;

    public SweepFixture()
    {
        _reference = new(() => Sweep(NewFolder("reference")));
        _shards = new(() => Enumerable.Range(1, 3).Select(i => Sweep(NewFolder($"shard{i}"), "--shard", $"{i}/3")).ToList());
    }

    /// <summary>The swept client rate: two values.</summary>
    public const string RateAxis = "clients[0].rate=100/s,200/s";

    /// <summary>The swept grace period: two values (the last axis varies fastest).</summary>
    public const string GraceAxis = "controlPlane.nodeMonitorGracePeriod=40s,50s";

    /// <summary>Points in the grid.</summary>
    public const int Points = 4;

    /// <summary>Replications per point and way of access.</summary>
    public const int Replications = 2;

    /// <summary>The swept scenario.</summary>
    public static string Scenario => CliPaths.InRepo("Scenarios/seed.yaml");

    /// <summary>The arguments of the sweep into <paramref name="outDir"/>, then <paramref name="extra"/>.</summary>
    public static string[] Args(string outDir, params string[] extra) =>
    [
        "sweep", Scenario, "--param", RateAxis, "--param", GraceAxis, "--replications", "2",
        "--set", "duration=20s", "--set", "measurement.warmup=2s", "--out", outDir, .. extra,
    ];

    /// <summary>The uninterrupted, unsharded sweep's folder.</summary>
    public string Reference => _reference.Value;

    /// <summary>The folders of shards 1/3, 2/3 and 3/3.</summary>
    public IReadOnlyList<string> Shards => _shards.Value;

    /// <summary>A path for a new folder (not created) under this fixture's temporary folder.</summary>
    public string NewFolder(string name) => Path.Combine(_temp.Path, $"{name}-{Interlocked.Increment(ref _folders)}");

    /// <summary>Runs the sweep into <paramref name="outDir"/> and returns it; throws when svcsim fails.</summary>
    public static string Sweep(string outDir, params string[] extra)
    {
        var result = SvcsimCli.Run(Args(outDir, [.. extra, "--quiet"]));
        return result.ExitCode == 0 ? outDir : throw new InvalidOperationException("the fixture's sweep failed: " + result);
    }

    public void Dispose() => _temp.Dispose();
}
